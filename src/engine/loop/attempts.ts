// Acting on what turns/todo-policy.ts decides for a todo after a failed attempt or a review without a
// verdict: each outcome is a journal entry of its own, and a provider wait is a timer that puts the
// todo back in the queue (armed again from the journal when a mission resumes).

import { afterAttempt, MAX_PROVIDER_WAITS, type AttemptCause } from '../turns/todo-policy'
import { errorMessage } from '../util/error-message'
import { discardIfSettled } from './isolation'
import type { MissionContext } from './context'

export async function attemptFailed(ctx: MissionContext, todoId: string, cause: AttemptCause): Promise<void> {
  const todo = ctx.record.snap.todos[todoId]
  if (!todo) return
  const verdict = afterAttempt(todo, cause, {
    maxAttempts: ctx.o.maxAttempts,
    maxProviderWaits: MAX_PROVIDER_WAITS,
    cancelAfterRejections: ctx.o.cancelAfterRejections,
  })
  if (verdict.breaker) ctx.breaker.recordFailure(verdict.breaker)
  const { reason } = verdict
  switch (verdict.do) {
    case 'wait':
      await ctx.record.append({ type: 'todo.waiting', todoId, reason, delayMs: verdict.delayMs })
      return waitThenRequeue(ctx, todoId, verdict.delayMs)
    case 'requeue':
      return ctx.record.requeue(todoId, reason)
    case 'review-again':
      return ctx.record.append({ type: 'todo.unreviewed', todoId, reason })
    case 'fail':
      await ctx.record.append({ type: 'todo.failed', todoId, reason })
      return discardIfSettled(ctx, todoId)
    case 'cancel':
      ctx.deps.logger.info(`${todoId}: ${reason}`)
      await ctx.record.append({ type: 'todo.cancelled', todoId, reason, by: 'policy' })
      return discardIfSettled(ctx, todoId)
  }
}

/** The todo goes back to the queue once its provider wait is over (not dispatchable until then). */
export function waitThenRequeue(ctx: MissionContext, todoId: string, delayMs: number): void {
  ctx.timers.start(delayMs, () => {
    const reason = ctx.record.snap.todos[todoId]?.waitReason ?? 'waited for the provider'
    // A timer has no caller to hand a failed write to: the mission ends with it.
    ctx.record
      .requeue(todoId, reason)
      .then(ctx.hooks.request, (err: unknown) => ctx.fail(`journal write failed: ${errorMessage(err)}`))
  })
}
