// Acting on a turn: its result as soon as its tool call completes, and its end once its session is
// idle, as turns/turn-end.ts decides it. The ordering comments sit next to the awaits they protect.

import { agentName, type Live } from '../sessions/live-session'
import { attemptFailed } from './attempts'
import { acceptPlan } from './planning'
import { discardIfSettled, withCommit, withMerge } from './isolation'
import { mergeWords } from '../record/replay-isolation'
import { continueTurn, cut, deliver, type Turn } from '../sessions/turn'
import { decideTurnEnd } from '../turns/turn-end'
import { errorMessage } from '../util/error-message'
import { gaveUpReason } from '../guards/provider-cooling'
import { nudgeBrief, steerBrief } from '../protocol/prompts'
import { timelineEntry } from '../record/timeline'
import { turnOutcome, type TurnOutcome } from '../turns/turn-results'
import type { HostError } from '../ports'
import type { MissionContext } from './context'

/**
 * Acts on a mission tool result as soon as its call completes: the agent's closing model call still
 * runs in its own session, but the plan, the review or the dependents need not wait for it.
 */
export function deliverResult(ctx: MissionContext, live: Live, turn = live.turn): Promise<void> {
  if (!turn || ctx.over) return Promise.resolve()
  const outcome = turnOutcome(turn)
  if (!outcome || !deliver(turn)) return Promise.resolve()
  // The turn's end waits for this: its session stays busy until the todo's fate is journaled whole.
  const delivery = actOn(ctx, live, turn, outcome)
  ctx.deliveries.set(live.sessionId, delivery)
  return delivery
}

async function actOn(ctx: MissionContext, live: Live, turn: Turn, outcome: TurnOutcome): Promise<void> {
  ctx.cutter.resultIn(live)
  ctx.breaker.recordSuccess(outcome.role)
  if ('plan' in outcome) return acceptPlan(ctx, outcome.plan)
  // Worktree mode: the work is committed before its report is journaled, and merged before its pass is.
  const entry = await withMerge(ctx, await withCommit(ctx, outcome.entry, live.sessionId), live.sessionId)
  await ctx.record.append(entry)
  const todoId = turn.todoId ?? ''
  if (outcome.failure) {
    const kind = outcome.role === 'reviewer' ? 'rejected' : 'attempt'
    await attemptFailed(ctx, todoId, { kind, reason: outcome.failure })
  } else if (entry.type === 'todo.verdict' && entry.merge?.result === 'conflict')
    await attemptFailed(ctx, todoId, { kind: 'attempt', reason: mergeWords(entry.merge) })
  await progressed(ctx)
}

/** After a todo moved: republish the ownership, and let the loop look at what comes next. */
export async function progressed(ctx: MissionContext): Promise<void> {
  await ctx.publishOwnership()
  ctx.hooks.request()
}

export async function turnEnded(ctx: MissionContext, live: Live): Promise<void> {
  const turn = live.turn
  if (!turn || ctx.over) return
  // The turn is ours to finish from here: a repeated idle finds no turn. The session stays busy
  // until it is decided below, so no dispatch can hand it new work in between.
  live.turn = undefined
  // The root is idle, so asks left in its tree are stale (abort does not cascade to children).
  ctx.inbox.dropTree(live.sessionId)
  // A result whose completion event was missed (e.g. after a restart) is acted on now; one acted on
  // already is waited for.
  await deliverResult(ctx, live, turn)
  await ctx.deliveries.get(live.sessionId)
  ctx.deliveries.delete(live.sessionId)
  // Its usage and lane are journaled before anything else goes out to it.
  await ctx.record.flushUsage(live)
  for (const batch of ctx.timeline.take(live.sessionId))
    await ctx.record.append({ type: 'timeline', ...timelineEntry(batch) })
  const facts = turnEndFacts(ctx, live, turn)
  let verdict = decideTurnEnd(turn, facts, live.role)
  // The user's messages go out as the next prompt, in place of a nudge and without failing the attempt.
  const steered = verdict.do === 'steer' ? ctx.steering.take(live.sessionId) : undefined
  if (verdict.do === 'steer' && steered === undefined)
    verdict = decideTurnEnd(turn, { ...facts, steering: false }, live.role)
  if (verdict.dropSteering !== undefined) ctx.steering.drop(live.sessionId, verdict.dropSteering)
  if (verdict.retire) ctx.sessions.retire(live)
  switch (verdict.do) {
    case 'retire-cancelled':
      ctx.sessions.retire(live)
      ctx.steering.drop(live.sessionId, 'the todo was cancelled')
      ctx.roster.patch(live.sessionId, { status: 'aborted', tool: undefined })
      ctx.sessions.release(live)
      return discardIfSettled(ctx, turn.todoId)
    case 'rebrief':
      ctx.deps.logger.info(
        `${live.role} ${live.sessionId} compacted before its result: sending its brief again`,
      )
      return ctx.dispatcher.prompt(live, continueTurn(turn, 'rebrief'), turn.brief ?? '')
    case 'steer':
      ctx.deps.logger.info(`steering delivered to ${live.role} ${live.sessionId}`)
      return ctx.dispatcher.prompt(
        live,
        continueTurn(turn, 'steer'),
        steerBrief(steered ?? '', verdict.tool, turn.todoId),
      )
    case 'nudge':
      ctx.roster.patch(live.sessionId, { status: 'idle' })
      // The session is still held, so nothing else was sent to it.
      return ctx.dispatcher.prompt(
        live,
        continueTurn(turn, 'nudge'),
        nudgeBrief(verdict.tool, turn.todoId ?? ''),
      )
  }
  ctx.roster.patch(live.sessionId, { status: 'idle' })
  // Journaled before the planner is free: the loop then decides whether it plans again.
  if (verdict.do === 'plan-rejected')
    await ctx.record.append({
      type: 'plan.rejected',
      reasons: verdict.reasons,
      ...(verdict.final !== undefined && { final: verdict.final }),
    })
  // What it did is counted before it is free: a step that runs meanwhile must not take it for a
  // session that never worked (and give it an unrelated todo).
  if (turn.kind !== 'plan') ctx.sessions.didTodo(live, ctx.record.snap.todos[turn.todoId ?? '']?.files ?? [])
  ctx.sessions.release(live)
  switch (verdict.do) {
    case 'attempt-failed':
      if (verdict.retire) ctx.deps.logger.warn(`${agentName(live, turn.todoId)}: ${verdict.reason}`)
      await failAttempt(ctx, turn, verdict.reason, verdict.error)
      break
  }
  if (turn.kind === 'plan') return ctx.hooks.request()
  // Worktree mode: a todo that failed or was cancelled while this turn ran loses its folder now.
  await discardIfSettled(ctx, turn.todoId)
  await progressed(ctx)
}

