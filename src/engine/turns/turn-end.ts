// What a finished turn means, as one pure function: the session's turn reached idle (or ended
// unseen), its result, if any, was acted on already, and this says what happens next. The order of
// the questions is the order of precedence: a todo the user cancelled meanwhile wins over everything,
// a compaction that ate the brief over the user's queued message, that message over a nudge, a
// looping session over a nudge, and a nudge comes once before the attempt fails.

import { NO_PLAN_CALL } from '../protocol/prompts'
import { TOOL_PLAN, TOOL_REPORT, TOOL_VERDICT } from '../protocol/mission-protocol'
import { classify } from '../guards/retry'
import type { HostError } from '../ports'
import { cutReason, isDelivered, isOpen, turnError, type Turn } from '../sessions/turn'
import { noResultReason } from './turn-results'

export interface TurnEndFacts {
  /** The user cancelled the turn's todo while its end was being decided. */
  cancelled: boolean
  /** Messages from the user wait for this session's next prompt. */
  steering: boolean
  /** The session's last turns ended with the same text: it loops ({@link REPEATS} in a row). */
  repeating: boolean
}

/** What becomes of a finished turn; `retire` marks its session as one that takes no other work. */
export type TurnEndVerdict = { retire?: true; dropSteering?: string } & (
  | { do: 'retire-cancelled' }
  /** The brief again: a compaction replaced it with a summary before the result came. */
  | { do: 'rebrief' }
  /** The user's queued messages go out as the turn's next prompt (not a failed attempt). */
  | { do: 'steer'; tool: string }
  /** One reminder to call the turn's mission tool. */
  | { do: 'nudge'; tool: string }
  /**
   * The planner's turn ended without a plan, for these reasons; `final` when no attempt can get one (a
   * provider error that will not pass). Whether the planner tries again is loop/step.ts's decision.
   */
  | { do: 'plan-rejected'; reasons: string[]; final?: string }
  /** The todo's attempt (or review) failed for the reason; provider errors say so through `error`. */
  | { do: 'attempt-failed'; reason: string; error?: HostError }
  /** The turn delivered: its session is free. */
  | { do: 'done' }
)

/** Identical turns in a row that mark a session as looping. */
export const REPEATS = 3

const toolOf = (turn: Turn) =>
  turn.kind === 'plan' ? TOOL_PLAN : turn.kind === 'work' ? TOOL_REPORT : TOOL_VERDICT

export function decideTurnEnd(turn: Turn, facts: TurnEndFacts, role: string): TurnEndVerdict {
  if (facts.cancelled) return { do: 'retire-cancelled' }
  const delivered = isDelivered(turn)
  const error = turnError(turn)
  if (turn.compacted && !turn.rebriefed && turn.state.is === 'open' && turn.brief !== undefined)
    return { do: 'rebrief' }
  let dropSteering: string | undefined
  if (facts.steering) {
    // A cut turn can deliver no more (its loop ends its attempt): the message would go out for nothing.
    if (isOpen(turn)) return { do: 'steer', tool: toolOf(turn) }
    dropSteering = delivered ? 'the agent delivered its result first' : 'its turn failed'
  }
  const extra = { ...(dropSteering !== undefined && { dropSteering }) }
  // A turn the engine cut holds the loop in its history: the next attempt gets a fresh session.
  const retire = cutReason(turn) !== undefined ? { retire: true as const } : {}
  if (facts.repeating && !delivered) {
    const reason = `the ${role} repeated the same output ${REPEATS} turns running`
    const failed =
      turn.kind === 'plan' ? planRejected(turn, [reason]) : { do: 'attempt-failed' as const, reason }
    return { ...failed, ...extra, retire: true }
  }
  if (delivered) return { do: 'done', ...extra, ...retire }
  if (turn.kind === 'plan') return { ...planRejected(turn), ...extra, ...retire }
  if (turn.state.is === 'open' && !turn.nudged) return { do: 'nudge', tool: toolOf(turn), ...extra }
  const reason = error ? `${error.name}: ${error.message}` : noResultReason(turn)
  return { do: 'attempt-failed', reason, ...(error && { error }), ...extra, ...retire }
}

/**
 * Why a plan turn ended without a plan: the plan's refusals, the engine's cut, the provider's error
 * or no plan call at all; a provider error that will not pass is final.
 */
function planRejected(turn: Turn, reasons?: string[]): Extract<TurnEndVerdict, { do: 'plan-rejected' }> {
  const error = turnError(turn)
  const failure = cutReason(turn) ?? (error && `${error.name}: ${error.message}`)
  const why = reasons ?? (turn.planErrors ? [...turn.planErrors] : [failure || NO_PLAN_CALL])
  const final = error && !classify(error).retry ? { final: `planner: ${error.message}` } : {}
  return { do: 'plan-rejected', reasons: why, ...final }
}
