// The question a mission puts to its user before the planner's retry bound ends it: keep waiting, or
// stop. Hosts that can ask (the extension, a CLI on a terminal) see it as `MissionState.needsYou` and
// answer with `Mission.keepWaiting()` or `Mission.stop()`; without an answer the mission gives up at
// the deadline, one more bound later.

import type { Live } from '../sessions/live-session'
import type { StuckQuestion } from '../record/mission-state'
import type { Clock } from '../ports'
import type { TimerSet } from '../util/timer-set'

export interface StuckAskDeps {
  clock: Clock
  timers: TimerSet
  /** How long the question stays open before the mission gives up. */
  graceMs: number
  /** The question opened or closed. */
  publish: () => void
  /** Nobody answered in time. */
  giveUp: (sessionId: string) => void
}

export class StuckAsk {
  #open: { ask: StuckQuestion; cancel: () => void } | undefined

  constructor(private readonly d: StuckAskDeps) {}

  get current(): StuckQuestion | undefined {
    return this.#open?.ask
  }

  /** Asks whether to keep waiting on a session stuck in retry. */
  open(live: Live, reason: string): void {
    this.close()
    const ask: StuckQuestion = {
      kind: 'stuck',
      role: live.role,
      sessionId: live.sessionId,
      reason,
      deadline: this.d.clock.now() + this.d.graceMs,
    }
    const cancel = this.d.timers.start(this.d.graceMs, () => {
      this.#open = undefined
      this.d.giveUp(ask.sessionId)
    })
    this.#open = { ask, cancel }
    this.d.publish()
  }

  /** Withdraws the question (answered, or the session moved on); returns it if one was open. */
  close(sessionId?: string): StuckQuestion | undefined {
    const open = this.#open
    if (!open || (sessionId !== undefined && open.ask.sessionId !== sessionId)) return undefined
    open.cancel()
    this.#open = undefined
    this.d.publish()
    return open.ask
  }
}