function turnEndFacts(ctx: MissionContext, live: Live, turn: Turn) {
  const todo = turn.todoId ? ctx.record.snap.todos[turn.todoId] : undefined
  const text = ctx.roster.text(live.sessionId)
  const key = `${live.sessionId}:${turn.todoId ?? turn.kind}`
  const repeating = Boolean(text) && ctx.repeat.record(key, text ?? '')
  if (repeating) ctx.repeat.reset(key)
  return {
    cancelled: todo?.status === 'cancelled',
    steering: ctx.steering.has(live.sessionId),
    repeating,
  }
}

/** A work or review turn failed for `reason`: that todo's attempt (or review) fails, nothing more. */
function failAttempt(ctx: MissionContext, turn: Turn, reason: string, error?: HostError): Promise<void> {
  const todoId = turn.todoId ?? ''
  if (turn.kind === 'review') return attemptFailed(ctx, todoId, { kind: 'review', reason })
  return attemptFailed(ctx, todoId, { kind: 'attempt', reason, ...(error && { error }) })
}

/** Ends a turn its agent would not end (it loops): the attempt fails at its idle, with the reason. */
export function cutShort(ctx: MissionContext, live: Live, reason: string): void {
  if (!live.turn || !cut(live.turn, reason)) return
  ctx.deps.logger.warn(`${agentName(live)}: ${reason}: ending its turn`)
  // A server out of reach keeps the turn: the reconcile after the reconnect finds how it ended.
  void ctx.deps.sessions
    .abort(live.sessionId)
    .catch((err: unknown) =>
      ctx.deps.logger.warn(`could not end the turn of the ${agentName(live)}: ${errorMessage(err)}`),
    )
}

/**
 * A session sat in provider retry past the bound. The planner's mission ends with the provider's
 * message (after asking, where the host can answer); a worker's or reviewer's attempt fails, so its
 * todo is tried again, within its attempts, on a fresh session.
 */
export async function retryStuck(ctx: MissionContext, live: Live): Promise<void> {
  const turn = live.turn
  if (ctx.over || !turn) return
  const reason = `${live.role}: ${gaveUpReason(live, ctx.deps.clock.now())}`
  if (turn.kind === 'plan') {
    if (ctx.o.askWhenStuck) return ctx.stuck.open(live, reason)
    return ctx.hooks.end('failed', reason)
  }
  ctx.deps.logger.warn(`${agentName(live)}: ${reason}: aborting, trying ${turn.todoId ?? ''} again`)
  live.turn = undefined
  ctx.sessions.retire(live)
  ctx.steering.drop(live.sessionId, 'its provider kept retrying')
  await ctx.sessions.abortTree(live.sessionId)
  ctx.sessions.release(live)
  ctx.cooling.refresh()
  await failAttempt(ctx, turn, reason)
  await progressed(ctx)
}
