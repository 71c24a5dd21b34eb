// The mission journal: an append-only list of typed entries (one JSON line each, see entries.ts) and
// the live mission state they imply (built by the reducer in replay.ts from the same sanitised
// entries). Entries pass through `sanitizeEntry` before they are stored: evidence keeps only a
// scrubbed output tail, free text is scrubbed of obvious secrets, and secret-named option keys are
// redacted. Raw tool output has no entry type at all.

import type { Clock } from '../ports'
import { REDACTED, scrubSecrets } from '../util/scrub-secrets'
import { stripTrailingSpace } from '../util/check-output'
import {
  JOURNAL_VERSION,
  OUTPUT_TAIL_BYTES,
  type JournalEntry,
  type JournalEntryInput,
  type JournalEntryType,
  type MissionSnapshot,
} from './entries'
import { ENTRY_SHAPES, hasEntryShape } from './entry-shape'
import { apply, replay } from './replay'
import { touchedTodos, type TodoChanges } from './touched-todos'

/** Where journal lines live. Appends must land in call order; `readAll` returns lines without '\n'. */
export interface JournalStore {
  append(line: string): Promise<void>
  readAll(): Promise<string[]>
}

// --- Secret scrubbing and output tails -----------------------------------------------------------

const SECRET_KEY = /(password|passwd|secret|api[_-]?key|token|authorization|credentials?)$/i

const encoder = new TextEncoder()
const decoder = new TextDecoder()

/** The last `maxBytes` UTF-8 bytes of text, never starting inside a character. */
function lastBytes(text: string, maxBytes: number): string {
  // Cheap exit: a UTF-16 unit is at most 3 UTF-8 bytes.
  if (text.length * 3 <= maxBytes) return text
  const bytes = encoder.encode(text)
  if (bytes.length <= maxBytes) return text
  let start = bytes.length - maxBytes
  while (start < bytes.length && ((bytes[start] ?? 0) & 0xc0) === 0x80) start++
  return decoder.decode(bytes.subarray(start))
}

/**
 * The last `maxBytes` bytes of command output, scrubbed of secrets, its lines without trailing
 * whitespace (cut after stripping, so padded lines do not fill the tail). Scrubbing runs before the
 * cut (on a bounded window of 16 × maxBytes), so a cut through "password: x" cannot leave the value
 * behind.
 */
export function outputTail(output: string, maxBytes = OUTPUT_TAIL_BYTES): string {
  const stripped = stripTrailingSpace(lastBytes(output, maxBytes * 64))
  return lastBytes(scrubSecrets(lastBytes(stripped, maxBytes * 16)), maxBytes)
}

function scrubDeep(value: unknown, key?: string): unknown {
  if (key !== undefined && SECRET_KEY.test(key) && value !== null && value !== undefined) return REDACTED
  if (typeof value === 'string') return scrubSecrets(value)
  if (Array.isArray(value)) return value.map((v) => scrubDeep(v))
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrubDeep(v, k)]))
  return value
}

/**
 * What the journal stores for an entry: every string scrubbed, secret-named keys inside mission
 * options redacted, evidence output cut to its tail. Idempotent.
 */
export function sanitizeEntry(entry: JournalEntry): JournalEntry {
  const { at, type } = entry
  const e = entry as unknown as Record<string, unknown>
  const out: Record<string, unknown> = { at, type }
  for (const [k, v] of Object.entries(e)) {
    if (k === 'at' || k === 'type') continue
    if ((type === 'evidence' || type === 'check.baseline') && k === 'outputTail' && typeof v === 'string')
      out[k] = outputTail(v)
    else if (k === 'options') out[k] = scrubDeep(v)
    else out[k] = scrubDeep(v, '')
  }
  return out as unknown as JournalEntry
}

// --- Lines -----------------------------------------------------------------------------------

// Every entry type has its shape: a type added without one does not compile.
const _everyTypeShaped: Record<JournalEntryType, unknown> = ENTRY_SHAPES

export const serializeEntry = (entry: JournalEntry): string => JSON.stringify(entry)

/**
 * Parses stored lines. Blank lines are skipped; a line that is not a known entry (e.g. the torn last
 * line of a crash, or a known type without the fields it requires) is skipped and counted.
 */
