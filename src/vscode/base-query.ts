// What an `orchestrator-base:` URI names: a workspace folder, the mission's base tree in it and a file.
// Any link can carry such a URI, so its query is untrusted: git is only ever given an object id and a
// folder of the open workspace. No vscode import: the host passes the workspace folders in.

import { isAbsolute, relative, resolve, sep } from 'node:path'
import type { WorkspaceBase } from '../engine/ports'
import { checkRelativePath, isObjectId } from '../engine/record/diff-target'

type GitBase = Extract<WorkspaceBase, { kind: 'git' }>

/** `absent`: the side shows an empty file (it did not exist at the base, or no longer exists). */
export function baseQuery(dir: string, path: string, base: GitBase | 'absent'): string {
  return new URLSearchParams(
    base === 'absent'
      ? { dir, absent: '1' }
      : { dir, ref: base.ref, ...(base.untracked.includes(path) && { absent: '1' }) },
  ).toString()
}

export type BaseRequest = { absent: true } | { absent: false; dir: string; ref: string; path: string }

/** `dir` is `folder` or inside it (both absolute). */
function within(folder: string, dir: string): boolean {
  const rel = relative(resolve(folder), resolve(dir))
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel))
}

/**
 * The request in a base URI's query and path; throws with a message naming what is wrong. An absent
 * side needs no check: it reads nothing.
 */
export function readBaseQuery(query: string, uriPath: string, folders: readonly string[]): BaseRequest {
  const q = new URLSearchParams(query)
  if (q.get('absent') === '1') return { absent: true }
  const dir = q.get('dir')
  const ref = q.get('ref')
  if (!dir || !ref) throw new Error('The base document names no mission base (dir and ref).')
  if (!isObjectId(ref))
    throw new Error(
      `"${ref.slice(0, 80)}" is not a mission base (expected a git object id, 40 or 64 hex digits)`,
    )
  if (!isAbsolute(dir) || dir.includes('\0') || !folders.some((f) => within(f, dir)))
    throw new Error(`"${dir.slice(0, 200)}" is not a folder of the open workspace`)
  return { absent: false, dir: resolve(dir), ref, path: checkRelativePath(uriPath.replace(/^\//, '')) }
}
