import { describe, expect, it } from 'vitest'
import type { HostError } from '../../../src/engine/ports'
import {
  afterAttempt,
  type AttemptCause,
  type AttemptLimits,
  type AttemptVerdict,
} from '../../../src/engine/turns/todo-policy'

const todo = (
  attempts: number,
  revision: Partial<{ attemptsBefore: number; waits: number; unreviewed: number }> = {},
  rejections = 0,
) => ({
  attempts,
  rejections,
  revision: { attemptsBefore: 0, waits: 0, unreviewed: 0, ...revision },
})
const limits: AttemptLimits = { maxAttempts: 3, maxProviderWaits: 2, cancelAfterRejections: Infinity }
const policy: AttemptLimits = { ...limits, cancelAfterRejections: 3 }

const err = (over: Partial<HostError>): HostError => ({
  name: 'APIError',
  message: 'boom',
  retryable: false,
  ...over,
})
const R429 = err({ message: 'Too Many Requests', statusCode: 429, retryable: true })
const R429_HINT = err({ message: 'Too Many Requests', statusCode: 429, retryable: true, retryAfterMs: 7_000 })
const R503 = err({ message: 'Service Unavailable', statusCode: 503, retryable: true })
const R529 = err({ message: 'Overloaded', statusCode: 529, retryable: true })
const RATE_TEXT = err({ message: 'rate limit exceeded for this model' })
const MARKED = err({ message: 'connection reset', retryable: true })
const AUTH = err({ name: 'ProviderAuthError', message: 'invalid api key', statusCode: 401 })
const ABORTED = err({ name: 'MessageAbortedError', message: 'aborted' })

const provider = (error: HostError): AttemptCause => ({
  kind: 'attempt',
  reason: `provider: ${error.message}`,
  error,
})
const plain: AttemptCause = { kind: 'attempt', reason: 'no report' }
const review: AttemptCause = { kind: 'review', reason: 'the reviewer gave no verdict' }
const rejected: AttemptCause = { kind: 'rejected', reason: 'review failed: no tests' }

type Row = [
  name: string,
  todo: ReturnType<typeof todo>,
  cause: AttemptCause,
  limits: AttemptLimits,
  verdict: AttemptVerdict,
]

