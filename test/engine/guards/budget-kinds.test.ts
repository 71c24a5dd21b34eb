import { describe, expect, it } from 'vitest'
import { BudgetTracker } from '../../../src/engine/guards/budgets'
import { BUDGET_KINDS, type BudgetReason } from '../../../src/shared/budget-kinds'
import { FakeClock } from '../../fixtures/fake-clock'

// Brings a tracker's measure of one kind to `amount`, through the tracker's own recording calls.
const DRIVE: { [R in BudgetReason]: (t: BudgetTracker, clock: FakeClock, amount: number) => void } = {
  iterations: (t, _c, n) => {
    for (let i = 0; i < n; i++) t.recordIteration()
  },
  tokens: (t, _c, n) => void t.recordUsage('a', { tokens: n, costUsd: 0 }),
  cost: (t, _c, n) => void t.recordUsage('a', { tokens: 0, costUsd: n }),
  time: (_t, clock, n) => clock.advance(n),
  stagnation: (t, _c, n) => {
    for (let i = 0; i < n; i++) t.recordRound(false)
  },
}

describe.each(BUDGET_KINDS.map((k) => [k.reason, k] as const))('budget kind %s', (_reason, kind) => {
  const clock = () => new FakeClock(1_000)

  it('takes its default and accepts Infinity and its minimum', () => {
    expect(new BudgetTracker({ clock: clock() }).limits[kind.option]).toBe(kind.default)
    expect(() => new BudgetTracker({ clock: clock(), [kind.option]: Infinity })).not.toThrow()
    expect(() => new BudgetTracker({ clock: clock(), [kind.option]: kind.min })).not.toThrow()
  })

  it('rejects a limit below its minimum, NaN, and a fraction where it counts whole things', () => {
    const bad = [kind.min - 1, Number.NaN, -Infinity, ...(kind.integer ? [kind.min + 0.5] : [])]
    for (const value of bad)
      expect(() => new BudgetTracker({ clock: clock(), [kind.option]: value })).toThrow(
        new TypeError(
          `Expected \`${kind.option}\` to be ${kind.integer ? 'an integer' : 'a number'} >= ${kind.min} or Infinity, got ${String(value)}`,
        ),
      )
  })

  it('is spent with its reason once its measure passes its limit, and not before', () => {
    const limit = 4
    const c = clock()
    // Every other kind unlimited: only this one can be spent.
    const unlimited = Object.fromEntries(BUDGET_KINDS.map((k) => [k.option, Infinity]))
    const t = new BudgetTracker({ clock: c, ...unlimited, [kind.option]: limit })
    const atLimitIsSpent = kind.spent === 'atLimit'
    DRIVE[kind.reason](t, c, limit - 1)
    expect(t.exceeded()).toBeUndefined()
    DRIVE[kind.reason](t, c, 1)
    expect(t.exceeded()?.reason).toBe(atLimitIsSpent ? kind.reason : undefined)
    DRIVE[kind.reason](t, c, 1)
    expect(t.exceeded()).toEqual({
      reason: kind.reason,
      message: kind.message(limit + 1, limit),
    })
  })
})

describe('the budget table', () => {
  it('names each option, reason, flag and setting once', () => {
    for (const field of ['option', 'reason', 'label'] as const)
      expect(new Set(BUDGET_KINDS.map((k) => k[field])).size).toBe(BUDGET_KINDS.length)
    const flags = BUDGET_KINDS.flatMap((k) => (k.cli ? [k.cli.flag] : []))
    const settings = BUDGET_KINDS.flatMap((k) => (k.setting ? [k.setting.key] : []))
    expect(new Set(flags).size).toBe(flags.length)
    expect(new Set(settings).size).toBe(settings.length)
  })
})
