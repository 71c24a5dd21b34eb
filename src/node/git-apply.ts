// What a mission's merged work changed, and applying it to the user's tree file by file without
// overwriting what the user changed in the meantime.

import { chmod, lstat, mkdir, rm, rmdir, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import type { WorktreeChange } from '../engine/ports'
import { checkRelativePath } from '../engine/record/diff-target'
import { addLineCounts, lines, type GitResult } from './git-run'

/** A git call that fails (throws) unless git exits 0. */
export type GitMust = (dir: string, args: string[]) => Promise<GitResult>

/** Files changed from `base` to `head` (paths from the repository's top), with their lines. */
export async function changesBetween(
  must: GitMust,
  repoDir: string,
  base: string,
  head: string,
): Promise<WorktreeChange[]> {
  const [diff, counts] = await Promise.all([
    must(repoDir, ['diff', '-z', '--no-renames', '--name-status', base, head, '--']),
    must(repoDir, ['diff', '-z', '--no-renames', '--numstat', base, head, '--']),
  ])
  const fields = lines(diff.stdout, '\0')
  const changes = new Map<string, WorktreeChange>()
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const code = fields[i] ?? ''
    const path = fields[i + 1] ?? ''
    changes.set(path, { path, status: code === 'A' ? 'added' : code === 'D' ? 'deleted' : 'modified' })
  }
  addLineCounts(changes, counts.stdout)
  return [...changes.values()]
}

/**
 * Writes `head`'s version of each path into the user's tree, but for files that differ from `base`
 * there now (the user changed them): those are left and named.
 */
export async function applyFiles(
  must: GitMust,
  repoDir: string,
  base: string,
  head: string,
  paths: readonly string[],
): Promise<{ applied: string[]; skipped: string[] }> {
  const checked = paths.map((p) => checkRelativePath(p, process.platform === 'win32'))
  const top = (await must(repoDir, ['rev-parse', '--show-toplevel'])).stdout.toString().trim()
  // A few git calls for every path at once (in chunks), not a few per path.
  const [atBase, atHead, user] = await Promise.all([
    entries(must, repoDir, base, checked),
    entries(must, repoDir, head, checked),
    userBlobs(must, top, checked),
  ])
  const applied: string[] = []
  const skipped: string[] = []
  for (const path of checked) {
    // Changed by the user since the base, or a link or a submodule (left for the user to make).
    const mode = atHead.get(path)?.mode
    if (user.get(path) !== atBase.get(path)?.blob || mode === '120000' || mode === '160000')
      skipped.push(path)
    else applied.push(path)
  }
  // Files removed first, with the folders they leave empty: a path that became a folder, or a folder
  // that became a file, then has its place.
  const written: { path: string; merged: Entry }[] = []
  for (const path of applied) {
    const merged = atHead.get(path)
    if (merged) written.push({ path, merged })
    else await removeFile(top, path)
  }
  for (const some of chunks(written, WRITES_AT_ONCE))
    await Promise.all(some.map(({ path, merged }) => write(must, top, path, merged)))
  return { applied, skipped }
}

/** Paths per git call (a command line is bounded; Windows' at 32k characters). */
const PATHS_PER_CALL = 100
/** Files read from git and written at once. */
const WRITES_AT_ONCE = 8

/** A file the merged work no longer has, out of the user's tree, and the folders it leaves empty. */
async function removeFile(top: string, path: string): Promise<void> {
  await rm(join(top, path), { force: true })
  for (let dir = dirname(path); dir !== '.'; dir = dirname(dir)) {
    const emptied = await rmdir(join(top, dir)).then(
      () => true,
      () => false,
    )
    if (!emptied) return
  }
}

/** A path's blob and mode in a commit. */
interface Entry {
  blob: string
  mode: string
}

/** The merged version of a file into the user's tree. */
async function write(must: GitMust, top: string, path: string, merged: Entry): Promise<void> {
  const file = join(top, path)
  const content = (await must(top, ['cat-file', 'blob', merged.blob])).stdout
  await mkdir(dirname(file), { recursive: true })
  await writeFile(file, content)
  if (process.platform !== 'win32') await chmod(file, merged.mode === '100755' ? 0o755 : 0o644)
}

/** The blob and mode of each of `paths` in a commit (a path it has not is absent). */
async function entries(
  must: GitMust,
  repoDir: string,
  commit: string,
  paths: readonly string[],
): Promise<Map<string, Entry>> {
  const found = new Map<string, Entry>()
  for (const some of chunks(paths)) {
    // Paths as they are: `:y` or `*` are no patterns here.
    const listed = await must(repoDir, [
      '--literal-pathspecs',
      'ls-tree',
      '-z',
      '--full-tree',
      commit,
      '--',
      ...some,
    ])
    for (const line of lines(listed.stdout, '\0')) {
      const tab = line.indexOf('\t')
      const [mode = '', type = '', blob = ''] = line.slice(0, tab).split(' ')
      // A folder at that path (asked alone, ls-tree names it) holds no file there.
      if (type !== 'tree') found.set(line.slice(tab + 1), { blob, mode })
    }
  }
  return found
}

/** The blob id each of `paths` would have in the user's tree now; absent when not there (or not a file). */
async function userBlobs(must: GitMust, top: string, paths: readonly string[]): Promise<Map<string, string>> {
  const infos = await Promise.all(paths.map((p) => lstat(join(top, p)).catch(() => undefined)))
  const files = paths.filter((_, i) => infos[i]?.isFile())
  const blobs = new Map<string, string>()
  for (const some of chunks(files)) {
    const hashed = lines((await must(top, ['hash-object', '--', ...some])).stdout)
    some.forEach((p, i) => blobs.set(p, hashed[i] ?? ''))
  }
  return blobs
}

/** `items` in slices of `size` (by default, paths for one git call). */
function chunks<T>(items: readonly T[], size = PATHS_PER_CALL): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}
