// Mission budgets: iterations, tokens, cost, wall time and stagnation. The tracker only counts and
// answers `exceeded()`; the mission loop asks at its decision points and ends the mission with the reason.

import type { Clock } from '../ports'

export interface BudgetLimits {
  /** Mission iterations (plan → work → check) that may start. Default: 5. */
  maxIterations?: number
  /** Tokens (all agents, all kinds) after which the mission stops. Default: Infinity. */
  maxTokens?: number
  /** Cost in USD after which the mission stops. Default: Infinity. */
  maxCostUsd?: number
  /** Wall time in milliseconds after which the mission stops. Default: 3600000 (one hour). */
  maxWallMs?: number
  /** Rounds in a row with no todo newly passing review that count as stagnation. Default: 3. */
  stagnationRounds?: number
}

export type BudgetReason = 'iterations' | 'tokens' | 'cost' | 'time' | 'stagnation'

export interface BudgetExceeded {
  reason: BudgetReason
  message: string
}

export interface BudgetUsage {
  iterations: number
  tokens: number
  costUsd: number
  elapsedMs: number
  roundsWithoutProgress: number
  /** Usage per agent key (a session id or a role, as the caller records it). */
  perAgent: Record<string, { tokens: number; costUsd: number }>
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
    const limits: Required<BudgetLimits> = {
      maxIterations: options.maxIterations ?? 5,
      maxTokens: options.maxTokens ?? Infinity,
      maxCostUsd: options.maxCostUsd ?? Infinity,
      maxWallMs: options.maxWallMs ?? 3_600_000,
      stagnationRounds: options.stagnationRounds ?? 3,
    }
    expectLimit('maxIterations', limits.maxIterations, true, 1)
    expectLimit('maxTokens', limits.maxTokens, false, 0)
    expectLimit('maxCostUsd', limits.maxCostUsd, false, 0)
    expectLimit('maxWallMs', limits.maxWallMs, false, 0)
    expectLimit('stagnationRounds', limits.stagnationRounds, true, 1)
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

  /** The first budget spent, in the order iterations, tokens, cost, time, stagnation; else undefined. */
  exceeded(): BudgetExceeded | undefined {
    const l = this.#limits
    if (this.#iterations > l.maxIterations)
      return { reason: 'iterations', message: `iteration budget spent: ${l.maxIterations} iterations` }
    if (this.#tokens >= l.maxTokens)
      return { reason: 'tokens', message: `token budget spent: ${this.#tokens} of ${l.maxTokens} tokens` }
    if (this.#cost >= l.maxCostUsd)
      return {
        reason: 'cost',
        message: `cost budget spent: $${this.#cost.toFixed(4)} of $${l.maxCostUsd.toFixed(2)}`,
      }
    const elapsed = this.#clock.now() - this.#startedAt
    if (elapsed >= l.maxWallMs)
      return {
        reason: 'time',
        message: `time budget spent: ${Math.round(elapsed / 1000)} s of ${l.maxWallMs / 1000} s`,
      }
    if (this.#stale >= l.stagnationRounds)
      return { reason: 'stagnation', message: `no todo passed review in ${this.#stale} rounds in a row` }
    return undefined
  }

  usage(): BudgetUsage {
    return {
      iterations: this.#iterations,
      tokens: this.#tokens,
      costUsd: this.#cost,
      elapsedMs: this.#clock.now() - this.#startedAt,
      roundsWithoutProgress: this.#stale,
      perAgent: Object.fromEntries([...this.#perAgent].map(([k, v]) => [k, { ...v }])),
    }
  }
}
