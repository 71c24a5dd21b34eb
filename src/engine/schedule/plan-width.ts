// How many of a plan's open todos may work at the same time, as far as their dependencies tell: the
// widest level when each todo sits one level below the deepest todo it waits for. An estimate (how
// the runs overlap depends on how long each takes), used to make no more worktree folders ready ahead
// than the plan can use at once.

import type { TodoRecord, TodoStatus } from '../record/entries'

/** Todos that will not run again under the current plan. */
const SETTLED: ReadonlySet<TodoStatus> = new Set(['passed', 'failed', 'blocked', 'cancelled'])

export function planWidth(todos: Readonly<Record<string, TodoRecord>>, order: readonly string[]): number {
  const depth = new Map<string, number>()
  const open = (id: string) => {
    const t = todos[id]
    return t !== undefined && !SETTLED.has(t.status)
  }
  // Iterative, so that a long chain cannot overflow the stack; a cycle (refused by the plan check)
  // counts as no wait.
  const depthOf = (root: string): number => {
    const stack: string[] = [root]
    const visiting = new Set<string>()
    while (stack.length) {
      const id = stack[stack.length - 1] as string
      if (depth.has(id)) {
        stack.pop()
        continue
      }
      const waits = (todos[id]?.dependsOn ?? []).filter((d) => open(d) && d !== id)
      const pending = waits.filter((d) => !depth.has(d) && !visiting.has(d))
      if (pending.length && !visiting.has(id)) {
        visiting.add(id)
        stack.push(...pending)
        continue
      }
      depth.set(id, Math.max(-1, ...waits.map((d) => depth.get(d) ?? -1)) + 1)
      visiting.delete(id)
      stack.pop()
    }
    return depth.get(root) ?? 0
  }
  const perLevel = new Map<number, number>()
  for (const id of order) {
    if (!open(id)) continue
    const level = depthOf(id)
    perLevel.set(level, (perLevel.get(level) ?? 0) + 1)
  }
  return Math.max(0, ...perLevel.values())
}
