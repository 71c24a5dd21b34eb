// Which todos a user's cancellation holds back: every todo that depends, directly or through other
// todos, on a cancelled one. They keep their journal status (so a retry frees them at once) and are
// shown as blocked by the cancelled todos named here.

import type { TodoRecord } from './journal'

/** For each todo held back by a cancellation: the cancelled todos it waits on, in plan order. */
export function cancelledBlocks(todos: readonly (TodoRecord | undefined)[]): Map<string, string[]> {
  const byId = new Map(todos.flatMap((t) => (t ? [[t.id, t] as const] : [])))
  const memo = new Map<string, string[]>()
  const order = todos.flatMap((t) => (t ? [t.id] : []))
  const visit = (id: string, path: Set<string>): string[] => {
    const known = memo.get(id)
    if (known) return known
    const t = byId.get(id)
    if (!t || path.has(id)) return []
    path.add(id)
    const found = new Set<string>()
    for (const d of t.dependsOn) {
      if (byId.get(d)?.status === 'cancelled') found.add(d)
      for (const c of visit(d, path)) found.add(c)
    }
    path.delete(id)
    const sorted = order.filter((o) => found.has(o))
    memo.set(id, sorted)
    return sorted
  }
  const out = new Map<string, string[]>()
  for (const t of todos) {
    if (!t || t.status === 'cancelled' || t.status === 'passed') continue
    const by = visit(t.id, new Set())
    if (by.length > 0) out.set(t.id, by)
  }
  return out
}
