// Mission budgets, the kinds of src/shared/budget-kinds.ts. The tracker only counts and answers
// `exceeded()`, measuring each kind on its counters; the mission loop asks at its decision points and
// ends the mission with the reason.

import { BUDGET_KINDS, type BudgetLimits, type BudgetReason } from '../../shared/budget-kinds'
import type { Clock } from '../ports'

export type { BudgetLimits, BudgetReason } from '../../shared/budget-kinds'

export interface BudgetExceeded {
  reason: BudgetReason
  message: string
}

/** The tracker's counters, which the budgets are measured on. */
export interface BudgetAmounts {
  iterations: number
  tokens: number
  costUsd: number
  elapsedMs: number
  roundsWithoutProgress: number
}

export interface BudgetUsage extends BudgetAmounts {
  /** Usage per agent key (a session id or a role, as the caller records it). */
  perAgent: Record<string, { tokens: number; costUsd: number }>
}

/** Each kind's measure, compared with its limit: one per row of BUDGET_KINDS. */
const MEASURES: { readonly [R in BudgetReason]: (a: BudgetAmounts) => number } = {
  iterations: (a) => a.iterations,
  tokens: (a) => a.tokens,
  cost: (a) => a.costUsd,
  time: (a) => a.elapsedMs,
  stagnation: (a) => a.roundsWithoutProgress,
}

/** The first budget the amounts spend, in the order of BUDGET_KINDS; else undefined. */
export function budgetSpent(
  limits: Required<BudgetLimits>,
  amounts: BudgetAmounts,
): BudgetExceeded | undefined {
  for (const k of BUDGET_KINDS) {
    const used = MEASURES[k.reason](amounts)
    const limit = limits[k.option]
    if (k.spent === 'pastLimit' ? used > limit : used >= limit)
      return { reason: k.reason, message: k.message(used, limit) }
  }
  return undefined
}

export interface BudgetTrackerOptions extends BudgetLimits {
  clock: Clock
  /** When the mission started (Clock time), e.g. from the journal on resume. Default: clock.now(). */
  startedAt?: number
}

function expectLimit(name: string, value: number, integer: boolean, min: number): void {
  const ok = value === Infinity || (Number.isFinite(value) && (!integer || Number.isInteger(value)))
  if (!ok || value < min) {
    const kind = integer ? 'an integer' : 'a number'
    throw new TypeError(`Expected \`${name}\` to be ${kind} >= ${min} or Infinity, got ${String(value)}`)
  }
}

const isAmount = (n: number) => Number.isFinite(n) && n >= 0

export class BudgetTracker {
  readonly #clock: Clock
  readonly #startedAt: number
  readonly #limits: Required<BudgetLimits>
  #iterations = 0
  #tokens = 0
  #cost = 0
  #stale = 0
  readonly #perAgent = new Map<string, { tokens: number; costUsd: number }>()
  readonly #perMessage = new Map<string, { tokens: number; costUsd: number }>()

  constructor(options: BudgetTrackerOptions) {
    const limits = {} as Required<BudgetLimits>
    for (const k of BUDGET_KINDS) {
      limits[k.option] = options[k.option] ?? k.default
      expectLimit(k.option, limits[k.option], k.integer, k.min)
    }
    this.#clock = options.clock
    this.#limits = limits
    this.#startedAt = options.startedAt ?? options.clock.now()
  }

  get limits(): Readonly<Required<BudgetLimits>> {
    return this.#limits
  }

  /** Call when a mission iteration is about to start; `exceeded()` then says whether it may. */
  recordIteration(): void {
    this.#iterations++
  }

  /**
   * Adds an agent's usage and returns what was added. Without `messageId` the amounts are deltas.
   * With it they are that message's running totals (OpenCode re-sends a message's usage as it grows),
   * and only the increase since the last report of the same message is added.
   */
  recordUsage(
    agent: string,
    usage: { tokens: number; costUsd: number },
    messageId?: string,
  ): { tokens: number; costUsd: number } {
    let tokens = isAmount(usage.tokens) ? usage.tokens : 0
    let costUsd = isAmount(usage.costUsd) ? usage.costUsd : 0
    if (messageId !== undefined) {
      const seen = this.#perMessage.get(messageId)
      this.#perMessage.set(messageId, {
        tokens: Math.max(tokens, seen?.tokens ?? 0),
        costUsd: Math.max(costUsd, seen?.costUsd ?? 0),
      })
      tokens = Math.max(0, tokens - (seen?.tokens ?? 0))
      costUsd = Math.max(0, costUsd - (seen?.costUsd ?? 0))
    }
    this.#tokens += tokens
    this.#cost += costUsd
    const a = this.#perAgent.get(agent) ?? { tokens: 0, costUsd: 0 }
    a.tokens += tokens
    a.costUsd += costUsd
    this.#perAgent.set(agent, a)
    return { tokens, costUsd }
  }

  /** Ends a round (e.g. a scheduling wave settling): `progressed` when any todo newly passed review in it. */
  recordRound(progressed: boolean): void {
    this.#stale = progressed ? 0 : this.#stale + 1
  }

  /** Milliseconds of wall time left (0 when spent), for the caller's deadline timer. */
  remainingMs(): number {
    return Math.max(0, this.#limits.maxWallMs - (this.#clock.now() - this.#startedAt))
  }

  /**
   * The first budget spent, in the order of BUDGET_KINDS; else undefined. `rounds` replaces the
   * tracker's own round counters (a mission counts its rounds from its journal).
   */
  exceeded(rounds?: Pick<BudgetAmounts, 'iterations' | 'roundsWithoutProgress'>): BudgetExceeded | undefined {
    return budgetSpent(this.#limits, { ...this.#amounts(), ...rounds })
  }

  usage(): BudgetUsage {
    return {
      ...this.#amounts(),
      perAgent: Object.fromEntries([...this.#perAgent].map(([k, v]) => [k, { ...v }])),
    }
  }

  #amounts(): BudgetAmounts {
    return {
      iterations: this.#iterations,
      tokens: this.#tokens,
      costUsd: this.#cost,
      elapsedMs: this.#clock.now() - this.#startedAt,
      roundsWithoutProgress: this.#stale,
    }
  }
}
