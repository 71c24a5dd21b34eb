// The mission journal: an append-only list of typed entries (one JSON line each) and a pure reducer
// that rebuilds the mission from it. Live state is built by the same reducer from the same sanitised
// entries, so a mission replayed after a restart equals the one that was running. Entries pass
// through `sanitizeEntry` before they are stored: evidence keeps only a scrubbed output tail, free
// text is scrubbed of obvious secrets, and secret-named option keys are redacted. Raw tool output has
// no entry type at all.

import type { Clock, Role, WorkspaceBase } from '../ports'
import type { BaselineClass } from '../project/check-baseline'
import type { PlanTodo, ReportStatus, Verdict } from '../protocol/mission-protocol'
import { REDACTED, scrubSecrets } from '../util/scrub-secrets'
import { ENTRY_SHAPES, hasEntryShape } from './entry-shape'
import { stripTrailingSpace } from '../util/check-output'
import type { SteeringMessage } from './mission-state'
import { withQueued, withSettled } from './steering-receipts'
import { entrySpans, pushSpan, type TimelineEntry, type TimelineLane } from './timeline'

/**
 * A todo's place in its life cycle. `ready` is accepted as input and treated like `pending`: the
 * scheduler decides readiness itself from the dependencies.
 */
export type TodoStatus =
  | 'pending'
  | 'ready'
  | 'running'
  | 'reported'
  | 'reviewing'
  | 'passed'
  | 'failed'
  | 'blocked'
  /** The user cancelled it: it does not progress (nor is re-planned) until the user retries it. */
  | 'cancelled'

export const JOURNAL_VERSION = 1
/** Bytes of command output kept as evidence. */
export const OUTPUT_TAIL_BYTES = 4096

export type MissionEndStatus = 'completed' | 'failed' | 'stopped'

/** A JSON value, as mission options are stored. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue }

export type JournalEntry = { at: number } & (
  | {
      type: 'mission.started'
      version: number
      goal: string
      options: { [key: string]: JsonValue }
      /** The folder the mission works in: a resume happens there only. Absent in older journals. */
      directory?: string
    }
  | { type: 'plan.accepted'; iteration: number; todos: PlanTodo[] }
  | { type: 'todo.dispatched'; todoId: string; sessionId: string; attempt: number }
  | { type: 'todo.reported'; todoId: string; status: ReportStatus; summary: string; filesChanged: string[] }
  | { type: 'todo.verdict'; todoId: string; verdict: Verdict; findings: string[] }
  | { type: 'todo.requeued'; todoId: string; reason: string }
  /** The user cancelled the todo (its sessions were aborted). */
  | { type: 'todo.cancelled'; todoId: string; reason: string }
  /** The user sent a failed or cancelled todo back to the queue; its history stays. */
  | { type: 'todo.retried'; todoId: string }
  /** The todo used its attempts under the current plan revision: it stays failed until a plan reopens it. */
  | { type: 'todo.failed'; todoId: string; reason: string }
  | {
      type: 'evidence'
      command: string
      exitCode: number | null
      durationMs: number
      outputTail: string
      /** How the command was chosen and the folder it ran in (relative to the mission's), when known. */
      source?: string
      cwd?: string
    }
  /**
   * The check's run on the mission's base, before any worker edited it (a resume does not run it
   * again); a later one replaces it when the user changed the check.
   */
  | ({ type: 'check.baseline' } & BaselineFields)
  /** The user let the mission go on after a baseline that found the project not set up. */
  | { type: 'check.continued' }
  | {
      type: 'usage'
      sessionId: string
      role: Role
      tokens: number
      cost: number
      /** The agent's context at the flush, and its model's window: the context meter after a reload. */
      contextTokens?: number
      contextLimit?: number
    }
  | { type: 'session.created'; sessionId: string; role: Role; todoId?: string }
  /** The session the mission's agents are created under (never prompted): one entry per mission in OpenCode. */
  | { type: 'mission.root'; sessionId: string }
  | { type: 'mission.ended'; status: MissionEndStatus; reason: string }
  /** The workspace as the mission started (diffs are taken against it). */
  | { type: 'mission.base'; base: WorkspaceBase }
  /** What an agent did since its lane was last journaled (batched at turn ends and at the end). */
  | ({ type: 'timeline' } & TimelineEntry)
  /** Written after `mission.ended`, so a history lists a mission from its last line alone. */
  | { type: 'mission.summary'; summary: MissionSummary }
  /** The user's message to a session's agent, waiting for the agent's next idle. */
  | { type: 'steering.queued'; sessionId: string; id: string; text: string }
  /** Those queued messages went out as the agent's next prompt. */
  | { type: 'steering.delivered'; sessionId: string; ids: string[] }
  /** Those queued messages will not go out, for the reason in `note`. */
  | { type: 'steering.dropped'; sessionId: string; ids: string[]; note: string }
)

