// The rows of a shared-mode mission's changes review: every file that differs from the mission's
// base, under the todo that reported it (a file two todos reported shows under the first), then the
// files no todo reported (the user's edits meanwhile, or work a report left out). No vscode import.

import type { BaseChange } from '../node/git-base'

export type SharedRow =
  { kind: 'group'; label: string } | { kind: 'file'; path: string; label: string; description: string }

export interface TodoFiles {
  title: string
  filesChanged: readonly string[]
}

/** `+3 −1`, `added`, `deleted`: how a file changed, in a few characters. */
export function changeWords(c: BaseChange): string {
  const counts = c.added !== undefined ? `+${c.added} −${c.removed ?? 0}` : 'binary'
  return c.status === 'modified' ? counts : `${c.status}, ${counts}`
}

export function sharedRows(changes: readonly BaseChange[], todos: readonly TodoFiles[]): SharedRow[] {
  const left = new Map(changes.map((c) => [c.path, c]))
  const rows: SharedRow[] = []
  const take = (path: string) => {
    const c = left.get(path)
    if (!c) return []
    left.delete(path)
    return [{ kind: 'file' as const, path, label: path, description: changeWords(c) }]
  }
  for (const t of todos) {
    const files = t.filesChanged.flatMap(take)
    if (files.length) rows.push({ kind: 'group', label: t.title }, ...files)
  }
  const others = [...left.keys()].flatMap(take)
  if (others.length) rows.push({ kind: 'group', label: 'Not reported by a todo' }, ...others)
  return rows
}
