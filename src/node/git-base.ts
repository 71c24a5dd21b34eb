// The mission's base in git: a tree of the working state at the start, taken without touching the
// user's index or stash list, and the content of a file at that base for the diff editor.

import { copyFile, lstat, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import type { LineCounts, WorkspaceBase } from '../engine/ports'
import { sumLines } from '../engine/util/line-counts'
import { checkRelativePath, isObjectId } from '../engine/record/diff-target'
import { addLineCounts, git, lines, megabytes, type GitLimits, type GitResult } from './git-run'

/** Whether `\` separates folders in paths here (see checkRelativePath). */
const WINDOWS = process.platform === 'win32'

/** Untracked files larger than this are left out of the base (and named): each would be copied into .git. */
export const BASE_FILE_LIMIT_BYTES = 5 * 1024 * 1024

/**
 * Runs git commands on a copy of the index: `add`, `diff` and `ls-files` refresh the index
 * they read and may write it back (even with --no-optional-locks), and the user's index is theirs.
 */
async function withIndexCopy<T>(
  dir: string,
  env: NodeJS.ProcessEnv,
  limits: GitLimits,
  fn: (env: NodeJS.ProcessEnv, scratch: string) => Promise<T>,
): Promise<T> {
  const indexPath = resolve(
    dir,
    (await git(dir, ['rev-parse', '--git-path', 'index'], env, limits)).stdout.toString().trim(),
  )
  const scratch = await mkdtemp(join(tmpdir(), 'orch-base-'))
  try {
    const copy = join(scratch, 'index')
    // A repository that never staged anything has no index: git then starts from an empty one.
    await copyFile(indexPath, copy).catch(() => undefined)
    return await fn({ ...env, GIT_INDEX_FILE: copy }, scratch)
  } finally {
    await rm(scratch, { recursive: true, force: true })
  }
}

/**
 * Untracked, not ignored files of the whole repository (relative to `dir`, so `../…` outside it) over
 * the size limit, with their sizes.
 */
async function largeUntracked(
  dir: string,
  env: NodeJS.ProcessEnv,
  limits: GitLimits,
): Promise<{ path: string; bytes: number }[]> {
  const listed = await git(dir, ['ls-files', '-z', '--others', '--exclude-standard', '--', ':/'], env, limits)
  if (listed.code !== 0) throw new Error(`git ls-files failed: ${listed.stderr.trim()}`)
  const max = limits.maxFileBytes ?? BASE_FILE_LIMIT_BYTES
  const large: { path: string; bytes: number }[] = []
  for (const path of lines(listed.stdout, '\0')) {
    const info = await lstat(join(dir, path)).catch(() => undefined)
    if (info?.isFile() && info.size > max) large.push({ path, bytes: info.size })
  }
  return large.sort((a, b) => (a.path < b.path ? -1 : 1))
}

/**
 * `git add -A` of the whole repository (`:/`, also from a subfolder workspace: a worktree made from the
 * base must hold the files around it too) into the index copy, but for the paths in `leaveOut` (never
 * hashed into .git). The pathspecs go through a file: there may be more than a command line holds.
 */
async function addAll(
  dir: string,
  env: NodeJS.ProcessEnv,
  limits: GitLimits,
  scratch: string,
  leaveOut: string[],
): Promise<GitResult> {
  if (leaveOut.length === 0) return git(dir, ['add', '-A', '--', ':/'], env, limits)
  const specs = join(scratch, 'pathspecs')
  await writeFile(specs, [':/', ...leaveOut.map((p) => `:(exclude,literal)${p}`)].join('\0'))
  return git(dir, ['add', '-A', `--pathspec-from-file=${specs}`, '--pathspec-file-nul'], env, limits)
}

/**
 * Records the workspace as it is now: every file git would track (modified, staged, untracked but not
 * ignored) is added to a copy of the index and written as a tree, so the user's index, stash list and
 * branches stay as they were, and a repository without a commit yet has a base too.
 */
export async function captureGitBase(
  dir: string,
  env: NodeJS.ProcessEnv = process.env,
  limits: GitLimits = {},
): Promise<WorkspaceBase> {
  const inside = await git(dir, ['rev-parse', '--is-inside-work-tree'], env, limits)
  if (inside.code !== 0 || inside.stdout.toString().trim() !== 'true')
    return { kind: 'none', reason: `${dir} is not in a git repository` }
  return withIndexCopy(dir, env, limits, async (copyEnv, scratch) => {
    const large = await largeUntracked(dir, copyEnv, limits)
    const leftOut = large.map((f) => f.path)
    // The whole repository's tree: `<tree>:./path` then resolves from the workspace folder.
    const added = await addAll(dir, copyEnv, limits, scratch, leftOut)
    if (added.code !== 0) throw new Error(`git add (on a copy of the index) failed: ${added.stderr.trim()}`)
    const tree = await git(dir, ['write-tree'], copyEnv, limits)
    if (tree.code !== 0) throw new Error(`git write-tree failed: ${tree.stderr.trim()}`)
    const ref = tree.stdout.toString().trim()
    if (!large.length) return { kind: 'git', ref, untracked: [] }
    const limit = megabytes(limits.maxFileBytes ?? BASE_FILE_LIMIT_BYTES)
    const named = large.map((f) => `${f.path} (${megabytes(f.bytes)})`).join(', ')
    return {
      kind: 'git',
      ref,
      untracked: leftOut,
      leftOut: `untracked files over ${limit} left out of the base: ${named}`,
    }
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
  limits: GitLimits = {},
): Promise<string> {
  const rel = checkRelativePath(path, WINDOWS)
  const ref = objectId(base.ref)
  if (base.untracked.includes(rel)) return ''
  const shown = await git(dir, ['show', '--end-of-options', `${ref}:./${rel}`], env, limits)
  if (shown.code === 0) return shown.stdout.toString('utf8')
  if (/does not exist|exists on disk, but not in/.test(shown.stderr)) return ''
  throw new Error(`git show ${base.ref}:${rel} failed: ${shown.stderr.trim()}`)
}

/** Files that differ from the base now (relative to the workspace): changed, deleted or new. */
export async function changedSinceBase(
  dir: string,
  base: Extract<WorkspaceBase, { kind: 'git' }>,
  env: NodeJS.ProcessEnv = process.env,
  limits: GitLimits = {},
): Promise<string[]> {
  return (await changesSinceBase(dir, base, env, limits)).map((c) => c.path)
}

/** A file that differs from the base, with its lines added and removed (none counted for binary files). */
export interface BaseChange {
  path: string
  status: 'added' | 'modified' | 'deleted'
  added?: number
  removed?: number
}

/** {@link changedSinceBase}, each file with how it changed and by how many lines. */
export async function changesSinceBase(
  dir: string,
  base: Extract<WorkspaceBase, { kind: 'git' }>,
  env: NodeJS.ProcessEnv = process.env,
  limits: GitLimits = {},
): Promise<BaseChange[]> {
  const ref = objectId(base.ref)
  const diffArgs = ['diff', '--cached', '-z', '--no-renames', '--relative', '--end-of-options', ref, '--']
  // The working state staged in a copy of the index, compared with the base tree; large untracked
  // files are not hashed for it: one that was not left out of the base is new since.
  const { status, counts, large } = await withIndexCopy(dir, env, limits, async (copyEnv, scratch) => {
    const large = (await largeUntracked(dir, copyEnv, limits)).map((f) => f.path)
    await addAll(dir, copyEnv, limits, scratch, large)
    const status = await git(
      dir,
      [...diffArgs.slice(0, 3), '--name-status', ...diffArgs.slice(3)],
      copyEnv,
      limits,
    )
    const counts = await git(
      dir,
      [...diffArgs.slice(0, 3), '--numstat', ...diffArgs.slice(3)],
      copyEnv,
      limits,
    )
    return { status, counts, large }
  })
  for (const r of [status, counts])
    if (r.code !== 0) throw new Error(`git diff ${base.ref} failed: ${r.stderr.trim()}`)
  // --name-status -z: "<letter>\0<path>\0"…; --numstat -z: "<added>\t<removed>\t<path>\0"…
  const fields = lines(status.stdout, '\0')
  const changes = new Map<string, BaseChange>()
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const letter = fields[i] ?? ''
    const path = fields[i + 1] ?? ''
    changes.set(path, { path, status: letter === 'A' ? 'added' : letter === 'D' ? 'deleted' : 'modified' })
  }
  addLineCounts(changes, counts.stdout)
  const before = new Set(base.untracked)
  for (const path of large) if (!changes.has(path)) changes.set(path, { path, status: 'added' })
  return [...changes.values()].filter((c) => !before.has(c.path)).sort((a, b) => a.path.localeCompare(b.path))
}

/**
 * Lines added and removed in `paths` (relative to `dir`) since the base, as the files are now: the
 * base's tree read into a scratch index, only those paths staged on it. A file the base left out (too
 * large) counts none.
 */
export async function linesSinceBase(
  dir: string,
  base: Extract<WorkspaceBase, { kind: 'git' }>,
  paths: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
  limits: GitLimits = {},
): Promise<LineCounts> {
  const ref = objectId(base.ref)
  const leftOut = new Set(base.untracked)
  const wanted = new Map<string, { added?: number; removed?: number }>()
  for (const p of paths) {
    const rel = checkRelativePath(p, WINDOWS)
    if (!leftOut.has(rel)) wanted.set(rel, {})
  }
  if (wanted.size === 0) return { added: 0, removed: 0 }
  const scratch = await mkdtemp(join(tmpdir(), 'orch-lines-'))
  try {
    const scratchEnv = { ...env, GIT_INDEX_FILE: join(scratch, 'index') }
    const run = async (args: string[]) => {
      const r = await git(dir, args, scratchEnv, limits)
      if (r.code !== 0) throw new Error(`git ${args[0]} failed: ${r.stderr.trim()}`)
      return r
    }
    await run(['read-tree', '--end-of-options', ref])
    // `git add` refuses a path that matches nothing (neither at the base nor now): those changed nothing.
    const atBase = new Set(lines((await run(['ls-files', '-z'])).stdout, '\0'))
    const present = await Promise.all(
      [...wanted.keys()].map(async (p) =>
        (await lstat(join(dir, p)).catch(() => undefined)) || atBase.has(p) ? p : '',
      ),
    )
    const stage = present.filter((p) => p !== '')
    if (stage.length === 0) return { added: 0, removed: 0 }
    // The paths go through a file: there may be more than a command line holds.
    const specs = join(scratch, 'pathspecs')
    await writeFile(specs, stage.map((p) => `:(literal)${p}`).join('\0'))
    await run(['add', '-A', `--pathspec-from-file=${specs}`, '--pathspec-file-nul'])
    const counts = await run(['diff', '--cached', '-z', '--no-renames', '--relative', '--numstat', ref, '--'])
    addLineCounts(wanted, counts.stdout)
    return sumLines(wanted.values())
  } finally {
    await rm(scratch, { recursive: true, force: true })
  }
}

/**
 * Puts one file back as it was at the base: its content then, or no file when it did not exist then.
 * A file the base left out (too large to record) cannot be put back, and says so.
 */
export async function undoToBase(
  dir: string,
  base: Extract<WorkspaceBase, { kind: 'git' }>,
  path: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<'restored' | 'removed'> {
  const rel = checkRelativePath(path, WINDOWS)
  if (base.untracked.includes(rel))
    throw new Error(`${rel} was not recorded at the mission's start (too large): it cannot be put back`)
  const ref = objectId(base.ref)
  const file = resolve(dir, rel)
  const kind = await git(dir, ['cat-file', '-t', '--end-of-options', `${ref}:./${rel}`], env)
  if (kind.code !== 0) {
    await rm(file, { force: true })
    return 'removed'
  }
  const blob = await git(dir, ['cat-file', 'blob', '--end-of-options', `${ref}:./${rel}`], env)
  if (blob.code !== 0) throw new Error(`git cat-file ${base.ref}:${rel} failed: ${blob.stderr.trim()}`)
  await mkdir(dirname(file), { recursive: true })
  await writeFile(file, blob.stdout)
  return 'restored'
}
