// Sessions made ahead of the work that will use them, so that a dispatch only prompts: creating a
// session is the one part of a session's first step that can be done before its todo is known (the
// prompt itself costs a first prompt what it costs a later one: measured with the bench's trace, the
// server's work from prompt to model request is the same). Made one at a time, under the mission root,
// while the agents' models think; each is journaled (`session.spare`) before it can be handed out, and
// handing it out journals its `session.created` as for any new session, so a replay never sees an agent
// in a session that got no todo. Those never handed out are deleted at the end, or by the resume of a
// mission that went away holding some. Only on a server that can delete sessions (else they would stay).

import { errorMessage } from '../util/error-message'
import type { Logger, SessionPort } from '../ports'
import type { MissionRecord } from '../record/mission-record'

export interface SpareSessionsDeps {
  sessions: SessionPort
  record: MissionRecord
  logger: Logger
  /** The mission root, created (and journaled) on first use. */
  root: () => Promise<string>
  /** The title a session made ahead has until it is handed out. */
  title: string
  /** Whether the mission ended: a session made after that is deleted at once. */
  over: () => boolean
}

export class SpareSessions {
  /** Made or being made, oldest first; a failed creation resolves to undefined. */
  readonly #pool: Promise<string | undefined>[] = []
  #filling: Promise<void> | undefined

  constructor(private readonly d: SpareSessionsDeps) {}

  /** Sessions can be made ahead only where unused ones can be deleted. */
  get possible(): boolean {
    return this.d.sessions.remove !== undefined
  }

  /** Sessions made or being made and not handed out. */
  get size(): number {
    return this.#pool.length
  }

  /**
   * Makes sessions, one at a time, until `wanted()` (asked again before each) is no more than the
   * pool; a fill under way takes the new wish. Never throws: a session that cannot be made is logged,
   * and the fill stops there (the dispatch creates its own).
   */
  fill(wanted: () => number): void {
    if (!this.possible || this.#filling) return
    this.#filling = (async () => {
      while (!this.d.over() && this.#pool.length < wanted()) {
        const made = this.#make()
        this.#pool.push(made)
        if ((await made) !== undefined) continue
        const at = this.#pool.indexOf(made)
        if (at >= 0) this.#pool.splice(at, 1)
        return
      }
    })().finally(() => (this.#filling = undefined))
  }

  /**
   * Hands out the oldest session made ahead (waiting for it when it is still being made), or
   * undefined when there is none: the caller creates one.
   */
  async take(): Promise<string | undefined> {
    while (this.#pool.length) {
      const id = await this.#pool.shift()
      if (id !== undefined) return id
    }
    return undefined
  }

  /** Deletes every session made ahead and not handed out, those being made included. */
  async removeAll(): Promise<void> {
    await this.#filling
    const ids = await Promise.all(this.#pool.splice(0))
    await this.remove(ids.filter((id) => id !== undefined))
  }

  /** Deletes sessions made ahead (a resumed journal's leftovers too) and journals it. */
  async remove(ids: readonly string[]): Promise<void> {
    await Promise.all(
      ids.map(async (sessionId) => {
        try {
          await this.d.sessions.remove?.(sessionId)
        } catch (err) {
          // Gone already (a restarted server, or a removal whose journal entry was lost): nothing stays.
          this.d.logger.debug(`session ${sessionId} made ahead not removed: ${errorMessage(err)}`)
        }
        await this.d.record.appendQuietly({ type: 'session.removed', sessionId })
      }),
    )
  }

  async #make(): Promise<string | undefined> {
    try {
      const parentId = await this.d.root()
      const { id } = await this.d.sessions.create({ title: this.d.title, parentId })
      if (this.d.over()) {
        await this.d.sessions.remove?.(id).catch(() => undefined)
        return undefined
      }
      await this.d.record.appendQuietly({ type: 'session.spare', sessionId: id })
      return id
    } catch (err) {
      this.d.logger.warn(`no session made ahead: ${errorMessage(err)}`)
      return undefined
    }
  }
}
