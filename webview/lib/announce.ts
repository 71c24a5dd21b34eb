import type { MissionView } from '../../src/shared/protocol'

// What the screen reader hears when a snapshot arrives: the mission's phase changes and the todo
// results, compared with the previous snapshot. Nothing on the first snapshot of a mission, which
// would read the whole board at once.

const RESULTS = new Set(['passed', 'failed', 'blocked', 'cancelled'])

export function announcement(prev: MissionView | undefined, next: MissionView | undefined): string {
  if (!next || !prev || prev.id !== next.id) return ''
  const parts: string[] = []
  if (prev.phase !== next.phase) parts.push(`Mission ${next.phase}`)
  if (prev.paused !== next.paused) parts.push(next.paused ? 'Mission paused' : 'Mission resumed')
  const before = new Map(prev.todos.map((t) => [t.id, t.status]))
  for (const t of next.todos)
    if (RESULTS.has(t.status) && before.get(t.id) !== t.status) parts.push(`Todo ${t.title} ${t.status}`)
  return parts.join('. ')
}
