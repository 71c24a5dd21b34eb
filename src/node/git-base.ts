// The mission's base in git: a tree of the working state at the start, taken without touching the
// user's index or stash list, and the content of a file at that base for the diff editor.

import { execFile } from 'node:child_process'
import { copyFile, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { WorkspaceBase } from '../engine/ports'
import { checkRelativePath, isObjectId } from '../engine/record/diff-target'

interface GitResult {
  code: number
  stdout: Buffer
  stderr: string
}

function git(dir: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<GitResult> {
  return new Promise((done) => {
    execFile(
      'git',
      ['--no-optional-locks', ...args],
      { cwd: dir, env, encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0
        done({ code, stdout, stderr: stderr.toString('utf8') })
      },
    )
  })
}

const lines = (b: Buffer, sep = '\n') =>
  b
    .toString('utf8')
    .split(sep)
    .filter((l) => l !== '')

/**
 * Runs git commands on a copy of the index: `add`, `diff` and `ls-files` refresh the index
 * they read and may write it back (even with --no-optional-locks), and the user's index is theirs.
 */
async function withIndexCopy<T>(
  dir: string,
  env: NodeJS.ProcessEnv,
  fn: (env: NodeJS.ProcessEnv) => Promise<T>,
): Promise<T> {
  const indexPath = resolve(
    dir,
    (await git(dir, ['rev-parse', '--git-path', 'index'], env)).stdout.toString().trim(),
  )
  const scratch = await mkdtemp(join(tmpdir(), 'orch-base-'))
  try {
    const copy = join(scratch, 'index')
    // A repository that never staged anything has no index: git then starts from an empty one.
    await copyFile(indexPath, copy).catch(() => undefined)
    return await fn({ ...env, GIT_INDEX_FILE: copy })
  } finally {
    await rm(scratch, { recursive: true, force: true })
  }
}

/**
 * Records the workspace as it is now: every file git would track (modified, staged, untracked but not
 * ignored) is added to a copy of the index and written as a tree, so the user's index, stash list and
 * branches stay as they were, and a repository without a commit yet has a base too.
 */
export async function captureGitBase(
  dir: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<WorkspaceBase> {
  const inside = await git(dir, ['rev-parse', '--is-inside-work-tree'], env)
  if (inside.code !== 0 || inside.stdout.toString().trim() !== 'true')
    return { kind: 'none', reason: `${dir} is not in a git repository` }
  return withIndexCopy(dir, env, async (copyEnv) => {
    // The whole repository's tree: `<tree>:./path` then resolves from the workspace folder.
    const added = await git(dir, ['add', '-A', '--', '.'], copyEnv)
    if (added.code !== 0) throw new Error(`git add (on a copy of the index) failed: ${added.stderr.trim()}`)
    const tree = await git(dir, ['write-tree'], copyEnv)
    if (tree.code !== 0) throw new Error(`git write-tree failed: ${tree.stderr.trim()}`)
    return { kind: 'git', ref: tree.stdout.toString().trim(), untracked: [] }
  })
}

/** The base's id, checked: it reaches git's command line, where a `-` would make it an option. */
function objectId(ref: string): string {
  if (!isObjectId(ref)) throw new Error(`"${ref.slice(0, 80)}" is not a git object id (40 or 64 hex digits)`)
  return ref
}

/** The file at the base: empty when it did not exist then (untracked, or added since). */
export async function contentAtBase(
  dir: string,
  base: Extract<WorkspaceBase, { kind: 'git' }>,
  path: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  const rel = checkRelativePath(path)
  const ref = objectId(base.ref)
  if (base.untracked.includes(rel)) return ''
  const shown = await git(dir, ['show', '--end-of-options', `${ref}:./${rel}`], env)
  if (shown.code === 0) return shown.stdout.toString('utf8')
  if (/does not exist|exists on disk, but not in/.test(shown.stderr)) return ''
  throw new Error(`git show ${base.ref}:${rel} failed: ${shown.stderr.trim()}`)
}

/** Files that differ from the base now (relative to the workspace): changed, deleted or new. */
export async function changedSinceBase(
  dir: string,
  base: Extract<WorkspaceBase, { kind: 'git' }>,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string[]> {
  const ref = objectId(base.ref)
  // The working state staged in a copy of the index, compared with the base tree.
  const diff = await withIndexCopy(dir, env, async (copyEnv) => {
    await git(dir, ['add', '-A', '--', '.'], copyEnv)
    return git(
      dir,
      ['diff', '--cached', '-z', '--name-only', '--relative', '--end-of-options', ref, '--'],
      copyEnv,
    )
  })
  if (diff.code !== 0) throw new Error(`git diff ${base.ref} failed: ${diff.stderr.trim()}`)
  const before = new Set(base.untracked)
  return lines(diff.stdout, '\0')
    .filter((f) => !before.has(f))
    .sort()
}
