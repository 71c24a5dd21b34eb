// The mission's timers (backoffs, retry-stuck limits, the wall-time budget), all through the Clock
// port, so that one call cancels them when the mission ends. The wall-time timer is counted apart:
// it never holds an iteration open.

import type { Clock } from '../ports'

export class TimerSet {
  readonly #cancels = new Set<() => void>()
  #wall = 0

  constructor(private readonly clock: Clock) {}

  /** Runs fn after ms unless cleared first; the returned function cancels it. */
  start(ms: number, fn: () => void): () => void {
    const cancel = this.clock.setTimeout(() => {
      this.#cancels.delete(cancel)
      fn()
    }, ms)
    this.#cancels.add(cancel)
    return () => {
      cancel()
      this.#cancels.delete(cancel)
    }
  }

  /** Starts the wall-time timer (one per mission). */
  startWall(ms: number, fn: () => void): void {
    this.#wall = 1
    this.start(ms, () => {
      this.#wall = 0
      fn()
    })
  }

  /** Whether a timer other than the wall-time one is pending (e.g. a backoff that will re-queue work). */
  get waiting(): boolean {
    return this.#cancels.size > this.#wall
  }

  clear(): void {
    for (const cancel of this.#cancels) cancel()
    this.#cancels.clear()
    this.#wall = 0
  }
}
