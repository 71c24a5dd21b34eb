// A session's open turn as explicit state, and the only functions that change it. A turn is open
// until one of three things ends it, and the first one holds: its result is acted on (`delivered`),
// the engine cuts it because its agent loops (`cut`), or the host fails it (`failed`). Every field is
// read-only outside this file, so the order in which events change a turn is decided here alone.

import type { PlanArgs, ReportArgs, VerdictArgs } from '../protocol/mission-protocol'
import type { HostError } from '../ports'

export type TurnKind = 'plan' | 'work' | 'review'

export type TurnState =
  | { readonly is: 'open' }
  | { readonly is: 'delivered' }
  | { readonly is: 'cut'; readonly reason: string }
  | { readonly is: 'failed'; readonly error: HostError }

/** What the agent delivered so far through its mission tool: the turn's result, once valid. */
export type TurnResult =
  { readonly plan: PlanArgs } | { readonly report: ReportArgs } | { readonly verdict: VerdictArgs }

export interface Turn {
  readonly kind: TurnKind
  readonly todoId?: string
  /** The brief that opened the turn (every continuation keeps it). */
  readonly brief?: string
  readonly state: TurnState
  /** The turn already had its one nudge (or must get none: it was recovered, cut or failed). */
  readonly nudged: boolean
  /** The brief was sent again after a compaction (once per turn). */
  readonly rebriefed: boolean
  /** OpenCode compacted the session's history while the turn was open. */
  readonly compacted: boolean
  readonly result?: TurnResult
  /** Why the planner's latest plan was refused. */
  readonly planErrors?: readonly string[]
  /** One line per refused tool call of the turn (see turns/turn-results.ts). */
  readonly refusals: readonly string[]
  /** Steps in a row that came back empty (see guards/empty-steps.ts). */
  readonly emptySteps: number
  /** The latest finished tool call, and how many identical ones came in a row. */
  readonly lastCall?: { readonly callId: string; readonly key: string; readonly count: number }
  /** The assistant message whose step made the mission tool call, and whether to end the turn at its completion. */
  readonly resultMessageId?: string
  readonly endRequested: boolean
  /**
   * The result was acted on and the server ended the turn at the engine's ask (its closing model
   * call is cut): until the idle, the session runs no model call any more.
   */
  readonly closing?: boolean
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] }
const w = (turn: Turn) => turn as Mutable<Turn>

/** A turn that a brief opens. */
export function openTurn(kind: TurnKind, todoId?: string, opts: { nudged?: boolean } = {}): Turn {
  return {
    kind,
    ...(todoId !== undefined && { todoId }),
    state: { is: 'open' },
    nudged: opts.nudged ?? false,
    rebriefed: false,
    compacted: false,
    refusals: [],
    emptySteps: 0,
    endRequested: false,
  }
}

/** The same turn going on with another prompt: the nudge, the brief again, or the user's message. */
export function continueTurn(turn: Turn, as: 'nudge' | 'rebrief' | 'steer'): Turn {
  return {
    ...turn,
    ...(as === 'nudge' && { nudged: true }),
    ...(as === 'rebrief' && { rebriefed: true, compacted: false }),
  }
}

/** The brief that opened the turn, kept for a continuation. */
export function briefed(turn: Turn, brief: string): Turn {
  return turn.brief === undefined ? { ...turn, brief } : turn
}

export const isOpen = (turn: Turn) => turn.state.is === 'open'
export const isDelivered = (turn: Turn) => turn.state.is === 'delivered'

/** The engine ends a turn its agent would not end; false when the turn was already over. */
export function cut(turn: Turn, reason: string): boolean {
  if (!isOpen(turn)) return false
  w(turn).state = { is: 'cut', reason }
  return true
}

/** The host failed the turn (a provider or server error). */
export function fail(turn: Turn, error: HostError): void {
  if (!isOpen(turn)) return
  w(turn).state = { is: 'failed', error }
}

/** The turn's result was acted on; false when something else ended the turn first. */
export function deliver(turn: Turn): boolean {
  if (!isOpen(turn) || turn.result === undefined) return false
  w(turn).state = { is: 'delivered' }
  return true
}

export function markCompacted(turn: Turn): void {
  if (!isDelivered(turn)) w(turn).compacted = true
}

export function setResult(turn: Turn, result: TurnResult, messageId?: string): void {
  w(turn).result = result
  if (messageId !== undefined) w(turn).resultMessageId = messageId
}

export function setPlanErrors(turn: Turn, errors: readonly string[]): void {
  w(turn).planErrors = errors
}

/** Records a refused call; returns how many the turn had. */
export function addRefusal(turn: Turn, line: string): number {
  w(turn).refusals = [...turn.refusals, line]
  return turn.refusals.length
}

/** Records whether a completed step was empty; returns the empty steps in a row. */
export function countStep(turn: Turn, empty: boolean): number {
  w(turn).emptySteps = empty ? turn.emptySteps + 1 : 0
  return turn.emptySteps
}

/** Records a finished tool call by its key; returns the identical calls in a row (0: seen already). */
export function countCall(turn: Turn, callId: string, key: string): number {
  const last = turn.lastCall
  if (last?.callId === callId) return 0
  const count = last?.key === key ? last.count + 1 : 1
  w(turn).lastCall = { callId, key, count }
  return count
}

export function requestEnd(turn: Turn, requested: boolean): void {
  w(turn).endRequested = requested
}

/** The server ended the turn at the engine's ask: its session runs no model call until its idle. */
export function markClosing(turn: Turn): void {
  w(turn).closing = true
}

/** The error that failed the turn, if one did. */
export const turnError = (turn: Turn): HostError | undefined =>
  turn.state.is === 'failed' ? turn.state.error : undefined

/** Why the engine cut the turn, if it did. */
export const cutReason = (turn: Turn): string | undefined =>
  turn.state.is === 'cut' ? turn.state.reason : undefined
