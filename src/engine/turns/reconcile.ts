// Reconciliation: brings the journal in line with the server when a mission resumes after a restart,
// and after a dropped event stream, reading back the results of turns that ended unseen.

import type { Live } from '../sessions/live-session'
import { TOOL_PLAN } from '../protocol/mission-protocol'
import type { MissionRecord } from '../record/mission-record'
import type { MissionSessions } from '../sessions/mission-sessions'
import type { SessionPort } from '../ports'
import { lastCompleted, recoveredTurn } from './turn-results'
import { isDelivered, openTurn } from '../sessions/turn'

export interface ReconcileDeps {
  port: Pick<SessionPort, 'statuses' | 'missionToolCalls'>
  record: MissionRecord
  sessions: MissionSessions
  /** Marks a stored call as handled: its completion event, should it still arrive, is ignored. */
  seen: (callId: string) => void
  /** Records a completed mission tool call on the session's open turn. */
  capture: (live: Live, tool: string, callId: string, input: unknown) => boolean
  /** Finishes the session's turn. */
  turnEnded: (live: Live) => Promise<void>
  /**
   * Told which sessions are still busy on the server with their todo's turn (taken back as open),
   * before any other turn here ends or starts.
   */
  adopted?: (sessionIds: ReadonlySet<string>) => void
  /** Told of a session whose turn ended unseen without a result: its todo went back to the queue. */
  lost?: (sessionId: string) => void
}

/**
 * Turns that ended while we were away are read back from the stored messages; todos whose session is
 * gone or idle without a result are re-queued. Passed todos are never touched.
 */
export async function reconcile(d: ReconcileDeps, why: string): Promise<void> {
  const statuses = await d.port.statuses().catch(() => ({}) as Record<string, unknown>)
  // The turns still running first, with no await: nothing can hand their sessions other work.
  const adopted = new Set<string>()
  for (const todoId of d.record.snap.todoOrder) {
    const { kind, sessionId, live } = working(d, todoId)
    if (!kind || !live || !sessionId || !statuses[sessionId]) continue
    live.busy = true
    live.turn ??= openTurn(kind, todoId)
    adopted.add(sessionId)
  }
  d.adopted?.(adopted)
  for (const todoId of d.record.snap.todoOrder) {
    const { kind, sessionId, live } = working(d, todoId)
    if (!kind || (sessionId !== undefined && adopted.has(sessionId))) continue
    const calls = sessionId ? await d.port.missionToolCalls(sessionId).catch(() => undefined) : undefined
    if (live) d.sessions.release(live)
    const found = recoveredTurn(kind, todoId, calls, d.record.knownIds())
    if (live && found) {
      d.seen(found.callId)
      live.turn = found.turn
      await d.turnEnded(live)
    } else {
      if (live) {
        if (!calls) d.sessions.retire(live)
        live.turn = undefined
      }
      if (sessionId) d.lost?.(sessionId)
      await d.record.requeue(todoId, `${why}: its session had no result`)
    }
  }
  // Sessions we saw busy that the server now reports idle ended their turn unseen: finish it
  // (the planner's plan, if it made one, is read back from its messages).
  for (const live of [...d.sessions.live.values()]) {
    if (!live.busy || !live.turn || statuses[live.sessionId]) continue
    if (live.turn.kind === 'plan' && !isDelivered(live.turn)) {
      const calls = await d.port.missionToolCalls(live.sessionId).catch(() => [])
      const plan = lastCompleted(calls, TOOL_PLAN)
      if (plan) d.capture(live, TOOL_PLAN, plan.callId, plan.input)
    }
    await d.turnEnded(live)
  }
}

/** The turn a running or reviewing todo is in: its kind, its session and that session's Live. */
function working(d: ReconcileDeps, todoId: string) {
  const todo = d.record.snap.todos[todoId]
  if (!todo || (todo.status !== 'running' && todo.status !== 'reviewing')) return {}
  const kind = todo.status === 'running' ? ('work' as const) : ('review' as const)
  const sessionId = kind === 'work' ? todo.sessionId : todo.reviewerSessionId
  return { kind, sessionId, live: sessionId ? d.sessions.live.get(sessionId) : undefined }
}
