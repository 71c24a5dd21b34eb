// The user's steering messages to running agents. A message is queued, never written into a busy
// turn (a prompt to a busy session lands inside the running turn), and handed over when the agent's
// turn reaches idle without its result. The messages live on the agents' published state, so the
// receipt the user sees ('queued', then 'delivered') is the state itself.

import type { AgentRoster } from '../record/agent-roster'
import type { SteeringMessage } from '../record/mission-state'
import type { Refusal } from '../util/refusal'
import type { Live } from './live-session'

/** The longest steering message accepted, in characters (the webview protocol's bound too). */
export const STEER_MAX_CHARS = 4_000
/** Receipts kept per agent: the oldest delivered or dropped ones go first (the state stays small). */
export const STEER_KEPT = 20

export interface SteeringDeps {
  roster: AgentRoster
  now: () => number
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
  if (live.turn.delivered)
    return { refused: `${who} has already delivered its result: there is no turn left to steer.` }
  return undefined
}

export class Steering {
  #next = 0

  constructor(private readonly d: SteeringDeps) {}

  /** Queues a message for the agent of a session; returns it as published. */
  queue(sessionId: string, text: string): SteeringMessage {
    const message: SteeringMessage = {
      id: `steer_${++this.#next}`,
      text: text.trim(),
      status: 'queued',
      queuedAt: this.d.now(),
    }
    const all = [...this.#messages(sessionId), message]
    while (all.length > STEER_KEPT) {
      const old = all.findIndex((m) => m.status !== 'queued')
      if (old < 0) break
      all.splice(old, 1)
    }
    this.#set(sessionId, all)
    return message
  }

  /** True when the session has messages waiting for its next idle. */
  has(sessionId: string): boolean {
    return this.#messages(sessionId).some((m) => m.status === 'queued')
  }

  /** Marks the waiting messages delivered and returns their texts (in order) as one. */
  take(sessionId: string): string | undefined {
    const all = this.#messages(sessionId)
    const waiting = all.filter((m) => m.status === 'queued')
    if (waiting.length === 0) return undefined
    const at = this.d.now()
    this.#set(
      sessionId,
      all.map((m) => (m.status === 'queued' ? { ...m, status: 'delivered', deliveredAt: at } : m)),
    )
    return waiting.map((m) => m.text).join('\n\n')
  }

  /** The agent will not reach another idle on its work: waiting messages are dropped with `note`. */
  drop(sessionId: string, note: string): void {
    if (!this.has(sessionId)) return
    this.#set(
      sessionId,
      this.#messages(sessionId).map((m) => (m.status === 'queued' ? { ...m, status: 'dropped', note } : m)),
    )
  }

  #messages(sessionId: string): SteeringMessage[] {
    return this.d.roster.list.find((a) => a.sessionId === sessionId)?.steering ?? []
  }

  #set(sessionId: string, steering: SteeringMessage[]): void {
    this.d.roster.patch(sessionId, { steering })
  }
}
