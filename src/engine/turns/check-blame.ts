// Worktree mode: the check runs on the integration branch, where only merged todos are, so a failing
// check can be traced to them. The todos it blames are the merged ones whose files its output names;
// when it names none of them, those merged in the current round (the newest merged work).

import type { MissionSnapshot } from '../record/entries'

export interface BlamedTodo {
  id: string
  /** Its files the output names (empty when blamed as merged this round). */
  named: string[]
}

export function blamedTodos(snap: MissionSnapshot, outputTail: string): BlamedTodo[] {
  if (snap.isolation?.mode !== 'worktree') return []
  const merged = snap.todoOrder.flatMap((id) => {
    const t = snap.todos[id]
    return t?.merge?.result === 'merged' ? [{ id, files: t.merge.files, iteration: t.iteration }] : []
  })
  const named = merged
    .map((t) => ({ id: t.id, named: t.files.filter((f) => outputTail.includes(f)) }))
    .filter((t) => t.named.length > 0)
  if (named.length) return named
  return merged.filter((t) => t.iteration === snap.iteration).map((t) => ({ id: t.id, named: [] }))
}
