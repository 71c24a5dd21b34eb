// What becomes of a todo after a failed attempt or a review without a verdict, as one pure function
// of the todo's journaled counts. Provider trouble (429, 5xx) is not the todo's fault: it waits out a
// backoff (honouring the server's hint) and goes back to the queue, a bounded number of times per plan
// revision (a provider that never recovers would hold it forever). Any other failure re-queues until
// the todo used its attempts under the current plan revision, and then fails it for the planner to
// revise. A review that ended without a verdict is asked again, as often as a todo has attempts. A
// failed todo is that todo's fault alone: the mission goes on with the others. With the policy
// `cancelAfterRejections` set, a todo that reviews failed that many times (re-plans included) is
// cancelled instead of tried again: its dependents wait on it, and no re-plan reopens it.

import { backoff, classify } from '../guards/retry'
import type { HostError } from '../ports'
import type { TodoRecord } from '../record/entries'

/** Provider errors (429, 5xx) a todo waits out per plan revision; later ones count as failed attempts. */
export const MAX_PROVIDER_WAITS = 5

export type AttemptCause =
  /** The work failed: no report, a report other than done, a failing review, or an error. */
  | { kind: 'attempt'; reason: string; error?: HostError }
  /** The review ended without a verdict (the work itself did not fail). */
  | { kind: 'review'; reason: string }
  /** The review failed the work (the todo's `rejections` count it already). */
  | { kind: 'rejected'; reason: string }

export interface AttemptLimits {
  /** Worker attempts per todo and plan revision. */
  maxAttempts: number
  maxProviderWaits: number
  /** Failed reviews after which the todo is cancelled by policy; Infinity: never. */
  cancelAfterRejections: number
}

export type AttemptVerdict = { breaker?: 'worker' | 'reviewer' } & (
  | { do: 'wait'; delayMs: number; reason: string }
  | { do: 'requeue'; reason: string }
  | { do: 'review-again'; reason: string }
  | { do: 'fail'; reason: string }
  | { do: 'cancel'; reason: string }
)

export function afterAttempt(
  todo: Pick<TodoRecord, 'attempts' | 'revision' | 'rejections'>,
  cause: AttemptCause,
  limits: AttemptLimits,
): AttemptVerdict {
  const { reason } = cause
  if (cause.kind === 'review') {
    const reviews = todo.revision.unreviewed + 1
    if (reviews >= limits.maxAttempts)
      return { do: 'fail', reason: `${reason} (${reviews} reviews)`, breaker: 'reviewer' }
    return { do: 'review-again', reason, breaker: 'reviewer' }
  }
  const n = todo.rejections
  if (cause.kind === 'rejected' && n >= limits.cancelAfterRejections)
    return {
      do: 'cancel',
      reason: `cancelled by policy after ${n} failed review${n === 1 ? '' : 's'}: ${reason}`,
    }
  const error = cause.kind === 'attempt' ? cause.error : undefined
  const decision = error ? classify(error) : undefined
  if (decision?.retry && todo.revision.waits < limits.maxProviderWaits)
    return { do: 'wait', delayMs: backoff(todo.attempts, decision.delayMs), reason }
  const breaker = error ? { breaker: 'worker' as const } : {}
  const used = todo.attempts - todo.revision.attemptsBefore
  if (used < limits.maxAttempts) return { do: 'requeue', reason, ...breaker }
  // Bounded attempts exhausted: the todo stays failed, and the planner may revise the plan.
  return { do: 'fail', reason: `${reason} (${used} attempts)`, ...breaker }
}