const rows: Row[] = [
  // Provider errors are waited out, the server's hint first, else the backoff of the attempt number.
  [
    '429 with a hint: wait the hint',
    todo(1),
    provider(R429_HINT),
    limits,
    { do: 'wait', delayMs: 7_000, reason: 'provider: Too Many Requests' },
  ],
  [
    '429 without a hint, attempt 1: wait 1 s',
    todo(1),
    provider(R429),
    limits,
    { do: 'wait', delayMs: 1_000, reason: 'provider: Too Many Requests' },
  ],
  [
    '429, attempt 3: wait 4 s',
    todo(3),
    provider(R429),
    limits,
    { do: 'wait', delayMs: 4_000, reason: 'provider: Too Many Requests' },
  ],
  [
    '429, attempt 0 counts as 1',
    todo(0),
    provider(R429),
    limits,
    { do: 'wait', delayMs: 1_000, reason: 'provider: Too Many Requests' },
  ],
  [
    '429, attempt 20: the backoff is capped at 30 s',
    todo(20),
    provider(R429),
    limits,
    { do: 'wait', delayMs: 30_000, reason: 'provider: Too Many Requests' },
  ],
  [
    '503: wait',
    todo(2),
    provider(R503),
    limits,
    { do: 'wait', delayMs: 2_000, reason: 'provider: Service Unavailable' },
  ],
  [
    '529 overloaded: wait',
    todo(1),
    provider(R529),
    limits,
    { do: 'wait', delayMs: 1_000, reason: 'provider: Overloaded' },
  ],
  [
    'a rate-limit message without a status: wait',
    todo(1),
    provider(RATE_TEXT),
    limits,
    { do: 'wait', delayMs: 1_000, reason: 'provider: rate limit exceeded for this model' },
  ],
  [
    'an error the host marked retryable: wait',
    todo(1),
    provider(MARKED),
    limits,
    { do: 'wait', delayMs: 1_000, reason: 'provider: connection reset' },
  ],
  [
    'a hint of 0: wait 0',
    todo(1),
    provider(err({ statusCode: 429, retryAfterMs: 0 })),
    limits,
    { do: 'wait', delayMs: 0, reason: 'provider: boom' },
  ],
  [
    'one wait left: wait',
    todo(3, { waits: 1 }),
    provider(R429),
    limits,
    { do: 'wait', delayMs: 4_000, reason: 'provider: Too Many Requests' },
  ],
  // Waits used up: the provider error counts as an attempt, and against the worker breaker.
  [
    'waits used up, attempts left: requeue',
    todo(2, { waits: 2 }),
    provider(R429_HINT),
    limits,
    { do: 'requeue', reason: 'provider: Too Many Requests', breaker: 'worker' },
  ],
  [
    'waits and attempts used up: fail',
    todo(3, { waits: 2 }),
    provider(R503),
    limits,
    { do: 'fail', reason: 'provider: Service Unavailable (3 attempts)', breaker: 'worker' },
  ],
  [
    'waits used up past the bound',
    todo(2, { waits: 7 }),
    provider(R429),
    limits,
    { do: 'requeue', reason: 'provider: Too Many Requests', breaker: 'worker' },
  ],
  [
    'no waits allowed: a 429 is an attempt at once',
    todo(1),
    provider(R429),
    { ...limits, maxProviderWaits: 0 },
    { do: 'requeue', reason: 'provider: Too Many Requests', breaker: 'worker' },
  ],
  // Errors that will not pass count as attempts at once.
  [
    'a permanent error, attempts left: requeue',
    todo(1),
    provider(AUTH),
    limits,
    { do: 'requeue', reason: 'provider: invalid api key', breaker: 'worker' },
  ],
  [
    'a permanent error on the last attempt: fail',
    todo(3),
    provider(AUTH),
    limits,
    { do: 'fail', reason: 'provider: invalid api key (3 attempts)', breaker: 'worker' },
  ],
  [
    'an aborted turn: requeue',
    todo(1),
    provider(ABORTED),
    limits,
    { do: 'requeue', reason: 'provider: aborted', breaker: 'worker' },
  ],
  // Other failures: the todo's attempts under its plan revision.
  ['no report, attempt 1 of 3: requeue', todo(1), plain, limits, { do: 'requeue', reason: 'no report' }],
  ['no report, attempt 2 of 3: requeue', todo(2), plain, limits, { do: 'requeue', reason: 'no report' }],
  [
    'no report, attempt 3 of 3: fail',
    todo(3),
    plain,
    limits,
    { do: 'fail', reason: 'no report (3 attempts)' },
  ],
  [
    'waits do not count for other failures',
    todo(1, { waits: 9 }),
    plain,
    limits,
    { do: 'requeue', reason: 'no report' },
  ],
  [
    'a new revision counts from its start: attempt 5, 3 before',
    todo(5, { attemptsBefore: 3 }),
    plain,
    limits,
    { do: 'requeue', reason: 'no report' },
  ],
  [
    'a new revision used up: attempt 6, 3 before',
    todo(6, { attemptsBefore: 3 }),
    plain,
    limits,
    { do: 'fail', reason: 'no report (3 attempts)' },
  ],
  [
    'one attempt allowed: fail at once',
    todo(1),
    plain,
    { ...limits, maxAttempts: 1, maxProviderWaits: 5 },
    { do: 'fail', reason: 'no report (1 attempts)' },
  ],
  // Reviews without a verdict: asked again, as often as a todo has attempts.
  [
    'no verdict, first time: review again',
    todo(1),
    review,
    limits,
    { do: 'review-again', reason: 'the reviewer gave no verdict', breaker: 'reviewer' },
  ],
  [
    'no verdict, second time: review again',
    todo(1, { unreviewed: 1 }),
    review,
    limits,
    { do: 'review-again', reason: 'the reviewer gave no verdict', breaker: 'reviewer' },
  ],
  [
    'no verdict, third time: fail',
    todo(1, { unreviewed: 2 }),
    review,
    limits,
    { do: 'fail', reason: 'the reviewer gave no verdict (3 reviews)', breaker: 'reviewer' },
  ],
  [
    'reviews ignore the attempts used',
    todo(3, { waits: 5 }),
    review,
    limits,
    { do: 'review-again', reason: 'the reviewer gave no verdict', breaker: 'reviewer' },
  ],
  [
    'one attempt allowed: the first review without a verdict fails',
    todo(1),
    review,
    { ...limits, maxAttempts: 1, maxProviderWaits: 5 },
    { do: 'fail', reason: 'the reviewer gave no verdict (1 reviews)', breaker: 'reviewer' },
  ],
  // Failed reviews: attempts as any other failure, until the policy (when set) cancels the todo.
  [
    'a failed review, no policy: requeue',
    todo(1, {}, 1),
    rejected,
    limits,
    { do: 'requeue', reason: 'review failed: no tests' },
  ],
  [
    'a failed review, no policy, last attempt: fail for the planner',
    todo(3, {}, 7),
    rejected,
    limits,
    { do: 'fail', reason: 'review failed: no tests (3 attempts)' },
  ],
  [
    'policy 3, second failed review: requeue',
    todo(2, {}, 2),
    rejected,
    policy,
    { do: 'requeue', reason: 'review failed: no tests' },
  ],
  [
    'policy 3, third failed review: cancel',
    todo(3, {}, 3),
    rejected,
    policy,
    { do: 'cancel', reason: 'cancelled by policy after 3 failed reviews: review failed: no tests' },
  ],
  [
    'policy 3, third failed review in a later revision: cancel, not re-plan',
    todo(4, { attemptsBefore: 2 }, 3),
    rejected,
    policy,
    { do: 'cancel', reason: 'cancelled by policy after 3 failed reviews: review failed: no tests' },
  ],
  [
    'policy 3, a failed review on the last attempt with 2 rejections: fail for the planner',
    todo(3, {}, 2),
    rejected,
    policy,
    { do: 'fail', reason: 'review failed: no tests (3 attempts)' },
  ],
  [
    'policy 1: the first failed review cancels',
    todo(1, {}, 1),
    rejected,
    { ...limits, cancelAfterRejections: 1 },
    { do: 'cancel', reason: 'cancelled by policy after 1 failed review: review failed: no tests' },
  ],
  [
    'the policy counts failed reviews, not other failures',
    todo(3, {}, 0),
    plain,
    { ...limits, maxAttempts: 5, cancelAfterRejections: 1 },
    { do: 'requeue', reason: 'no report' },
  ],
  [
    'the policy does not cancel a review without a verdict',
    todo(1, {}, 5),
    review,
    policy,
    { do: 'review-again', reason: 'the reviewer gave no verdict', breaker: 'reviewer' },
  ],
]

describe('afterAttempt', () => {
  it.each(rows)('%s', (_name, t, cause, attemptLimits, expected) => {
    expect(afterAttempt(t, cause, attemptLimits)).toEqual(expected)
  })
})
