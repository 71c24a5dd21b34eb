// Retry policy: pure functions of the attempt number, the server's hint and the error. Sleeping is the
// caller's business (through the Clock port), so these stay trivially testable.

import type { HostError } from '../ports'

/** First retry delay in milliseconds. */
export const BACKOFF_BASE_MS = 1_000
/** Upper bound of a computed delay in milliseconds (a server hint is not capped). */
export const BACKOFF_MAX_MS = 30_000

/**
 * Delay before retry number `attempt` (1-based): the server's hint when it gave a usable one, else
 * `min(1000 * 2^(attempt - 1), 30000)`. Attempts below 1 count as 1.
 */
export function backoff(attempt: number, hintMs?: number): number {
  if (hintMs !== undefined && Number.isFinite(hintMs) && hintMs >= 0) return hintMs
  const n = Number.isFinite(attempt) ? Math.max(1, Math.floor(attempt)) : 1
  return Math.min(BACKOFF_BASE_MS * 2 ** (n - 1), BACKOFF_MAX_MS)
}

export type RetryReason = 'rate-limited' | 'server-error' | 'overloaded' | 'retryable'
export type NoRetryReason = 'aborted' | 'permanent'

export type RetryDecision =
  | { retry: true; reason: RetryReason; /** The server's hint, when it gave one. */ delayMs?: number }
  | { retry: false; reason: NoRetryReason }

const RATE_LIMIT = /rate[\s_-]?limit|too many requests/i
const OVERLOADED = /overloaded/i

/**
 * Whether a provider error is worth retrying, and why. An abort is never retried (the user or the
 * engine asked for it); 429, 5xx, "overloaded", rate-limit messages and errors the host marked
 * retryable (OpenCode's `APIError.isRetryable`) are; everything else is permanent and should count
 * against the circuit breaker.
 */
export function classify(error: HostError): RetryDecision {
  if (error.name === 'MessageAbortedError') return { retry: false, reason: 'aborted' }
  const hint = error.retryAfterMs
  const withHint = (reason: RetryReason): RetryDecision =>
    hint !== undefined && Number.isFinite(hint) && hint >= 0
      ? { retry: true, reason, delayMs: hint }
      : { retry: true, reason }
  const code = error.statusCode
  if (code === 429 || RATE_LIMIT.test(error.message)) return withHint('rate-limited')
  if (code === 529 || OVERLOADED.test(error.message)) return withHint('overloaded')
  if (code !== undefined && code >= 500 && code <= 599) return withHint('server-error')
  if (error.retryable) return withHint('retryable')
  return { retry: false, reason: 'permanent' }
}
