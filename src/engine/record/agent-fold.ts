import type { AgentState, AgentStatus } from './mission-state'
import type { HostEvent, ModelLimit } from '../ports'

/** Activity times finer than this are not worth a republish (the view shows seconds). */
export const ACTIVITY_RESOLUTION_MS = 1_000

/** Statuses in which an agent's time counts: it works, waits on the provider or on the user. */
const ACTIVE: ReadonlySet<AgentStatus> = new Set(['starting', 'busy', 'retry', 'waiting'])

/**
 * Opens or closes the agent's busy span when its status crosses between active and not, so its
 * elapsed time leaves out the idle wait between attempts (e.g. a worker waiting for its review).
 */
export function withBusySpan(agent: AgentState, now: number): AgentState {
  const active = ACTIVE.has(agent.status)
  if (active && agent.busySince === undefined) return { ...agent, busySince: now }
  if (!active && agent.busySince !== undefined)
    return { ...agent, busyMs: agent.busyMs + Math.max(0, now - agent.busySince), busySince: undefined }
  return agent
}

/**
 * Folds one host event into the state of the agent whose session it concerns. Pure: returns the
 * same object when nothing changed, so callers can skip UI updates cheaply. The ledger turns the
 * growing per-message usage figures into deltas.
 */
export function foldAgentEvent(
  agent: AgentState,
  event: HostEvent,
  now: number,
  ledger: UsageLedger,
  limits: Readonly<Record<string, ModelLimit>> = {},
): AgentState {
  if (!('sessionId' in event) || event.sessionId !== agent.sessionId) return agent
  if (agent.status === 'aborted' || agent.status === 'done' || agent.status === 'failed') {
    // Usage can still arrive after the end; status cannot go back.
    if (event.type === 'message.assistant') return withUsage(agent, event, now, ledger, limits)
    return agent
  }
  switch (event.type) {
    case 'session.status': {
      const s = event.status
      // Busy while a permission is open is still waiting: only the reply ends the wait.
      if (s.type === 'busy')
        return {
          ...agent,
          status: agent.status === 'waiting' ? 'waiting' : 'busy',
          retry: undefined,
          lastActivityAt: now,
        }
      if (s.type === 'retry')
        return {
          ...agent,
          status: 'retry',
          retry: { attempt: s.attempt, message: s.message, next: s.next },
          lastActivityAt: now,
        }
      return { ...agent, status: 'idle', tool: undefined, retry: undefined, lastActivityAt: now }
    }
    case 'session.idle':
      return agent.status === 'idle' && agent.tool === undefined
        ? agent
        : { ...agent, status: 'idle', tool: undefined, retry: undefined, lastActivityAt: now }
    case 'session.error':
      // An abort is the engine ending a turn (or the user's stop), not a failure of the agent.
      return event.error.name === 'MessageAbortedError'
        ? agent
        : { ...agent, error: event.error.message, lastActivityAt: now }
    case 'message.assistant':
      return withUsage(agent, event, now, ledger, limits)
    case 'part.text':
      if (event.final && event.text.trim() !== '') return { ...agent, text: event.text, lastActivityAt: now }
      // A streaming delta shows nothing but activity, which the view reads to the second: a change
      // per delta would republish the dashboard for nothing at every token.
      return now - agent.lastActivityAt < ACTIVITY_RESOLUTION_MS ? agent : { ...agent, lastActivityAt: now }
    case 'session.compacted':
      return { ...agent, compactions: (agent.compactions ?? 0) + 1, lastActivityAt: now }
    case 'part.tool':
      return {
        ...agent,
        tool: event.status === 'pending' || event.status === 'running' ? event.tool : undefined,
        lastActivityAt: now,
      }
    case 'permission.asked':
      return { ...agent, status: 'waiting', lastActivityAt: now }
    case 'permission.replied':
      return { ...agent, status: 'busy', lastActivityAt: now }
    default:
      return agent
  }
}

function withUsage(
  agent: AgentState,
  event: Extract<HostEvent, { type: 'message.assistant' }>,
  now: number,
  ledger: UsageLedger,
  limits: Readonly<Record<string, ModelLimit>>,
): AgentState {
  const { tokens, cost } = ledger.record(event.messageId, event.tokens, event.cost)
  const error = event.error && event.error.name !== 'MessageAbortedError' ? event.error.message : agent.error
  const provider = event.providerId || agent.provider
  // A message starts with no usage: its context is known once the provider reported input tokens.
  const context = event.contextTokens ? event.contextTokens : agent.contextTokens
  const limit = limits[`${event.providerId}/${event.modelId}`]?.context ?? agent.contextLimit
  if (
    tokens === 0 &&
    cost === 0 &&
    error === agent.error &&
    provider === agent.provider &&
    context === agent.contextTokens &&
    limit === agent.contextLimit
  )
    return agent
  return {
    ...agent,
    tokens: agent.tokens + tokens,
    cost: agent.cost + cost,
    lastActivityAt: now,
    ...(error !== undefined && { error }),
    ...(context !== undefined && { contextTokens: context }),
    ...(limit !== undefined && { contextLimit: limit }),
    ...(provider && { provider }),
  }
}

/** Token and cost figures of a message grow while it streams: keeps the latest per message, returns deltas. */
export class UsageLedger {
  readonly #byMessage = new Map<string, { tokens: number; cost: number }>()
  record(messageId: string, tokens: number, cost: number): { tokens: number; cost: number } {
    const before = this.#byMessage.get(messageId) ?? { tokens: 0, cost: 0 }
    this.#byMessage.set(messageId, { tokens, cost })
    return { tokens: tokens - before.tokens, cost: cost - before.cost }
  }
}
