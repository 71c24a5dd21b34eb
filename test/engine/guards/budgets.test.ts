import { describe, expect, it } from 'vitest'
import { BudgetTracker } from '../../../src/engine/guards/budgets'
import { FakeClock } from '../../fixtures/fake-clock'

describe('BudgetTracker', () => {
  it('is within budget at the start, with the documented defaults', () => {
    const t = new BudgetTracker({ clock: new FakeClock() })
    expect(t.exceeded()).toBeUndefined()
    expect(t.limits).toEqual({
      maxIterations: 5,
      maxTokens: Infinity,
      maxCostUsd: Infinity,
      maxWallMs: 3_600_000,
      stagnationRounds: 3,
    })
  })

  it('stops when one iteration more than allowed is about to start', () => {
    const t = new BudgetTracker({ clock: new FakeClock(), maxIterations: 2 })
    t.recordIteration()
    t.recordIteration()
    expect(t.exceeded()).toBeUndefined()
    t.recordIteration()
    expect(t.exceeded()).toEqual({ reason: 'iterations', message: 'iteration budget spent: 2 iterations' })
  })

  it('stops when tokens reach the cap, summing across agents', () => {
    const t = new BudgetTracker({ clock: new FakeClock(), maxTokens: 1000 })
    t.recordUsage('worker-1', { tokens: 600, costUsd: 0 })
    expect(t.exceeded()).toBeUndefined()
    t.recordUsage('worker-2', { tokens: 400, costUsd: 0 })
    expect(t.exceeded()?.reason).toBe('tokens')
    expect(t.usage().perAgent).toEqual({
      'worker-1': { tokens: 600, costUsd: 0 },
      'worker-2': { tokens: 400, costUsd: 0 },
    })
  })

  it('stops when cost reaches the cap', () => {
    const t = new BudgetTracker({ clock: new FakeClock(), maxCostUsd: 0.5 })
    t.recordUsage('a', { tokens: 1, costUsd: 0.3 })
    expect(t.exceeded()).toBeUndefined()
    t.recordUsage('a', { tokens: 1, costUsd: 0.2 })
    expect(t.exceeded()).toEqual({ reason: 'cost', message: 'cost budget spent: $0.5000 of $0.50' })
  })

  it('counts running message totals once (OpenCode re-sends a growing message)', () => {
    const t = new BudgetTracker({ clock: new FakeClock(), maxTokens: 250 })
    expect(t.recordUsage('a', { tokens: 100, costUsd: 0.01 }, 'm1')).toEqual({ tokens: 100, costUsd: 0.01 })
    expect(t.recordUsage('a', { tokens: 150, costUsd: 0.02 }, 'm1')).toEqual({ tokens: 50, costUsd: 0.01 })
    expect(t.recordUsage('a', { tokens: 150, costUsd: 0.02 }, 'm1')).toEqual({ tokens: 0, costUsd: 0 })
    expect(t.usage().tokens).toBe(150)
    expect(t.exceeded()).toBeUndefined()
    t.recordUsage('b', { tokens: 100, costUsd: 0 }, 'm2')
    expect(t.exceeded()?.reason).toBe('tokens')
  })

  it('ignores negative or non-finite amounts', () => {
    const t = new BudgetTracker({ clock: new FakeClock() })
    t.recordUsage('a', { tokens: -5, costUsd: Number.NaN })
    expect(t.usage()).toMatchObject({ tokens: 0, costUsd: 0 })
  })

  it('stops when wall time is spent, read from the clock', () => {
    const clock = new FakeClock(1_000)
    const t = new BudgetTracker({ clock, maxWallMs: 60_000 })
    clock.advance(59_999)
    expect(t.exceeded()).toBeUndefined()
    expect(t.remainingMs()).toBe(1)
    clock.advance(1)
    expect(t.exceeded()).toEqual({ reason: 'time', message: 'time budget spent: 60 s of 60 s' })
    expect(t.remainingMs()).toBe(0)
  })

  it('counts time from a resumed mission start', () => {
    const clock = new FakeClock(100_000)
    const t = new BudgetTracker({ clock, maxWallMs: 60_000, startedAt: 40_000 })
    expect(t.exceeded()?.reason).toBe('time')
  })

  it('detects stagnation after K rounds without a newly passed todo, and a pass resets it', () => {
    const t = new BudgetTracker({ clock: new FakeClock(), stagnationRounds: 2 })
    t.recordRound(false)
    expect(t.exceeded()).toBeUndefined()
    t.recordRound(true)
    t.recordRound(false)
    expect(t.exceeded()).toBeUndefined()
    t.recordRound(false)
    expect(t.exceeded()).toEqual({
      reason: 'stagnation',
      message: 'no todo passed review in 2 rounds in a row',
    })
  })

  it('reports the first spent budget in a fixed order', () => {
    const clock = new FakeClock()
    const t = new BudgetTracker({ clock, maxTokens: 1, maxWallMs: 1, stagnationRounds: 1 })
    t.recordRound(false)
    clock.advance(5)
    expect(t.exceeded()?.reason).toBe('time')
    t.recordUsage('a', { tokens: 1, costUsd: 0 })
    expect(t.exceeded()?.reason).toBe('tokens')
  })

  it('validates limits eagerly', () => {
    const clock = new FakeClock()
    expect(() => new BudgetTracker({ clock, maxIterations: 0 })).toThrow(
      new TypeError('Expected `maxIterations` to be an integer >= 1 or Infinity, got 0'),
    )
    expect(() => new BudgetTracker({ clock, maxTokens: -1 })).toThrow(
      new TypeError('Expected `maxTokens` to be a number >= 0 or Infinity, got -1'),
    )
    expect(() => new BudgetTracker({ clock, maxCostUsd: Number.NaN })).toThrow(
      new TypeError('Expected `maxCostUsd` to be a number >= 0 or Infinity, got NaN'),
    )
    expect(() => new BudgetTracker({ clock, stagnationRounds: 1.5 })).toThrow(
      new TypeError('Expected `stagnationRounds` to be an integer >= 1 or Infinity, got 1.5'),
    )
    expect(() => new BudgetTracker({ clock, maxIterations: Infinity, maxWallMs: Infinity })).not.toThrow()
  })
})
