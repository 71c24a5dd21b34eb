// A failure circuit breaker per key (an agent or a role): closed → open after N consecutive failures,
// open → half-open after a cool-down, half-open → closed after M successes or → open on one failure.
// Time comes only from the Clock port; a timer is pending only while some key is open.

import type { Clock } from '../ports'

export type BreakerState = 'closed' | 'open' | 'half-open'

export interface BreakerChange {
  key: string
  from: BreakerState
  to: BreakerState
}

export interface CircuitBreakerOptions {
  clock: Clock
  /** Consecutive failures (while closed) that open the breaker. Default: 5. */
  failureThreshold?: number
  /** Time an open breaker waits before half-opening, in milliseconds. Default: 30000. */
  resetTimeoutMs?: number
  /** Successes in half-open that close the breaker. Default: 2. */
  successThreshold?: number
}

interface Entry {
  state: BreakerState
  failures: number
  successes: number
  cancelTimer?: () => void
}

function expectInteger(name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min)
    throw new TypeError(`Expected \`${name}\` to be an integer >= ${min}, got ${String(value)}`)
}

export class CircuitBreaker {
  readonly #clock: Clock
  readonly #failureThreshold: number
  readonly #resetTimeoutMs: number
  readonly #successThreshold: number
  readonly #entries = new Map<string, Entry>()
  readonly #listeners = new Set<(change: BreakerChange) => void>()

  constructor(options: CircuitBreakerOptions) {
    const { failureThreshold = 5, resetTimeoutMs = 30_000, successThreshold = 2 } = options
    expectInteger('failureThreshold', failureThreshold, 1)
    if (!Number.isFinite(resetTimeoutMs) || resetTimeoutMs < 0)
      throw new TypeError(
        `Expected \`resetTimeoutMs\` to be a finite number >= 0, got ${String(resetTimeoutMs)}`,
      )
    expectInteger('successThreshold', successThreshold, 1)
    this.#clock = options.clock
    this.#failureThreshold = failureThreshold
    this.#resetTimeoutMs = resetTimeoutMs
    this.#successThreshold = successThreshold
  }

  state(key: string): BreakerState {
    return this.#entries.get(key)?.state ?? 'closed'
  }

  /** False only while the key is open; half-open lets trial runs through. */
  canRun(key: string): boolean {
    return this.state(key) !== 'open'
  }

  recordSuccess(key: string): void {
    const entry = this.#entries.get(key)
    if (!entry) return
    if (entry.state === 'closed') {
      // A success breaks the run of consecutive failures; forget the key to keep the map small.
      this.#entries.delete(key)
    } else if (entry.state === 'half-open') {
      entry.successes++
      if (entry.successes >= this.#successThreshold) {
        this.#entries.delete(key)
        this.#emit(key, 'half-open', 'closed')
      }
    }
    // A success reported while open belongs to a run started before the breaker opened: ignore it.
  }

  recordFailure(key: string): void {
    let entry = this.#entries.get(key)
    if (!entry) {
      entry = { state: 'closed', failures: 0, successes: 0 }
      this.#entries.set(key, entry)
    }
    if (entry.state === 'closed') {
      entry.failures++
      if (entry.failures >= this.#failureThreshold) this.#open(key, entry, 'closed')
    } else if (entry.state === 'half-open') {
      this.#open(key, entry, 'half-open')
    }
  }

  /** Listens to state changes; returns the function that stops listening. */
  onChange(listener: (change: BreakerChange) => void): () => void {
    this.#listeners.add(listener)
    return () => {
      this.#listeners.delete(listener)
    }
  }

  /** Cancels pending half-open timers and drops listeners; states stay readable. */
  dispose(): void {
    for (const entry of this.#entries.values()) {
      entry.cancelTimer?.()
      delete entry.cancelTimer
    }
    this.#listeners.clear()
  }

  #open(key: string, entry: Entry, from: BreakerState): void {
    entry.state = 'open'
    entry.failures = 0
    entry.successes = 0
    entry.cancelTimer?.()
    entry.cancelTimer = this.#clock.setTimeout(() => {
      delete entry.cancelTimer
      if (this.#entries.get(key) !== entry || entry.state !== 'open') return
      entry.state = 'half-open'
      this.#emit(key, 'open', 'half-open')
    }, this.#resetTimeoutMs)
    this.#emit(key, from, 'open')
  }

  #emit(key: string, from: BreakerState, to: BreakerState): void {
    for (const listener of [...this.#listeners]) listener({ key, from, to })
  }
}
