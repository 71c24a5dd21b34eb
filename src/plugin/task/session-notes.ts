// Notes written into the user's session without a model call: OpenCode stores a `noReply` prompt as
// is, and an `ignored` part is shown to the user but never sent to a model. A note written while the
// session runs a turn would start another turn when it ends (a model call for nothing), so notes wait
// for the session to be idle and go out together, its status read again just before.

import type { OpencodeClient } from '@opencode-ai/sdk/v2'
import type { Logger } from '../../engine/ports'
import { errorMessage } from '../../engine/util/error-message'
import { terminalText } from '../../shared/terminal-text'

export class SessionNotes {
  readonly #queue: string[] = []
  #writing: Promise<void> | undefined
  /** Asked to write while a write ran (it may have found the session busy just before it went idle). */
  #again = false
  readonly #drained: (() => void)[] = []

  constructor(
    private readonly client: OpencodeClient,
    private readonly sessionId: string,
    private readonly log: Logger,
  ) {}

  /** Queues a note (control characters shown, not sent: it quotes the models); written once the session is idle. */
  add(...notes: string[]): void {
    if (notes.length === 0) return
    this.#queue.push(...notes.map(terminalText))
    void this.flush()
  }

  /** The session went idle (its turn ended): what waits is written now. */
  idle(): void {
    void this.flush()
  }

  /** Resolves once nothing waits, or after `ms` (the session may stay busy). */
  drained(ms: number): Promise<void> {
    if (this.#queue.length === 0 && !this.#writing) return Promise.resolve()
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms)
      this.#drained.push(() => {
        clearTimeout(timer)
        resolve()
      })
    })
  }

  flush(): Promise<void> {
    if (this.#writing) {
      this.#again = true
      return this.#writing
    }
    this.#writing = this.#write().finally(() => {
      this.#writing = undefined
      if (this.#queue.length === 0) for (const done of this.#drained.splice(0)) done()
      else if (this.#again) void this.flush()
      this.#again = false
    })
    return this.#writing
  }

  async #write(): Promise<void> {
    if (this.#queue.length === 0) return
    try {
      const statuses = await this.client.session.status()
      const status = statuses.data?.[this.sessionId]
      // Busy or retrying: the idle event that ends the turn writes them.
      if (status && status.type !== 'idle') return
      const texts = this.#queue.splice(0)
      const res = await this.client.session
        .prompt({
          sessionID: this.sessionId,
          noReply: true,
          parts: texts.map((text) => ({ type: 'text' as const, text, ignored: true })),
        })
        .catch((err: unknown) => ({ error: errorMessage(err) }))
      if (res.error) {
        // Kept for the next idle: a note is said once, not dropped.
        this.#queue.unshift(...texts)
        throw new Error(typeof res.error === 'string' ? res.error : JSON.stringify(res.error))
      }
    } catch (err) {
      this.log.warn(`notes for session ${this.sessionId} not written yet: ${errorMessage(err)}`)
    }
  }
}
