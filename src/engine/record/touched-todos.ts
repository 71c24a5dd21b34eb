// Which todo records an entry may replace (see replay.ts): the one it names, every todo, or none. The
// lists a running mission keeps from one read of the journal to the next (the todos it publishes, the
// scheduler's) look again only at those, so that an entry costs what it changes. The table covers
// every entry type: one added without saying what it touches does not compile.

import type { JournalEntry, JournalEntryType } from './entries'

type Touch = 'named' | 'all' | 'none'

const TOUCHES = {
  // A start empties the mission; a plan adds todos, reopens others and may change what they wait on.
  'mission.started': 'all',
  'plan.accepted': 'all',
  'todo.dispatched': 'named',
  'todo.reported': 'named',
  'todo.verdict': 'named',
  'todo.requeued': 'named',
  'todo.cancelled': 'named',
  'todo.waiting': 'named',
  'todo.unreviewed': 'named',
  'todo.retried': 'named',
  'todo.failed': 'named',
  'todo.worktree': 'named',
  'todo.discarded': 'named',
  'plan.rejected': 'none',
  evidence: 'none',
  'check.baseline': 'none',
  'check.continued': 'none',
  usage: 'none',
  'session.created': 'none',
  'mission.root': 'none',
  'session.spare': 'none',
  'session.removed': 'none',
  'mission.ended': 'none',
  'mission.base': 'none',
  timeline: 'none',
  'mission.summary': 'none',
  'steering.queued': 'none',
  'steering.delivered': 'none',
  'steering.dropped': 'none',
  isolation: 'none',
  'isolation.closed': 'none',
} as const satisfies Record<JournalEntryType, Touch>

/**
 * The ids of the todos `e` may have replaced, or 'all'. An entry type this version does not know
 * touches none (the reducer ignores it).
 */
export function touchedTodos(e: JournalEntry): readonly string[] | 'all' {
  const touch: Touch | undefined = (TOUCHES as Partial<Record<string, Touch>>)[e.type]
  if (touch === 'all') return 'all'
  if (touch === 'named' && 'todoId' in e && e.todoId !== undefined) return [e.todoId]
  return NONE
}

const NONE: readonly string[] = []

/** Which todos changed in a journal's mission since a revision: what those lists read. */
export interface TodoChanges {
  /** Entries applied so far: it changes whenever the mission does. */
  readonly revision: number
  /** The todos replaced by the entries after `since` ('all' when unknown, e.g. for a negative `since`). */
  changedTodos(since: number): ReadonlySet<string> | 'all'
}
