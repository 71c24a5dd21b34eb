// Detects a session stuck in a loop: the same assistant text several turns running. Texts are compared
// after collapsing whitespace; turns without text (tool calls only) are ignored.

export interface RepeatBreakerOptions {
  /** Identical turns in a row that trip the breaker. Default: 3. */
  repeats?: number
}

interface Run {
  text: string
  count: number
  tripped: boolean
}

/** Collapses every whitespace run to one space and trims, so reflowed output still compares equal. */
export const normalizeText = (text: string): string => text.replace(/\s+/g, ' ').trim()

export class RepeatBreaker {
  readonly #repeats: number
  readonly #runs = new Map<string, Run>()

  constructor(options: RepeatBreakerOptions = {}) {
    const { repeats = 3 } = options
    if (!Number.isInteger(repeats) || repeats < 2)
      throw new TypeError(`Expected \`repeats\` to be an integer >= 2, got ${String(repeats)}`)
    this.#repeats = repeats
  }

  /** Records the final text of one assistant turn; returns whether the session is now tripped. */
  record(sessionId: string, text: string): boolean {
    const norm = normalizeText(text)
    const run = this.#runs.get(sessionId)
    if (norm === '') return run?.tripped ?? false
    if (!run) {
      this.#runs.set(sessionId, { text: norm, count: 1, tripped: false })
      return false
    }
    if (run.text === norm) run.count++
    else {
      run.text = norm
      run.count = 1
    }
    if (run.count >= this.#repeats) run.tripped = true
    return run.tripped
  }

  /** Stays true once tripped, until {@link RepeatBreaker.reset}. */
  tripped(sessionId: string): boolean {
    return this.#runs.get(sessionId)?.tripped ?? false
  }

  /** Forgets a session (e.g. after it got a new todo or was retired). */
  reset(sessionId: string): void {
    this.#runs.delete(sessionId)
  }
}
