// What each of OpenCode's events does to a mission, one handler per event type. Connection events
// and session creation come first; every other event is about one session of the mission, folded
// into its agent's card and timeline lane before its handler runs. A child session's events matter
// only for their permission asks.

import { countEmptyStep, EMPTY_STEPS_REASON } from '../guards/empty-steps'
import { classify } from '../guards/retry'
import { deliverResult, cutShort, turnEnded } from './turn-ends'
import { fail, markCompacted } from '../sessions/turn'
import { reconcileWith } from './start'
import { repeatedCall } from '../guards/repeated-calls'
import { agentName, type Live } from '../sessions/live-session'
import { captureResult, recordRefusal, refusalOf, refusedReason } from '../turns/turn-results'
import type { HostEvent } from '../ports'
import type { MissionContext } from './context'

type Of<T extends HostEvent['type']> = Extract<HostEvent, { type: T }>
type SessionEvent = Exclude<HostEvent, { type: 'connected' | 'disconnected' }>
type Handler<T extends SessionEvent['type']> = (ctx: MissionContext, live: Live, e: Of<T>) => void

export function onHostEvent(ctx: MissionContext, event: HostEvent): void {
  if (event.type === 'disconnected') {
    ctx.disconnected = true
    if (event.permanent) void ctx.fail(`lost the OpenCode server: ${event.reason}`)
    return
  }
  if (event.type === 'connected') {
    if (!ctx.disconnected) return
    ctx.disconnected = false
    if (!ctx.over && ctx.record.opened) ctx.orFail(reconcileWith(ctx, 'reconnected').then(ctx.hooks.request))
    return
  }
  if (event.sessionId === undefined) return
  if (event.type === 'session.created' && event.parentId)
    return ctx.sessions.adopt(event.sessionId, event.parentId)
  const rootId = ctx.sessions.rootOf(event.sessionId)
  if (!rootId) return
  // A child's permission ask holds its root's agent; the inbox's publish carries the lane's change.
  // The lane's spans are for the todo of the root's turn (a session may work on several in turn).
  const timelineChanged =
    !ctx.over &&
    (event.sessionId === rootId || event.type.startsWith('permission.')) &&
    ctx.timeline.fold(rootId, event, ctx.deps.clock.now(), ctx.sessions.live.get(rootId)?.turn?.todoId)
  if (event.type === 'permission.asked') return ctx.inbox.asked(event, rootId)
  if (event.type === 'permission.replied') return ctx.inbox.answered(event.requestId, rootId)
  if (event.sessionId !== rootId) return // child sessions: only their permissions matter here
  const live = ctx.sessions.live.get(rootId)
  if (!live) return
  if (ctx.roster.fold(event, ctx.deps.clock.now()) || timelineChanged) ctx.publish()
  if (ctx.over) return
  const handler = HANDLERS[event.type] as Handler<typeof event.type> | undefined
  handler?.(ctx, live, event)
}

const HANDLERS: { [T in SessionEvent['type']]?: Handler<T> } = {
  'message.assistant': (ctx, live, e) => {
    if (e.providerId) live.provider = e.providerId
    // Its step began: the loop may make sessions ahead again (loop/spares.ts).
    if (live.starting) {
      live.starting = false
      ctx.hooks.request()
    }
    if (e.completed) {
      const first = !live.completedMessages.has(e.messageId)
      live.completedMessages.add(e.messageId)
      if (first && live.turn && countEmptyStep(live.turn, e)) cutShort(ctx, live, EMPTY_STEPS_REASON)
      if (e.error?.name !== 'MessageAbortedError') {
        if (!ctx.roster.answered(e.messageId)) live.unjournaled.calls++
        ctx.roster.recordAnswer(e.messageId)
      }
      ctx.cutter.messageCompleted(live, e.messageId)
    }
    ctx.budgets.recordUsage(live, e)
    // A budget this spent ends the mission at the loop's next step.
    const { iteration, roundsWithoutProgress } = ctx.record.snap
    if (ctx.budgets.exceeded({ iterations: iteration, roundsWithoutProgress })) ctx.hooks.request()
  },
  'part.tool': (ctx, live, e) => {
    const turn = live.turn
    if (!turn || turn.state.is !== 'open') return
    const refusal = refusalOf(e)
    if (refusal !== undefined) {
      if (ctx.seenCalls.has(e.callId)) return
      ctx.seenCalls.add(e.callId)
      if (recordRefusal(turn, refusal)) cutShort(ctx, live, refusedReason(turn))
      return
    }
    if (e.status === 'completed' || e.status === 'error') {
      const repeated = repeatedCall(turn, e, live.role)
      if (repeated !== undefined) return cutShort(ctx, live, repeated)
    }
    if (e.status !== 'completed' || ctx.seenCalls.has(e.callId)) return
    ctx.seenCalls.add(e.callId)
    if (captureResult(turn, e.tool, e.input, ctx.record.knownIds(), e.messageId))
      ctx.orFail(deliverResult(ctx, live))
  },
  'session.status': (ctx, live, e) => {
    ctx.cooling.onStatus(live, e.status)
    if (e.status.type !== 'retry') ctx.stuck.close(live.sessionId)
  },
  'session.error': (ctx, live, e) => ctx.orFail(onError(ctx, live, e.error)),
  'session.compacted': (_ctx, live) => {
    if (live.turn) markCompacted(live.turn)
  },
  'session.idle': (ctx, live) => {
    if (live.busy && live.turn) ctx.orFail(turnEnded(ctx, live))
  },
}

async function onError(ctx: MissionContext, live: Live, error: Of<'session.error'>['error']): Promise<void> {
  const decision = classify(error)
  if (decision.retry === false && decision.reason === 'aborted') return
  ctx.deps.logger.warn(`${agentName(live)}: ${error.name}: ${error.message}`)
  // A failed turn gets no nudge: it is retried or failed at its end.
  if (live.turn) fail(live.turn, error)
  // Some errors end a turn without a later idle (an unknown agent, a bad request): ask the server.
  const statuses = await ctx.deps.sessions.statuses().catch(() => undefined)
  if (statuses && !statuses[live.sessionId] && live.busy && live.turn) await turnEnded(ctx, live)
}
