import type { OpencodeClient } from '@opencode-ai/sdk/v2'
import { errorMessage } from '../engine/util/error-message'
import type { EventPort, HostEvent, Logger } from '../engine/ports'
import { toHostEvents } from './event-mapping'

/** Options of {@link OpencodeEventStream}. */
export interface EventStreamOptions {
  /** First reconnect delay; doubles up to maxDelayMs. Default: 250 ms. */
  initialDelayMs?: number
  /** Default: 5 000 ms. */
  maxDelayMs?: number
}

/**
 * One SSE subscription shared by every listener. Reconnects with backoff when the stream drops
 * and reports `disconnected` / `connected` so the engine can resync; ends on dispose.
 */
export class OpencodeEventStream implements EventPort {
  readonly #listeners = new Set<(e: HostEvent) => void>()
  readonly #abort = new AbortController()
  #running: Promise<void> | undefined

  constructor(
    private readonly client: OpencodeClient,
    private readonly log: Logger,
    private readonly options: EventStreamOptions = {},
  ) {}

  subscribe(listener: (event: HostEvent) => void): () => void {
    this.#listeners.add(listener)
    this.#running ??= this.#loop()
    return () => this.#listeners.delete(listener)
  }

  /** Resolves when the SSE connection is open (its first event has arrived). */
  ready(): Promise<void> {
    return new Promise((resolve) => {
      const off = this.subscribe((e) => {
        if (e.type === 'connected') {
          off()
          resolve()
        }
      })
    })
  }

  async dispose(): Promise<void> {
    this.#abort.abort()
    this.#listeners.clear()
    await this.#running
  }

  #emit(event: HostEvent) {
    for (const l of [...this.#listeners]) {
      try {
        l(event)
      } catch (err) {
        this.log.error(`event listener failed on ${event.type}: ${String(err)}`)
      }
    }
  }

  async #loop(): Promise<void> {
    const signal = this.#abort.signal
    let delay = this.options.initialDelayMs ?? 250
    while (!signal.aborted) {
      let reason = 'stream ended'
      try {
        // Reconnects are ours (with resync); the SDK's own retry would hide the drop.
        const sub = await this.client.event.subscribe(undefined, { signal, sseMaxRetryAttempts: 1 })
        for await (const event of sub.stream) {
          if (signal.aborted) break
          delay = this.options.initialDelayMs ?? 250
          for (const e of toHostEvents(event)) this.#emit(e)
        }
      } catch (err) {
        reason = errorMessage(err)
      }
      if (signal.aborted) return
      this.log.warn(`event stream lost (${reason}); reconnecting in ${delay} ms`)
      this.#emit({ type: 'disconnected', reason })
      await sleep(delay, signal)
      delay = Math.min(delay * 2, this.options.maxDelayMs ?? 5_000)
    }
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms)
    signal.addEventListener('abort', done, { once: true })
    function done() {
      clearTimeout(t)
      signal.removeEventListener('abort', done)
      resolve()
    }
  })
}