/** The baseline run of the check, as journaled. */
export interface BaselineFields {
  command: string
  source: string
  cwd?: string
  /** null: it did not exit by itself (timed out). */
  exitCode: number | null
  durationMs: number
  outputTail: string
  classification: BaselineClass
  diagnosis?: string
}

/** One line of a workspace's mission history. */
export interface MissionSummary {
  goal: string
  status: MissionEndStatus
  reason: string
  startedAt: number
  endedAt: number
  durationMs: number
  todos: { passed: number; total: number }
  tokens: number
  cost: number
  /** The last run of the check command, if any (and, after a baseline of the same command, how it compares). */
  check?: { command: string; exitCode: number | null; vsBaseline?: BaselineComparison }
  /** The check's run on the mission's base, if it ran. */
  baseline?: { command: string; exitCode: number | null; classification: BaselineClass }
}

/** A round's check against the baseline (see check-runs.ts). */
export type BaselineComparison = 'passes' | 'fixed' | 'unchanged' | 'new-failures'

export type JournalEntryType = JournalEntry['type']
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never
/** An entry as the engine writes it: the journal stamps `at` (and `version` on mission.started). */
export type JournalEntryInput = DistributiveOmit<JournalEntry, 'at' | 'version'>

/** Where journal lines live. Appends must land in call order; `readAll` returns lines without '\n'. */
export interface JournalStore {
  append(line: string): Promise<void>
  readAll(): Promise<string[]>
}

/** One worker attempt at a todo and what came of it, for the todo's detail. */
export interface AttemptRecord {
  attempt: number
  /** The worker's session. */
  sessionId: string
  report?: { status: ReportStatus; summary: string; filesChanged: string[] }
  /** The reviewer's session, once the attempt went to review. */
  reviewerSessionId?: string
  review?: { verdict: Verdict; findings: string[] }
  /** Why the attempt went back to the queue, when it did. */
  requeued?: string
}

export interface TodoRecord extends PlanTodo {
  status: TodoStatus
  /** Worker dispatches so far (the attempt number of the latest). */
  attempts: number
  /** The plan iteration that last opened or reopened this todo. */
  iteration: number
  /** The worker session of the latest attempt. */
  sessionId?: string
  /** The reviewer session of the latest review. */
  reviewerSessionId?: string
  summary?: string
  filesChanged: string[]
  verdict?: Verdict
  findings: string[]
  /** Every verdict with the attempt it judged, oldest first; a re-plan keeps them. */
  reviews: { attempt: number; verdict: Verdict; findings: string[] }[]
  /** Every worker attempt, oldest first; a re-plan keeps them. */
  history: AttemptRecord[]
  requeueReason?: string
  /** Why the user cancelled it (while cancelled). */
  cancelReason?: string
  /** Times the user sent it back to the queue. */
  retries?: number
  /** Why the todo failed for good under its plan revision (cleared when a plan reopens it). */
  failReason?: string
}

