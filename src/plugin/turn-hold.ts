// Holds the closing model call of a turn whose mission tool result is in. After every tool call
// OpenCode asks the model again; in a mission that call only says "done", yet it costs a request
// and holds a concurrency slot. The engine ends such a turn (aborts the session) as soon as the
// step's usage is recorded, but the next step can reach the provider first. The plugin parks that
// step in `chat.params`, before any request is made, until the abort interrupts it. If no abort
// comes (no engine is driving the session), the call goes ahead after a bounded wait.

/** Longest wait for the engine's abort before the closing call is let through. */
export const HOLD_MS = 5_000

interface Mark {
  /** The user message the turn answers: a later prompt to the same session is never held. */
  userMessageId: string | undefined
}

interface Held {
  release: () => void
}

export class TurnHold {
  readonly #userMessage = new Map<string, string>()
  readonly #marks = new Map<string, Mark>()
  readonly #held = new Map<string, Held>()

  constructor(readonly holdMs = HOLD_MS) {}

  /** A mission tool call of this session succeeded: its turn's next model call is to be held. */
  mark(sessionID: string): void {
    this.#marks.set(sessionID, { userMessageId: this.#userMessage.get(sessionID) })
  }

  /**
   * Called before every model call of a session (`chat.params`). Resolves at once unless the turn
   * answering `userMessageId` made a mission tool call; then it waits until the session goes idle
   * or errs (see {@link settle}), or {@link holdMs} passes.
   */
  async beforeModelCall(sessionID: string, userMessageId: string): Promise<void> {
    this.#userMessage.set(sessionID, userMessageId)
    const mark = this.#marks.get(sessionID)
    if (!mark) return
    this.#marks.delete(sessionID)
    if (mark.userMessageId !== userMessageId) return
    await new Promise<void>((resolve) => {
      const held: Held = {
        release: () => {
          clearTimeout(timer)
          if (this.#held.get(sessionID) === held) this.#held.delete(sessionID)
          resolve()
        },
      }
      const timer = setTimeout(held.release, this.holdMs)
      this.#held.get(sessionID)?.release()
      this.#held.set(sessionID, held)
    })
  }

  /** The session stopped (idle, error, deleted): forget its marks and release a held call. */
  settle(sessionID: string): void {
    this.#marks.delete(sessionID)
    this.#userMessage.delete(sessionID)
    this.#held.get(sessionID)?.release()
  }
}
