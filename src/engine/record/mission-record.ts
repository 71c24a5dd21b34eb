// The running mission's journal: appends entries, keeps the snapshot they fold into (republishing the
// mission state on every append), and answers what the loop asks of it: the todos in plan order, the
// ids a tool call may name, the summaries a worker builds on, the ownership file and the result text.

import type { JournalEntry, JournalEntryInput, MissionSnapshot, TodoRecord } from './entries'
import { MissionJournal, type JournalStore } from './journal'
import type { Ownership } from '../protocol/ownership'
import type { Clock, Role } from '../ports'
import type { DependencySummary } from '../protocol/prompts'

export class MissionRecord {
  #journal: MissionJournal | undefined
  #snap: MissionSnapshot | undefined

  /**
   * @param onAppend runs after each append, once the snapshot holds the entry and before it is written.
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

  /** Takes the journal's state as the snapshot. */
  sync(): void {
    this.#snap = this.#journal?.snapshot()
  }

  /** The mission as the journal holds it; undefined until the first {@link sync}. */
  get current(): MissionSnapshot | undefined {
    return this.#snap
  }

  /** The snapshot; only read once the mission began (after {@link sync}). */
  get snap(): MissionSnapshot {
    return this.#snap as MissionSnapshot
  }

  async append(entry: JournalEntryInput): Promise<void> {
    const write = (this.#journal as MissionJournal).append(entry)
    this.#snap = (this.#journal as MissionJournal).snapshot()
    this.onAppend()
    await write
  }

  /**
   * Writes an entry without taking a new snapshot or republishing: for the closing entry, once the
   * final state is out. Resolves at once when the journal never opened.
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

  /** Ids a mission tool call may name. */
  knownIds(): Set<string> {
    return new Set(this.snap.todoOrder)
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
    for (const id of this.snap.todoOrder) {
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