export interface SessionRecord {
  sessionId: string
  role: Role
  todoId?: string
  createdAt: number
  tokens: number
  cost: number
  /** The latest context the session's usage was journaled with, and its model's window. */
  contextTokens?: number
  contextLimit?: number
  /** The user's steering messages to the session's agent, oldest first (capped like live). */
  steering?: SteeringMessage[]
}

export interface EvidenceRecord {
  iteration: number
  at: number
  command: string
  exitCode: number | null
  durationMs: number
  outputTail: string
  source?: string
  cwd?: string
}

export interface BaselineRecord extends BaselineFields {
  at: number
  /** The user let the mission go on although the project is not set up. */
  continued?: boolean
}

export interface MissionSnapshot {
  status: 'new' | 'running' | MissionEndStatus
  goal: string
  options: { [key: string]: JsonValue }
  /** The mission's root session in OpenCode, parent of every agent session created since it. */
  rootSessionId?: string
  startedAt?: number
  /** The folder the mission works in, when its start recorded it. */
  directory?: string
  endedAt?: number
  reason?: string
  iteration: number
  /** Todo ids in the order plans introduced them. */
  todoOrder: string[]
  todos: Record<string, TodoRecord>
  sessions: Record<string, SessionRecord>
  evidence: EvidenceRecord[]
  /** The check's run on the mission's base, once it ran. */
  baseline?: BaselineRecord
  tokens: number
  cost: number
  /** The workspace at the start, when the mission recorded it. */
  base?: WorkspaceBase
  /** One lane per root session that did something, with its journaled spans (capped like live). */
  timeline: TimelineLane[]
}

export const emptySnapshot = (): MissionSnapshot => ({
  status: 'new',
  goal: '',
  options: {},
  iteration: 0,
  todoOrder: [],
  todos: {},
  sessions: {},
  evidence: [],
  tokens: 0,
  cost: 0,
  timeline: [],
})

/**
 * Applies one entry to a snapshot in place. Rules that the live mission must follow for replay to
 * match: `plan.accepted` upserts the listed todos (new ones, or existing ones reopened: back to
 * `pending` with the new definition, attempts kept; a cancelled one stays cancelled: that was the
 * user's decision) and leaves unlisted todos alone; a dispatch to a
 * session created as `reviewer` moves the todo to `reviewing`, any other to `running`; a `done`
 * report moves it to `reported`, `blocked`/`failed` ones to those statuses; a verdict to `passed` or
 * `failed`; a requeue back to `pending`; `todo.failed` to `failed` with its reason. A cancelled todo
 * ignores every entry but `todo.retried` (a late result of an aborted session changes nothing).
 * Steering entries settle only the queued messages they name. Entries about unknown todos or
 * sessions are ignored.
 */
