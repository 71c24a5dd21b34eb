// The running mission's journal: appends entries, reads the mission state they fold into (republishing
// the mission state on every append), and answers what the loop asks of it: the todos in plan order,
// the ids a tool call may name, the summaries a worker builds on, the ownership file and the result
// text. It reads the journal's own state, never a copy: a copy per entry made a long mission quadratic.

import type { JournalEntry, JournalEntryInput, MissionSnapshot, TodoRecord } from './entries'
import { MissionJournal, type JournalStore } from './journal'
import type { Ownership } from '../protocol/ownership'
import type { Clock, Role } from '../ports'
import type { DependencySummary } from '../protocol/prompts'
import type { TodoChanges } from './touched-todos'

export class MissionRecord implements TodoChanges {
  #journal: MissionJournal | undefined
  #synced = false
  /** The ids of the plan order `order` (see {@link knownIds}). */
  #known: { order: readonly string[]; ids: ReadonlySet<string> } | undefined
  /** The todos in flight as of the journal's `revision` (see {@link ownership}). */
  #flight = { revision: -1, ids: new Set<string>() }

  /**
   * @param onAppend runs after each append, once the state holds the entry and before it is written.
   * @param contextOf a session's context and its model's window now, journaled with its usage.
   */
  constructor(
    private readonly onAppend: () => void,
    private readonly contextOf: (sessionId: string) => SessionContext | undefined = () => undefined,
  ) {}

  /** Opens the journal; {@link sync} then reads the mission it holds. `onEntry` hears each new entry. */
  async open(store: JournalStore, clock: Clock, onEntry?: (entry: JournalEntry) => void): Promise<void> {
    this.#journal = (await MissionJournal.open({ store, clock, ...(onEntry && { onEntry }) })).journal
  }

  get opened(): boolean {
    return this.#journal !== undefined
  }

  /** From now on {@link current} reads the journal's mission (the mission began). */
  sync(): void {
    this.#synced = this.#journal !== undefined
  }

  /**
   * The mission as the journal holds it now (read only; see `MissionJournal.current`); undefined until
   * the first {@link sync}. Across an await it may have moved on: keep the record you need, not it.
   */
  get current(): MissionSnapshot | undefined {
    return this.#synced ? this.#journal?.current : undefined
  }

  /** The mission as the journal holds it; only read once the mission began (after {@link sync}). */
  get snap(): MissionSnapshot {
    return this.current as MissionSnapshot
  }

  /** Changes whenever {@link current} does (what a publish or a tick derives from it is kept till then). */
  get revision(): number {
    return this.#journal?.revision ?? 0
  }

  changedTodos(since: number): ReadonlySet<string> | 'all' {
    return this.#journal?.changedTodos(since) ?? 'all'
  }

  async append(entry: JournalEntryInput): Promise<void> {
    const write = (this.#journal as MissionJournal).append(entry)
    this.#synced = true
    this.onAppend()
    await write
  }

  /**
   * Writes an entry without republishing: for the closing entries, once the final state is out.
   * Resolves at once when the journal never opened.
   */
  async appendQuietly(entry: JournalEntryInput): Promise<void> {
    await this.#journal?.append(entry)
  }

  requeue(todoId: string, reason: string): Promise<void> {
    return this.append({ type: 'todo.requeued', todoId, reason })
  }

  /** Journals the usage a session gathered since the last flush. */
  async flushUsage(live: UsageHolder): Promise<void> {
    const { tokens, cost, calls } = live.unjournaled
    if (tokens === 0 && cost === 0 && calls === 0) return
    live.unjournaled = { tokens: 0, cost: 0, calls: 0 }
    const context = this.contextOf(live.sessionId)
    await this.append({
      type: 'usage',
      sessionId: live.sessionId,
      role: live.role,
      tokens,
      cost,
      ...(calls > 0 && { calls }),
      ...(context?.contextTokens !== undefined && { contextTokens: context.contextTokens }),
      ...(context?.contextLimit !== undefined && { contextLimit: context.contextLimit }),
    })
  }

  /** The todos in plan order (undefined for an id the journal does not hold). */
  todos(): (TodoRecord | undefined)[] {
    return this.snap.todoOrder.map((id) => this.snap.todos[id])
  }

  /** Ids a mission tool call may name (one set per plan order: only a plan adding todos replaces it). */
  knownIds(): ReadonlySet<string> {
    const order = this.snap.todoOrder
    if (this.#known?.order !== order) this.#known = { order, ids: new Set(order) }
    return this.#known.ids
  }

  passedCount(): number {
    return this.snap.todoOrder.filter((id) => this.snap.todos[id]?.status === 'passed').length
  }

  dependencySummaries(ids: readonly string[]): DependencySummary[] {
    return ids.map((id) => ({ id, summary: this.snap.todos[id]?.summary ?? '' }))
  }

  /** Which running worker session owns which files. */
  ownership(missionId: string, endsTurnOnResult: boolean): Ownership {
    const sessions: Record<string, { todoId: string; files: string[] }> = {}
    const reviews: Record<string, string> = {}
    for (const id of this.#inFlight()) {
      const t = this.snap.todos[id]
      if (t?.status === 'running' && t.sessionId) sessions[t.sessionId] = { todoId: id, files: t.files }
      if (t?.status === 'reviewing' && t.reviewerSessionId) reviews[t.reviewerSessionId] = id
    }
    return {
      missionId,
      todos: [...this.snap.todoOrder],
      sessions,
      ...(Object.keys(reviews).length > 0 && { reviews }),
      ...(endsTurnOnResult && { endsTurnOnResult: true }),
    }
  }

  /**
   * The todos being worked on or reviewed, kept up to date from the todos entries changed since the
   * last call: ownership is published at every dispatch, and a mission may hold thousands of todos.
   */
  #inFlight(): ReadonlySet<string> {
    const changed = this.changedTodos(this.#flight.revision)
    if (changed === 'all') this.#flight.ids = new Set()
    for (const id of changed === 'all' ? this.snap.todoOrder : changed) {
      const status = this.snap.todos[id]?.status
      if (status === 'running' || status === 'reviewing') this.#flight.ids.add(id)
      else this.#flight.ids.delete(id)
    }
    this.#flight.revision = this.revision
    return this.#flight.ids
  }

  /**
   * The answer of a completed mission: each todo with its summary, and the check that passed (or,
   * when none ran, the `noCheck` line instead).
   */
  summary(noCheck?: string): string {
    const todos = this.todos().filter((t) => t !== undefined)
    const lines = todos.map((t) => `✓ ${t.title}${t.summary ? ` — ${t.summary}` : ''}`)
    const check = this.snap.evidence.at(-1)
    if (noCheck) lines.push(`${noCheck[0]?.toUpperCase()}${noCheck.slice(1)}.`)
    else if (check) {
      const before = this.snap.baseline
      const fixed =
        before?.command === check.command && before.classification !== 'passes'
          ? ' It failed before the mission: fixed.'
          : ''
      lines.push(`Check \`${check.command}\` passed in ${check.durationMs} ms.${fixed}`)
    }
    return lines.join('\n')
  }
}

/** An agent's context tokens and its model's context window, as far as they are known. */
export interface SessionContext {
  contextTokens?: number
  contextLimit?: number
}

/** A session with usage the journal has not recorded yet (the session's `Live`, seen from here). */
export interface UsageHolder {
  sessionId: string
  role: Role
  /** Usage since the last flush, and the model calls answered in full. */
  unjournaled: { tokens: number; cost: number; calls: number }
}
