// The budgets of a running mission: the tracker (rebuilt from the journal when the mission begins, so
// a resumed mission keeps its wall time, usage and iterations), the timer that ends the wall time, and
// the usage of assistant messages counted once each, the increase also kept on the session until the
// journal records it.

import { BudgetTracker, type BudgetAmounts, type BudgetExceeded, type BudgetLimits } from './budgets'
import { meteredLimits } from '../../shared/budget-meters'
import type { MissionSnapshot } from '../record/entries'
import type { BudgetView } from '../record/mission-state'
import type { Live } from '../sessions/live-session'
import type { Clock, HostEvent } from '../ports'
import type { TimerSet } from '../util/timer-set'

export interface MissionBudgetsDeps {
  clock: Clock
  limits: BudgetLimits | undefined
  timers: TimerSet
  /** The wall time is spent. */
  onWallTime: () => void
}

export class MissionBudgets {
  #tracker: BudgetTracker

  /** Validates the limits at once (throws a TypeError naming the bad one). */
  constructor(private readonly d: MissionBudgetsDeps) {
    this.#tracker = new BudgetTracker({ clock: d.clock, ...d.limits })
  }

  /** Takes over what the journal's mission used so far, and starts the wall-time timer. */
  begin(snap: MissionSnapshot): void {
    this.#tracker = new BudgetTracker({
      clock: this.d.clock,
      ...this.d.limits,
      ...(snap.startedAt !== undefined && { startedAt: snap.startedAt }),
    })
    for (const rec of Object.values(snap.sessions))
      this.#tracker.recordUsage(rec.sessionId, { tokens: rec.tokens, costUsd: rec.cost })
    const remaining = this.#tracker.remainingMs()
    if (Number.isFinite(remaining)) this.d.timers.startWall(Math.max(0, remaining), this.d.onWallTime)
  }

  /** Counts the growth of an assistant message's usage for its session. */
  recordUsage(live: Live, e: Extract<HostEvent, { type: 'message.assistant' }>): void {
    const added = this.#tracker.recordUsage(
      live.sessionId,
      { tokens: e.tokens, costUsd: e.cost },
      e.messageId,
    )
    live.unjournaled.tokens += added.tokens
    live.unjournaled.cost += added.costUsd
  }

  get limits(): Readonly<Required<BudgetLimits>> {
    return this.#tracker.limits
  }

  /** What the mission used so far; its rounds are counted from the journal (loop/step.ts). */
  amounts(): BudgetAmounts {
    return this.#tracker.usage()
  }

  /** The finite limits, as the mission publishes them. */
  view(): BudgetView {
    return meteredLimits(this.#tracker.limits)
  }

  /** The first budget spent by the rounds the journal counts and the usage so far. */
  exceeded(rounds: Pick<BudgetAmounts, 'iterations' | 'roundsWithoutProgress'>): BudgetExceeded | undefined {
    return this.#tracker.exceeded(rounds)
  }
}
