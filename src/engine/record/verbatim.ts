// Texts a resume must use exactly as the user gave them. The journal stores every string scrubbed of
// secrets, which is right for reading and wrong for running: `API_KEY=x npm test` comes back as
// `API_KEY= [redacted]`. What the scrubbing changes is kept whole apart from the journal, in a store
// the host keeps private, and forgotten when the mission ends. Scrubbed text is for reading only.

import type { Logger } from '../ports'
import { errorMessage } from '../util/error-message'
import { REDACTED, scrubSecrets } from '../util/scrub-secrets'

/** Where a mission's whole texts are kept: owner-only, beside its journal, gone once it ended. */
export interface VerbatimStore {
  /** Every kept text by key; nothing kept reads as `{}`. */
  read(): Promise<Record<string, string>>
  /** Replaces what is kept; an empty record removes the store. */
  write(texts: Record<string, string>): Promise<void>
}

/** The key of the mission's check command. */
export const CHECK_KEY = 'check'

/** Whether the journal's copy of a text cannot stand for it (its scrubbing redacted part of it). */
export const redactedInJournal = (text: string): boolean => scrubSecrets(text).includes(REDACTED)

/**
 * A mission's texts kept whole: all of them in memory, and in the store those whose journal copy is
 * redacted (the others the journal holds as they are). Store writes run in call order; one that fails
 * is logged (the text then cannot be resumed whole) and never fails the caller.
 */
export class VerbatimTexts {
  readonly #texts = new Map<string, string>()
  #tail: Promise<void> = Promise.resolve()
  /** The keys the store holds after the writes queued so far. */
  #stored = new Set<string>()

  constructor(
    private readonly store: VerbatimStore | undefined,
    private readonly logger: Logger,
  ) {}

  /** Reads what the store kept (a resume); a store that cannot be read counts as empty. */
  async load(): Promise<void> {
    if (!this.store) return
    try {
      for (const [key, text] of Object.entries(await this.store.read())) {
        this.#texts.set(key, text)
        this.#stored.add(key)
      }
    } catch (err) {
      this.logger.warn(`kept texts unreadable (${errorMessage(err)}): redacted ones cannot be resumed`)
    }
  }

  get(key: string): string | undefined {
    return this.#texts.get(key)
  }

  set(key: string, text: string): Promise<void> {
    this.#texts.set(key, text)
    return redactedInJournal(text) ? this.#save() : Promise.resolve()
  }

  delete(keys: readonly string[]): Promise<void> {
    for (const key of keys) this.#texts.delete(key)
    return keys.some((k) => this.#stored.has(k)) ? this.#save() : Promise.resolve()
  }

  /** Forgets every text and removes the store (the mission ended). */
  clear(): Promise<void> {
    this.#texts.clear()
    return this.#save(true)
  }

  #save(force = false): Promise<void> {
    const store = this.store
    if (!store) return Promise.resolve()
    const texts = Object.fromEntries([...this.#texts].filter(([, text]) => redactedInJournal(text)))
    const keys = new Set(Object.keys(texts))
    if (!force && keys.size === 0 && this.#stored.size === 0) return Promise.resolve()
    this.#stored = keys
    const write = this.#tail.then(() =>
      store
        .write(texts)
        .catch((err: unknown) => this.logger.warn(`kept texts not written: ${errorMessage(err)}`)),
    )
    this.#tail = write
    return write
  }
}
