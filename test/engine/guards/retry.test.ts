import { describe, expect, it } from 'vitest'
import { backoff, classify } from '../../../src/engine/guards/retry'
import type { HostError } from '../../../src/engine/ports'

const err = (over: Partial<HostError>): HostError => ({
  name: 'UnknownError',
  message: '',
  retryable: false,
  ...over,
})

describe('backoff', () => {
  it('doubles from 1 s and caps at 30 s', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 50].map((a) => backoff(a))).toEqual([
      1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000,
    ])
  })

  it('lets a server hint win, even above the cap or at zero', () => {
    expect(backoff(1, 45_000)).toBe(45_000)
    expect(backoff(6, 0)).toBe(0)
    expect(backoff(3, 1234)).toBe(1234)
  })

  it('ignores unusable hints and treats attempts below 1 as the first', () => {
    expect(backoff(2, Number.NaN)).toBe(2000)
    expect(backoff(2, -5)).toBe(2000)
    expect(backoff(0)).toBe(1000)
    expect(backoff(-3)).toBe(1000)
    expect(backoff(Number.NaN)).toBe(1000)
  })
})

describe('classify', () => {
  it('never retries an abort, even one marked retryable', () => {
    expect(classify(err({ name: 'MessageAbortedError', retryable: true, statusCode: 503 }))).toEqual({
      retry: false,
      reason: 'aborted',
    })
  })

  it('retries 429 with the server hint as delay', () => {
    expect(classify(err({ name: 'APIError', statusCode: 429, retryAfterMs: 7000 }))).toEqual({
      retry: true,
      reason: 'rate-limited',
      delayMs: 7000,
    })
    expect(classify(err({ name: 'APIError', statusCode: 429 }))).toEqual({
      retry: true,
      reason: 'rate-limited',
    })
  })

  it('retries 5xx and overload', () => {
    expect(classify(err({ name: 'APIError', statusCode: 500 }))).toEqual({
      retry: true,
      reason: 'server-error',
    })
    expect(classify(err({ name: 'APIError', statusCode: 503 }))).toEqual({
      retry: true,
      reason: 'server-error',
    })
    expect(classify(err({ name: 'APIError', statusCode: 529 }))).toEqual({
      retry: true,
      reason: 'overloaded',
    })
    expect(classify(err({ message: 'Provider is Overloaded' }))).toEqual({
      retry: true,
      reason: 'overloaded',
    })
  })

  it('retries rate-limit messages without a status code', () => {
    expect(classify(err({ message: 'rate limit exceeded' })).retry).toBe(true)
    expect(classify(err({ message: 'Rate_limit reached' })).retry).toBe(true)
    expect(classify(err({ message: 'Too Many Requests' }))).toEqual({ retry: true, reason: 'rate-limited' })
  })

  it('retries an APIError the host marked retryable', () => {
    expect(classify(err({ name: 'APIError', statusCode: 408, retryable: true }))).toEqual({
      retry: true,
      reason: 'retryable',
    })
  })

  it('treats everything else as permanent', () => {
    expect(classify(err({ name: 'APIError', statusCode: 400 }))).toEqual({
      retry: false,
      reason: 'permanent',
    })
    expect(classify(err({ name: 'ProviderAuthError', statusCode: 401, message: 'bad key' }))).toEqual({
      retry: false,
      reason: 'permanent',
    })
    expect(classify(err({ name: 'ContextOverflowError', message: 'too long' })).retry).toBe(false)
  })
})
