// How many of a plan's open todos may work at the same time, as far as their dependencies tell: the
// larger of two sets of todos none of which waits for another, the widest level (each todo one level
// below the deepest todo it waits for; the first level holds those that wait for none) and the todos
// none waits for. An estimate from below (how the runs overlap depends on how long each takes; the
// exact figure, the largest such set, costs a matching over every pair), used to make no more
// worktree folders ready ahead than the plan can use at once.

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
  const awaited = new Set<string>()
  let count = 0
  for (const id of order) {
    if (!open(id)) continue
    count++
    const level = depthOf(id)
    perLevel.set(level, (perLevel.get(level) ?? 0) + 1)
    for (const d of todos[id]?.dependsOn ?? []) if (d !== id && open(d)) awaited.add(d)
  }
  const waitedForByNone = count - awaited.size
  return Math.max(0, waitedForByNone, ...perLevel.values())
}
