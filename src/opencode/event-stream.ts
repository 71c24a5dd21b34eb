import type { Event, OpencodeClient } from '@opencode-ai/sdk/v2'
import { errorMessage } from '../engine/util/error-message'
import type { EventPort, HostEvent, Logger } from '../engine/ports'
import { toHostEvents } from './event-mapping'

/** Options of {@link OpencodeEventStream}. */
export interface EventStreamOptions {
  /** First reconnect delay; doubles up to maxDelayMs. Default: 250 ms. */
  initialDelayMs?: number
  /** Default: 5 000 ms. */
  maxDelayMs?: number
  /**
   * Listen to every OpenCode instance at once (`/global/event`) and pass on the events of these
   * folders only. A session created in another folder (a todo's worktree) belongs to that folder's
   * instance, whose events the client's own folder stream never carries. Read at each event, so
   * folders may be added while the stream runs. Default: the client's folder stream alone.
   */
  directories?: () => { has(directory: string): boolean }
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

  /** The events of the client's folder, or of the chosen folders from the global stream. */
  async #events(signal: AbortSignal): Promise<AsyncIterable<Event>> {
    const directories = this.options.directories
    if (!directories)
      return (await this.client.event.subscribe(undefined, { signal, sseMaxRetryAttempts: 1 })).stream
    const sub = await this.client.global.event({ signal, sseMaxRetryAttempts: 1 })
    return (async function* () {
      for await (const g of sub.stream) {
        const event = g.payload as Event
        if (event.type === CONNECTED || directories().has(g.directory)) yield event
      }
    })()
  }

  async #loop(): Promise<void> {
    const signal = this.#abort.signal
    let delay = this.options.initialDelayMs ?? 250
    while (!signal.aborted) {
      let reason = 'stream ended'
      try {
        // Reconnects are ours (with resync); the SDK's own retry would hide the drop.
        for await (const event of await this.#events(signal)) {
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

/** The global stream's first event, which belongs to no folder. */
const CONNECTED = 'server.connected'

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