export function parseEntries(lines: readonly string[]): { entries: JournalEntry[]; skipped: number } {
  const entries: JournalEntry[] = []
  let skipped = 0
  for (const line of lines) {
    if (line.trim() === '') continue
    try {
      const v: unknown = JSON.parse(line)
      if (hasEntryShape(v)) entries.push(v as JournalEntry)
      else skipped++
    } catch {
      skipped++
    }
  }
  return { entries, skipped }
}

/** The version of the journal's mission: that of its last start (a start without one is version 1). */
export function journalVersion(entries: readonly JournalEntry[]): number {
  const start = entries.findLast((e) => e.type === 'mission.started')
  return start?.type === 'mission.started' && typeof start.version === 'number' ? start.version : 1
}

/** A journal written by a newer version than this one: this one cannot tell what resuming it would do. */
export class JournalVersionError extends Error {
  constructor(readonly version: number) {
    super(
      `This mission's journal was written by a newer version of the orchestrator (journal version ${version}; ` +
        `this one reads up to ${JOURNAL_VERSION}). Update the orchestrator to resume it.`,
    )
    this.name = 'JournalVersionError'
  }
}

// --- The live journal ----------------------------------------------------------------------------

export interface MissionJournalOptions {
  store: JournalStore
  clock: Clock
  /** Each new entry as it is journaled (stamped and scrubbed), once the state holds it; not the replayed ones. */
  onEntry?: (entry: JournalEntry) => void
}

/**
 * Appends entries to a store and keeps the mission state they imply. Open it with
 * {@link MissionJournal.open} to resume from what the store already holds.
 */
export class MissionJournal implements TodoChanges {
  readonly #store: JournalStore
  readonly #clock: Clock
  readonly #state: MissionSnapshot
  readonly #onEntry: ((entry: JournalEntry) => void) | undefined
  /** The todos each entry appended since the journal opened may have replaced, in order. */
  readonly #touched: (readonly string[] | 'all')[] = []

  private constructor(options: MissionJournalOptions, state: MissionSnapshot) {
    this.#store = options.store
    this.#clock = options.clock
    this.#onEntry = options.onEntry
    this.#state = state
  }

  /**
   * Reads the store and rebuilds the mission; `skipped` counts lines that were not valid entries.
   * Rejects with {@link JournalVersionError} for a journal a newer version wrote (nothing is written to it).
   */
  static async open(options: MissionJournalOptions): Promise<{ journal: MissionJournal; skipped: number }> {
    const { entries, skipped } = parseEntries(await options.store.readAll())
    const version = journalVersion(entries)
    if (version > JOURNAL_VERSION) throw new JournalVersionError(version)
    return { journal: new MissionJournal(options, replay(entries)), skipped }
  }

  /**
   * Stamps, sanitises and applies an entry at once, and writes it. The returned promise settles when
   * the line is written; writes happen in call order.
   */
  append(input: JournalEntryInput): Promise<void> {
    const stamped = (
      input.type === 'mission.started'
        ? { ...input, at: this.#clock.now(), version: JOURNAL_VERSION }
        : { ...input, at: this.#clock.now() }
    ) as JournalEntry
    const entry = sanitizeEntry(stamped)
    apply(this.#state, entry)
    this.#touched.push(touchedTodos(entry))
    this.#onEntry?.(entry)
    // The store keeps call order (see JournalStore): a line waits for no write but its own.
    return this.#store.append(serializeEntry(entry))
  }

  /**
   * The mission state itself, as the entries so far imply it: changed as entries are applied, read
   * it and never write it. Its records are values (replay.ts replaces them), so a todo or session
   * read from it stays as it was; a state as of now, whole, is a {@link snapshot}.
   */
  get current(): MissionSnapshot {
    return this.#state
  }

  /** Entries applied since the journal opened: it changes whenever {@link current} does. */
  get revision(): number {
    return this.#touched.length
  }

  changedTodos(since: number): ReadonlySet<string> | 'all' {
    if (since < 0) return 'all'
    const ids = new Set<string>()
    for (let r = since; r < this.#touched.length; r++) {
      const touched = this.#touched[r] ?? 'all'
      if (touched === 'all') return 'all'
      for (const id of touched) ids.add(id)
    }
    return ids
  }

  /**
   * A copy of the current mission state that later entries leave as it is. Only the indexes by id are
   * copied: every record, list and lane in it is replaced when it changes, never changed in place.
   */
  snapshot(): MissionSnapshot {
    const s = this.#state
    return { ...s, todos: { ...s.todos }, sessions: { ...s.sessions } }
  }
}
