// Providers that are retrying 429/5xx, so that no new work goes to them, and the limit on how long
// one turn may sit in OpenCode's provider retry (it retries forever) before the mission gives up on
// it. A provider cools while any session on it is in retry.

import type { Live } from '../sessions/live-session'
import type { SessionStatus } from '../ports'
import type { TimerSet } from '../util/timer-set'

export interface ProviderCoolingOptions {
  /** The mission's sessions. */
  live: ReadonlyMap<string, Live>
  timers: TimerSet
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
      live.retryTimer ??= this.o.timers.start(this.o.retryStuckMs, () => {
        live.retryTimer = undefined
        this.o.onStuck(live)
      })
      return
    }
    live.retryTimer?.()
    live.retryTimer = undefined
    this.refresh()
  }

  /** Keeps only the providers that a session in retry still runs on. */
  refresh(): void {
    const retrying = new Set(
      [...this.o.live.values()].filter((l) => l.retryTimer && l.provider).map((l) => l.provider),
    )
    const before = this.#cooling.size
    this.#cooling = new Set([...this.#cooling].filter((p) => retrying.has(p)))
    if (this.#cooling.size < before) this.o.onCooled()
  }
}
