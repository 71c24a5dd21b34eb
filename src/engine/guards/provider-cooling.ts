// Providers that are retrying 429/5xx, so that no new work goes to them, and the limit on how long
// one turn of any role may sit in OpenCode's provider retry (it retries forever) before the mission
// gives up on it. A provider cools while any session on it is in retry.

import type { Live } from '../sessions/live-session'
import type { Clock, SessionStatus } from '../ports'
import type { TimerSet } from '../util/timer-set'

export interface ProviderCoolingOptions {
  /** The mission's sessions. */
  live: ReadonlyMap<string, Live>
  timers: TimerSet
  clock: Clock
  /** How long a session may stay in provider retry. */
  retryStuckMs: number
  /** A session outlasted `retryStuckMs` in retry (its timer is gone by then). */
  onStuck: (live: Live) => void
  /** A provider stopped cooling: work may go to it again. */
  onCooled: () => void
}

export class ProviderCooling {
  #cooling = new Set<string>()

  constructor(private readonly o: ProviderCoolingOptions) {}

  /** The providers no new work goes to. */
  get providers(): ReadonlySet<string> {
    return this.#cooling
  }

  /** Follows a session's status: retry starts its limit and cools its provider; any other ends both. */
  onStatus(live: Live, status: SessionStatus): void {
    if (status.type === 'retry') {
      if (live.provider) this.#cooling.add(live.provider)
      const since = live.retrying?.since ?? this.o.clock.now()
      live.retrying = { attempt: status.attempt, message: status.message, since }
      if (!live.retryTimer) this.#bound(live)
      return
    }
    live.retryTimer?.()
    live.retryTimer = undefined
    live.retrying = undefined
    this.refresh()
  }

  /** Gives a session still in retry one more bound (the user chose to keep waiting). */
  extend(live: Live): void {
    if (!live.retrying) return
    live.retryTimer?.()
    this.#bound(live)
  }

  #bound(live: Live): void {
    live.retryTimer = this.o.timers.start(this.o.retryStuckMs, () => {
      live.retryTimer = undefined
      this.o.onStuck(live)
    })
  }

  /** Keeps only the providers that a session in retry still runs on. */
  refresh(): void {
    // Nothing cools (the common case): no session needs looking at, however many the mission made.
    if (this.#cooling.size === 0) return
    const retrying = new Set(
      [...this.o.live.values()].filter((l) => l.retryTimer && l.provider).map((l) => l.provider),
    )
    const before = this.#cooling.size
    this.#cooling = new Set([...this.#cooling].filter((p) => retrying.has(p)))
    if (this.#cooling.size < before) this.o.onCooled()
  }
}

/**
 * Why the mission gives up on a session stuck in provider retry, in the provider's own words, e.g.
 * `waiting on fake: Internal Server Error — gave up after 4 retries / 60 s`.
 */
export function gaveUpReason(live: Live, now: number): string {
  const r = live.retrying
  const provider = live.provider ?? 'the provider'
  if (!r) return `waiting on ${provider}: gave up`
  const secs = Math.round((now - r.since) / 1000)
  return `waiting on ${provider}: ${r.message} — gave up after ${r.attempt} retries / ${secs} s`
}
