import type { MissionView } from '../../src/shared/protocol'
import { outcomeWords } from './checks'

// What the screen reader hears when a snapshot arrives: the mission's phase changes, the todo
// results, a new run of the check and a question to the user, compared with the previous snapshot. Nothing on the first snapshot of a mission, which
// would read the whole board at once.

const RESULTS = new Set(['passed', 'failed', 'blocked', 'cancelled', 'interrupted'])

export function announcement(prev: MissionView | undefined, next: MissionView | undefined): string {
  if (!next || !prev || prev.id !== next.id) return ''
  const parts: string[] = []
  if (prev.phase !== next.phase) parts.push(`Mission ${next.phase}`)
  if (prev.paused !== next.paused) parts.push(next.paused ? 'Mission paused' : 'Mission resumed')
  const before = new Map(prev.todos.map((t) => [t.id, t.status]))
  for (const t of next.todos)
    if (RESULTS.has(t.status) && before.get(t.id) !== t.status) parts.push(`Todo ${t.title} ${t.status}`)
  const run = next.checks?.at(-1)
  if (run && (next.checks?.length ?? 0) > (prev.checks?.length ?? 0))
    parts.push(
      `Check ${run.kind === 'baseline' ? 'before any change' : `round ${run.iteration}`}: ${outcomeWords(run)}`,
    )
  if (next.needsYou?.kind === 'baseline' && prev.needsYou?.kind !== 'baseline')
    parts.push('The mission needs you: the check fails before any change')
  return parts.join('. ')
}
