// The user's steering messages to running agents. A message is queued, never written into a busy
// turn (a prompt to a busy session lands inside the running turn), and handed over when the agent's
// turn reaches idle without its result. Every step is journaled and the receipts the agents show
// ('queued', then 'delivered' or 'dropped') are read back from the journal's state, so a resumed
// mission and the history show the same receipts as the live one. The agent gets a message as the
// user typed it: the journal's copy is scrubbed of secrets, so the whole text is kept apart
// (record/verbatim.ts), and a message whose whole text is gone is dropped, never sent redacted.

import type { Logger } from '../ports'
import type { AgentRoster } from '../record/agent-roster'
import type { JournalEntryInput } from '../record/entries'
import type { MissionRecord } from '../record/mission-record'
import type { SteeringMessage } from '../record/entries'
import { redactedInJournal, type VerbatimTexts } from '../record/verbatim'
import { lastSteeringNumber } from '../record/steering-receipts'
import { errorMessage } from '../util/error-message'
import type { Refusal } from '../util/refusal'
import type { Live } from './live-session'
import { isDelivered } from './turn'

/** The longest steering message accepted, in characters (the webview protocol's bound too). */
export const STEER_MAX_CHARS = 4_000

/** Why a message still waiting when the mission resumed is not sent: its turn ended unseen. */
export const RELOAD_NOTE = 'the window reloaded before delivery'
/** Why a message is dropped whose turn ended unseen while the server was out of reach. */
export const LOST_TURN_NOTE = 'its turn ended unseen while the server was out of reach'
/** Why a message is not sent whose journal copy is redacted and whose whole text was not kept. */
export const UNKEPT_NOTE = 'its text was kept only with a secret redacted'

export interface SteeringDeps {
  roster: AgentRoster
  /** Where the messages are journaled; their receipts are read from its state. */
  record: MissionRecord
  /** The messages as the user typed them, by id (the journal keeps them scrubbed). */
  verbatim: VerbatimTexts
  logger: Logger
}

/** Why a message cannot be queued for this session now, if it cannot. */
export function steerRefusal(
  live: Live | undefined,
  roster: AgentRoster,
  sessionId: string,
  text: string,
): Refusal | undefined {
  const agent = roster.list.find((a) => a.sessionId === sessionId)
  if (!agent || !live) return { refused: `No agent with session "${sessionId}" in this mission.` }
  if (text.trim() === '') return { refused: 'Type a message for the agent first.' }
  if (text.length > STEER_MAX_CHARS)
    return {
      refused: `The message is ${text.length} characters; keep it under ${STEER_MAX_CHARS} characters.`,
    }
  const who = `The ${agent.role}${agent.todoId ? ` on ${agent.todoId}` : ''}`
  if (!live.busy || !live.turn)
    return { refused: `${who} is ${agent.status}: only a running agent can be steered.` }
  if (isDelivered(live.turn))
    return { refused: `${who} has already delivered its result: there is no turn left to steer.` }
  return undefined
}

export class Steering {
  #next = 0

  constructor(private readonly d: SteeringDeps) {}

  /** Queues a message for the agent of a session. */
  queue(sessionId: string, text: string): void {
    const id = `steer_${++this.#next}`
    void this.d.verbatim.set(id, text.trim())
    this.#append(sessionId, { type: 'steering.queued', sessionId, id, text: text.trim() })
  }

  /** True when the session has messages waiting for its next idle. */
  has(sessionId: string): boolean {
    return this.#waiting(sessionId).length > 0
  }

  /**
   * Marks the waiting messages delivered and returns their texts (in order) as one; undefined when
   * none can go out (a message known only redacted is dropped instead).
   */
  take(sessionId: string): string | undefined {
    const waiting = this.#waiting(sessionId)
    const unkept = waiting.filter((m) => this.#whole(m) === undefined)
    if (unkept.length > 0)
      this.#append(sessionId, {
        type: 'steering.dropped',
        sessionId,
        ids: this.#settle(unkept),
        note: UNKEPT_NOTE,
      })
    const sendable = waiting.filter((m) => !unkept.includes(m))
    if (sendable.length === 0) return undefined
    const text = sendable.map((m) => this.#whole(m)).join('\n\n')
    this.#append(sessionId, { type: 'steering.delivered', sessionId, ids: this.#settle(sendable) })
    return text
  }

  /** The agent will not reach another idle on its work: waiting messages are dropped with `note`. */
  drop(sessionId: string, note: string): void {
    const waiting = this.#waiting(sessionId)
    if (waiting.length === 0) return
    this.#append(sessionId, { type: 'steering.dropped', sessionId, ids: this.#settle(waiting), note })
  }

  /** After a resume from the journal: the agents show their receipts, new messages number on. */
  resume(): void {
    const sessions = Object.values(this.d.record.current?.sessions ?? {})
    this.#next = lastSteeringNumber(sessions.map((s) => s.steering ?? []))
    for (const s of sessions) if (s.steering) this.d.roster.patch(s.sessionId, { steering: s.steering })
  }

  /** Drops, with `note`, the waiting messages of every session but those in `keep`. */
  dropAllBut(keep: ReadonlySet<string>, note: string): void {
    for (const sessionId of Object.keys(this.d.record.current?.sessions ?? {}))
      if (!keep.has(sessionId)) this.drop(sessionId, note)
  }

  #waiting(sessionId: string): SteeringMessage[] {
    const steering = this.d.record.current?.sessions[sessionId]?.steering ?? []
    return steering.filter((m) => m.status === 'queued')
  }

  /** A message as the user typed it, if that is known. */
  #whole(m: SteeringMessage): string | undefined {
    return this.d.verbatim.get(m.id) ?? (redactedInJournal(m.text) ? undefined : m.text)
  }

  #settle(messages: SteeringMessage[]): string[] {
    const ids = messages.map((m) => m.id)
    void this.d.verbatim.delete(ids)
    return ids
  }

  /** Journals a step and shows the session's receipts as the journal now holds them. */
  #append(sessionId: string, entry: JournalEntryInput): void {
    // A receipt that could not be written is logged; it does not stop the agent's work.
    void this.d.record
      .append(entry)
      .catch((err: unknown) => this.d.logger.error(`journal write failed: ${errorMessage(err)}`))
    const steering = this.d.record.current?.sessions[sessionId]?.steering
    if (steering) this.d.roster.patch(sessionId, { steering })
  }
}
