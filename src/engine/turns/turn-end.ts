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
  /** Plan attempts since the last accepted plan, this one included, and the bound. */
  planAttempts: number
  maxPlanAttempts: number
  /** What the planner last wrote, named when the mission ends without a plan ("" when nothing). */
  plannerWords: string
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
  | { do: 'plan-retry'; reasons: string[] }
  /** The mission cannot get a plan: it ends with the reason. */
  | { do: 'plan-failed'; reason: string }
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
      turn.kind === 'plan' ? planFailure(turn, facts, [reason]) : { do: 'attempt-failed' as const, reason }
    return { ...failed, ...extra, retire: true }
  }
  if (delivered) return { do: 'done', ...extra, ...retire }
  if (turn.kind === 'plan') return { ...planFailure(turn, facts), ...extra, ...retire }
  if (turn.state.is === 'open' && !turn.nudged) return { do: 'nudge', tool: toolOf(turn), ...extra }
  const reason = error ? `${error.name}: ${error.message}` : noResultReason(turn)
  return { do: 'attempt-failed', reason, ...(error && { error }), ...extra, ...retire }
}

/**
 * A plan turn that ended without a plan: a provider error that will not pass ends the mission, as
 * does the last allowed attempt; otherwise the planner tries again, told why.
 */
function planFailure(
  turn: Turn,
  facts: TurnEndFacts,
  reasons?: string[],
): Extract<TurnEndVerdict, { do: 'plan-retry' | 'plan-failed' }> {
  const error = turnError(turn)
  if (error && !classify(error).retry) return { do: 'plan-failed', reason: `planner: ${error.message}` }
  const failure = cutReason(turn) ?? (error && `${error.name}: ${error.message}`)
  const why = reasons ?? (turn.planErrors ? [...turn.planErrors] : [failure || NO_PLAN_CALL])
  if (facts.planAttempts >= facts.maxPlanAttempts)
    return {
      do: 'plan-failed',
      reason: `no valid plan after ${facts.planAttempts} attempts: ${why.join('; ')}${facts.plannerWords}`,
    }
  return { do: 'plan-retry', reasons: why }
}
