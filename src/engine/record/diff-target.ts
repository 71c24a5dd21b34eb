// Which file of which todo the diff editor may open: the webview names them, and it is untrusted
// input, so the path must stay inside the workspace and belong to the todo (changed or owned).

import type { MissionState } from './mission-state'

/**
 * The path, without a leading `./`; throws for a path that could leave the workspace, reading `\` as
 * a separator there whatever the system. Where `\` separates folders (Windows, `backslashSeparates`)
 * it becomes `/`; elsewhere it is a character of a name (a file may be called `a\b`) and stays.
 */
export function checkRelativePath(path: string, backslashSeparates = false): string {
  if (
    path === '' ||
    /^[\\/]/.test(path) ||
    /^[a-zA-Z]:/.test(path) ||
    path.split(/[\\/]/).includes('..') ||
    path.includes('\0')
  )
    throw new Error(`"${path}" is not a path inside the workspace (expected e.g. src/app.ts)`)
  const p = backslashSeparates ? path.replace(/\\/g, '/') : path
  return p.replace(/^(\.\/)+/, '')
}

/** A git object id as git prints it (SHA-1 or SHA-256): never a revision expression or an option. */
export function isObjectId(ref: string): boolean {
  return /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/.test(ref)
}

export type DiffTarget = { error: string } | { dir: string; path: string; base: MissionState['base'] }

/** What to open for a todo's file, or a message saying why not. */
export function diffTarget(
  mission: MissionState | undefined,
  dir: string | undefined,
  todoId: string,
  path: string,
  backslashSeparates = false,
): DiffTarget {
  if (!mission || !dir) return { error: 'No mission to diff: start one first.' }
  const todo = mission.todos.find((t) => t.id === todoId)
  if (!todo) return { error: `No todo "${todoId}" in the current mission.` }
  let rel: string
  try {
    rel = checkRelativePath(path, backslashSeparates)
  } catch (err) {
    return { error: (err as Error).message }
  }
  if (!todo.filesChanged.includes(rel) && !todo.files.includes(rel))
    return { error: `"${rel}" is neither changed nor owned by todo "${todoId}".` }
  return { dir, path: rel, base: mission.base }
}
