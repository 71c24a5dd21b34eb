// What a mission's merged work changed, and applying it to the user's tree file by file without
// overwriting what the user changed in the meantime.

import { chmod, lstat, mkdir, rm, writeFile } from 'node:fs/promises'
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
  const diff = await must(repoDir, ['diff', '-z', '--no-renames', '--name-status', base, head, '--'])
  const fields = lines(diff.stdout, '\0')
  const changes = new Map<string, WorktreeChange>()
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const code = fields[i] ?? ''
    const path = fields[i + 1] ?? ''
    changes.set(path, { path, status: code === 'A' ? 'added' : code === 'D' ? 'deleted' : 'modified' })
  }
  const counts = await must(repoDir, ['diff', '-z', '--no-renames', '--numstat', base, head, '--'])
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
  const top = (await must(repoDir, ['rev-parse', '--show-toplevel'])).stdout.toString().trim()
  const applied: string[] = []
  const skipped: string[] = []
  for (const given of paths) {
    const path = checkRelativePath(given)
    const file = join(top, path)
    const atBase = await entry(must, repoDir, base, path)
    if ((await userBlob(must, top, file)) !== atBase?.blob) {
      skipped.push(path)
      continue
    }
    const merged = await entry(must, repoDir, head, path)
    if (!merged) await rm(file, { force: true })
    else if (merged.mode === '120000') {
      skipped.push(path) // a link is left for the user to make
      continue
    } else {
      const content = (await must(top, ['cat-file', 'blob', merged.blob])).stdout
      await mkdir(dirname(file), { recursive: true })
      await writeFile(file, content)
      if (process.platform !== 'win32') await chmod(file, merged.mode === '100755' ? 0o755 : 0o644)
    }
    applied.push(path)
  }
  return { applied, skipped }
}

/** The blob and mode of a path in a commit, or undefined when it has none. */
async function entry(
  must: GitMust,
  repoDir: string,
  commit: string,
  path: string,
): Promise<{ blob: string; mode: string } | undefined> {
  const listed = await must(repoDir, ['ls-tree', '-z', '--full-tree', commit, '--', path])
  const line = lines(listed.stdout, '\0')[0]
  if (!line) return undefined
  const [mode = '', , blob = ''] = line.slice(0, line.indexOf('\t')).split(' ')
  return { blob, mode }
}

/** The blob id the user's file would have now, or undefined when it is not there (or not a file). */
async function userBlob(must: GitMust, top: string, file: string): Promise<string | undefined> {
  const info = await lstat(file).catch(() => undefined)
  if (!info?.isFile()) return undefined
  const hashed = await must(top, ['hash-object', '--', file])
  return hashed.stdout.toString().trim()
}