function apply(s: MissionSnapshot, e: JournalEntry): void {
  switch (e.type) {
    case 'mission.started':
      // A journal holds one mission; a second start begins again from nothing.
      for (const k of Object.keys(s)) delete (s as unknown as Record<string, unknown>)[k]
      Object.assign(s, emptySnapshot(), {
        status: 'running',
        goal: e.goal,
        options: e.options,
        startedAt: e.at,
        ...(typeof e.directory === 'string' && { directory: e.directory }),
      })
      return
    case 'plan.accepted':
      s.iteration = Math.max(s.iteration, e.iteration)
      for (const t of e.todos) {
        const prev = s.todos[t.id]
        if (!prev) s.todoOrder.push(t.id)
        const cancelled = prev?.status === 'cancelled'
        s.todos[t.id] = {
          ...t,
          files: [...t.files],
          dependsOn: [...t.dependsOn],
          acceptance: [...t.acceptance],
          status: cancelled ? 'cancelled' : 'pending',
          attempts: prev?.attempts ?? 0,
          iteration: e.iteration,
          ...(prev?.sessionId !== undefined ? { sessionId: prev.sessionId } : {}),
          filesChanged: [],
          findings: prev ? [...prev.findings] : [],
          ...(cancelled && prev.cancelReason !== undefined && { cancelReason: prev.cancelReason }),
          ...(prev?.retries !== undefined && { retries: prev.retries }),
          reviews: prev ? [...prev.reviews] : [],
          history: prev?.history ?? [],
        }
      }
      return
    case 'todo.dispatched': {
      const t = s.todos[e.todoId]
      if (!t || t.status === 'cancelled') return
      const last = t.history.at(-1)
      if (s.sessions[e.sessionId]?.role === 'reviewer') {
        t.status = 'reviewing'
        t.reviewerSessionId = e.sessionId
        if (last) last.reviewerSessionId = e.sessionId
      } else {
        t.status = 'running'
        t.sessionId = e.sessionId
        t.attempts = Math.max(t.attempts, e.attempt)
        // The same attempt dispatched again (a resume) stays one attempt, on its latest session.
        if (last?.attempt === e.attempt) last.sessionId = e.sessionId
        else t.history.push({ attempt: e.attempt, sessionId: e.sessionId })
      }
      return
    }
    case 'todo.reported': {
      const t = s.todos[e.todoId]
      if (!t || t.status === 'cancelled') return
      t.status = e.status === 'done' ? 'reported' : e.status
      t.summary = e.summary
      t.filesChanged = [...e.filesChanged]
      const last = t.history.at(-1)
      if (last) last.report = { status: e.status, summary: e.summary, filesChanged: [...e.filesChanged] }
      return
    }
    case 'todo.verdict': {
      const t = s.todos[e.todoId]
      if (!t || t.status === 'cancelled') return
      t.status = e.verdict === 'pass' ? 'passed' : 'failed'
      t.verdict = e.verdict
      t.findings = [...e.findings]
      t.reviews.push({ attempt: t.attempts, verdict: e.verdict, findings: [...e.findings] })
      const last = t.history.at(-1)
      if (last) last.review = { verdict: e.verdict, findings: [...e.findings] }
      return
    }
    case 'todo.requeued': {
      const t = s.todos[e.todoId]
      if (!t || t.status === 'cancelled') return
      t.status = 'pending'
      t.requeueReason = e.reason
      const last = t.history.at(-1)
      if (last) last.requeued = e.reason
      return
    }
    case 'todo.cancelled': {
      const t = s.todos[e.todoId]
      if (!t) return
      t.status = 'cancelled'
      t.cancelReason = e.reason
      return
    }
    case 'todo.retried': {
      const t = s.todos[e.todoId]
      if (!t || !(t.status === 'cancelled' || t.status === 'failed')) return
      t.status = 'pending'
      t.retries = (t.retries ?? 0) + 1
      delete t.cancelReason
      t.requeueReason = 'retried by the user'
      delete t.failReason
      return
    }
    case 'todo.failed': {
      const t = s.todos[e.todoId]
      if (!t || t.status === 'cancelled') return
      t.status = 'failed'
      t.failReason = e.reason
      return
    }
    case 'evidence':
      s.evidence.push({
        iteration: s.iteration,
        at: e.at,
        command: e.command,
        exitCode: e.exitCode,
        durationMs: e.durationMs,
        outputTail: e.outputTail,
        ...(e.source !== undefined && { source: e.source }),
        ...(e.cwd !== undefined && { cwd: e.cwd }),
      })
      return
    case 'check.baseline': {
      const { at, type: _, ...fields } = e
      s.baseline = { ...fields, at }
      return
    }
    case 'check.continued':
      if (s.baseline) s.baseline = { ...s.baseline, continued: true }
      return
    case 'usage': {
      const rec = (s.sessions[e.sessionId] ??= {
        sessionId: e.sessionId,
        role: e.role,
        createdAt: e.at,
        tokens: 0,
        cost: 0,
      })
      rec.tokens += e.tokens
      rec.cost += e.cost
      if (e.contextTokens !== undefined) rec.contextTokens = e.contextTokens
      if (e.contextLimit !== undefined) rec.contextLimit = e.contextLimit
      s.tokens += e.tokens
      s.cost += e.cost
      return
    }
    case 'session.created': {
      const prev = s.sessions[e.sessionId]
      s.sessions[e.sessionId] = {
        sessionId: e.sessionId,
        role: e.role,
        ...(e.todoId !== undefined ? { todoId: e.todoId } : {}),
        createdAt: e.at,
        tokens: prev?.tokens ?? 0,
        cost: prev?.cost ?? 0,
        ...(prev?.contextTokens !== undefined && { contextTokens: prev.contextTokens }),
        ...(prev?.contextLimit !== undefined && { contextLimit: prev.contextLimit }),
        ...(prev?.steering && { steering: prev.steering }),
      }
      return
    }
    case 'mission.root':
      s.rootSessionId = e.sessionId
      return
    case 'mission.ended':
      s.status = e.status
      s.reason = e.reason
      s.endedAt = e.at
      return
    case 'mission.base':
      s.base = structuredClone(e.base)
      return
    case 'timeline': {
      // Copy on write: snapshots share the timeline (its bulk), so a lane is replaced, never changed.
      const at = s.timeline.findIndex((l) => l.sessionId === e.sessionId)
      const prev = s.timeline[at]
      const lane: TimelineLane = {
        sessionId: e.sessionId,
        spans: [...(prev?.spans ?? [])],
        compactions: [...(prev?.compactions ?? []), ...(e.compactions ?? [])],
      }
      for (const span of entrySpans(e)) pushSpan(lane.spans, span)
      s.timeline = at < 0 ? [...s.timeline, lane] : s.timeline.with(at, lane)
      return
    }
    case 'mission.summary':
      // Derived from the entries before it: nothing new for the state.
      return
    case 'steering.queued': {
      const rec = s.sessions[e.sessionId]
      if (!rec) return
      rec.steering = withQueued(rec.steering ?? [], {
        id: e.id,
        text: e.text,
        status: 'queued',
        queuedAt: e.at,
      })
      return
    }
    case 'steering.delivered': {
      const rec = s.sessions[e.sessionId]
      if (rec?.steering)
        rec.steering = withSettled(rec.steering, e.ids, { status: 'delivered', deliveredAt: e.at })
      return
    }
    case 'steering.dropped': {
      const rec = s.sessions[e.sessionId]
      if (rec?.steering) rec.steering = withSettled(rec.steering, e.ids, { status: 'dropped', note: e.note })
      return
    }
    default:
      // Entries of a newer journal version: ignore what this version does not know.
      return
  }
}

