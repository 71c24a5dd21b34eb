import type { AgentStatus, AgentView } from '../../src/shared/protocol'
import { sameItems } from '../../src/shared/same-items'

/** An agent this long without any event while it should be working is shown as stale. */
export const STALE_MS = 60_000

/** Statuses of a session that is still alive (its elapsed time keeps growing). */
const LIVE: ReadonlySet<AgentStatus> = new Set(['starting', 'busy', 'retry', 'waiting'])

export const isLive = (a: AgentView): boolean => LIVE.has(a.status)

/** Busy (or starting) with no event for STALE_MS: a retry or a permission wait has its own marker. */
export const isStale = (a: AgentView, now: number): boolean =>
  (a.status === 'busy' || a.status === 'starting') && now - a.lastActivityAt > STALE_MS

/** Time the agent spent active: its closed busy spans plus the open one; idle waits do not count. */
export const elapsed = (a: AgentView, now: number): number =>
  a.busyMs + (a.busySince !== undefined ? Math.max(0, now - a.busySince) : 0)

/**
 * The agents of each todo, in roster order. A todo whose agents are the same objects as in `prev`
 * keeps its array from there, so what shows them needs no update.
 */
export function agentsByTodo(
  agents: readonly AgentView[],
  prev: Readonly<Record<string, AgentView[]>> = {},
): Record<string, AgentView[]> {
  const next: Record<string, AgentView[]> = {}
  for (const a of agents) if (a.todoId !== undefined) (next[a.todoId] ??= []).push(a)
  for (const [id, list] of Object.entries(next)) {
    const old = prev[id]
    if (old && sameItems(old, list)) next[id] = old
  }
  return next
}
