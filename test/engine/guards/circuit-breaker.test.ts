import { describe, expect, it } from 'vitest'
import { CircuitBreaker, type BreakerChange } from '../../../src/engine/guards/circuit-breaker'
import { FakeClock } from '../../fixtures/fake-clock'

function setup(
  options: { failureThreshold?: number; resetTimeoutMs?: number; successThreshold?: number } = {},
) {
  const clock = new FakeClock()
  const breaker = new CircuitBreaker({ clock, ...options })
  const changes: BreakerChange[] = []
  breaker.onChange((c) => changes.push(c))
  const fail = (key: string, n: number) => {
    for (let i = 0; i < n; i++) breaker.recordFailure(key)
  }
  return { clock, breaker, changes, fail }
}

describe('CircuitBreaker', () => {
  it('stays closed below 5 failures and opens at the 5th', () => {
    const { breaker, changes, fail } = setup()
    fail('worker', 4)
    expect(breaker.state('worker')).toBe('closed')
    expect(breaker.canRun('worker')).toBe(true)
    fail('worker', 1)
    expect(breaker.state('worker')).toBe('open')
    expect(breaker.canRun('worker')).toBe(false)
    expect(changes).toEqual([{ key: 'worker', from: 'closed', to: 'open' }])
  })

  it('counts consecutive failures: a success resets the run', () => {
    const { breaker, fail } = setup()
    fail('w', 4)
    breaker.recordSuccess('w')
    fail('w', 4)
    expect(breaker.state('w')).toBe('closed')
    fail('w', 1)
    expect(breaker.state('w')).toBe('open')
  })

  it('keeps keys apart', () => {
    const { breaker, fail } = setup()
    fail('a', 5)
    expect(breaker.state('a')).toBe('open')
    expect(breaker.state('b')).toBe('closed')
    expect(breaker.canRun('b')).toBe(true)
  })

  it('half-opens after exactly 30 s, through the clock, with a change event', () => {
    const { clock, breaker, changes, fail } = setup()
    fail('w', 5)
    expect(clock.pending).toBe(1)
    clock.advance(29_999)
    expect(breaker.state('w')).toBe('open')
    clock.advance(1)
    expect(breaker.state('w')).toBe('half-open')
    expect(breaker.canRun('w')).toBe(true)
    expect(changes.at(-1)).toEqual({ key: 'w', from: 'open', to: 'half-open' })
    expect(clock.pending).toBe(0)
  })

  it('closes after 2 successes in half-open', () => {
    const { clock, breaker, changes, fail } = setup()
    fail('w', 5)
    clock.advance(30_000)
    breaker.recordSuccess('w')
    expect(breaker.state('w')).toBe('half-open')
    breaker.recordSuccess('w')
    expect(breaker.state('w')).toBe('closed')
    expect(changes.map((c) => c.to)).toEqual(['open', 'half-open', 'closed'])
    // Closed again with a fresh count: 4 failures do not reopen it.
    fail('w', 4)
    expect(breaker.state('w')).toBe('closed')
  })

  it('reopens on one failure in half-open, and waits the full cool-down again', () => {
    const { clock, breaker, changes, fail } = setup()
    fail('w', 5)
    clock.advance(30_000)
    breaker.recordSuccess('w')
    breaker.recordFailure('w')
    expect(breaker.state('w')).toBe('open')
    expect(changes.at(-1)).toEqual({ key: 'w', from: 'half-open', to: 'open' })
    clock.advance(29_999)
    expect(breaker.state('w')).toBe('open')
    clock.advance(1)
    expect(breaker.state('w')).toBe('half-open')
  })

  it('ignores successes and failures reported while open', () => {
    const { clock, breaker, fail } = setup()
    fail('w', 5)
    breaker.recordSuccess('w')
    breaker.recordSuccess('w')
    fail('w', 3)
    expect(breaker.state('w')).toBe('open')
    expect(clock.pending).toBe(1)
    clock.advance(30_000)
    expect(breaker.state('w')).toBe('half-open')
  })

  it('honours configured thresholds', () => {
    const { clock, breaker, fail } = setup({ failureThreshold: 2, resetTimeoutMs: 1000, successThreshold: 1 })
    fail('w', 2)
    expect(breaker.state('w')).toBe('open')
    clock.advance(1000)
    breaker.recordSuccess('w')
    expect(breaker.state('w')).toBe('closed')
  })

  it('stops notifying after unsubscribe', () => {
    const { breaker, changes, fail } = setup()
    const seen: BreakerChange[] = []
    const off = breaker.onChange((c) => seen.push(c))
    off()
    fail('w', 5)
    expect(seen).toEqual([])
    expect(changes).toHaveLength(1)
  })

  it('leaves no timer behind after dispose', () => {
    const { clock, breaker, fail } = setup()
    fail('w', 5)
    breaker.dispose()
    expect(clock.pending).toBe(0)
  })

  it('validates options eagerly', () => {
    const clock = new FakeClock()
    expect(() => new CircuitBreaker({ clock, failureThreshold: 0 })).toThrow(
      new TypeError('Expected `failureThreshold` to be an integer >= 1, got 0'),
    )
    expect(() => new CircuitBreaker({ clock, successThreshold: 1.5 })).toThrow(
      new TypeError('Expected `successThreshold` to be an integer >= 1, got 1.5'),
    )
    expect(() => new CircuitBreaker({ clock, resetTimeoutMs: -1 })).toThrow(
      new TypeError('Expected `resetTimeoutMs` to be a finite number >= 0, got -1'),
    )
  })
})
