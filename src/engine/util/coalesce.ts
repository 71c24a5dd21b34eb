// Batches bursts of notifications (e.g. SSE-driven state changes) into at most one flush per frame.
// The first item after a quiet spell goes out on the next turn of the event loop (with whatever the
// same burst adds); later items wait for the end of the frame that flush started. While idle no timer
// is pending.

import type { Clock } from '../ports'

export interface CoalescerOptions<T> {
  clock: Clock
  /** Receives each batch, in arrival order. Must not throw: it runs from a timer. */
  flush: (batch: T[]) => void
  /** Frame length in milliseconds: flushes start at least this far apart. Default: 16. */
  frameMs?: number
  /**
   * When set, an item replaces an earlier item of the same key in the pending batch (keeping the
   * earlier position), so a burst of updates to one thing flushes once with its latest value.
   * Default: none (every item is kept).
   */
  key?: (item: T) => string
}

export class Coalescer<T> {
  readonly #clock: Clock
  readonly #flush: (batch: T[]) => void
  readonly #frameMs: number
  readonly #key: ((item: T) => string) | undefined
  #items: T[] = []
  #positions = new Map<string, number>()
  #cancel: (() => void) | undefined
  #lastFlush = -Infinity
  #disposed = false

  constructor(options: CoalescerOptions<T>) {
    const { frameMs = 16 } = options
    if (!Number.isFinite(frameMs) || frameMs < 0)
      throw new TypeError(`Expected \`frameMs\` to be a finite number >= 0, got ${String(frameMs)}`)
    if (typeof options.flush !== 'function')
      throw new TypeError(`Expected \`flush\` to be a function, got ${typeof options.flush}`)
    this.#clock = options.clock
    this.#flush = options.flush
    this.#frameMs = frameMs
    this.#key = options.key
  }

  /** Items waiting for the next flush. */
  get size(): number {
    return this.#items.length
  }

  push(item: T): void {
    if (this.#disposed) return
    const key = this.#key?.(item)
    const at = key === undefined ? undefined : this.#positions.get(key)
    if (at !== undefined) this.#items[at] = item
    else {
      if (key !== undefined) this.#positions.set(key, this.#items.length)
      this.#items.push(item)
    }
    if (this.#cancel) return
    const wait = Math.max(0, this.#lastFlush + this.#frameMs - this.#clock.now())
    this.#cancel = this.#clock.setTimeout(() => {
      this.#cancel = undefined
      this.#drain()
    }, wait)
  }

  /** Flushes what is pending now (if anything) and cancels the frame timer. */
  flushNow(): void {
    this.#cancel?.()
    this.#cancel = undefined
    this.#drain()
  }

  /** Final flush of whatever is pending; later pushes are dropped. */
  dispose(): void {
    if (this.#disposed) return
    this.flushNow()
    this.#disposed = true
  }

  #drain(): void {
    if (this.#items.length === 0) return
    this.#lastFlush = this.#clock.now()
    const batch = this.#items
    this.#items = []
    this.#positions = new Map()
    this.#flush(batch)
  }
}