/** Rebuilds a mission from its entries (pure: the entries are not modified). */
export function replay(
  entries: readonly JournalEntry[],
  from: MissionSnapshot = emptySnapshot(),
): MissionSnapshot {
  const s = structuredClone(from)
  for (const e of entries) apply(s, e)
  return s
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
}

/**
 * Appends entries to a store and keeps the mission state they imply. Open it with
 * {@link MissionJournal.open} to resume from what the store already holds.
 */
export class MissionJournal {
  readonly #store: JournalStore
  readonly #clock: Clock
  readonly #state: MissionSnapshot
  #tail: Promise<void> = Promise.resolve()

  private constructor(options: MissionJournalOptions, state: MissionSnapshot) {
    this.#store = options.store
    this.#clock = options.clock
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
    const line = serializeEntry(entry)
    const write = this.#tail.then(() => this.#store.append(line))
    this.#tail = write.catch(() => undefined)
    return write
  }

  /**
   * A copy of the current mission state, deep but for the timeline: its lanes are replaced when they
   * change, never changed in place, so the copy shares them (cloning them at every entry would make a
   * long mission quadratic).
   */
  snapshot(): MissionSnapshot {
    const { timeline, ...rest } = this.#state
    return { ...structuredClone(rest), timeline }
  }
}
