// A model that makes the same tool call over and over (same tool, same input) never ends its turn by
// itself: OpenCode runs each call and asks the model again. That many identical calls in a row end
// the turn, so the attempt fails with the reason instead of the mission waiting for its wall time.

import { countCall, type Turn } from '../sessions/turn'

/** Identical tool calls in a row after which a turn is ended. */
export const MAX_SAME_CALLS = 5

/** A finished tool call of the open turn (completed or failed). */
export interface FinishedCall {
  callId: string
  tool: string
  input: unknown
}

/**
 * Counts a finished call of the open turn (a repeated event of the same call counts once); the reason
 * to end the turn once {@link MAX_SAME_CALLS} identical calls came in a row, else undefined.
 */
export function repeatedCall(turn: Turn, call: FinishedCall, role: string): string | undefined {
  const key = `${call.tool}\u0000${JSON.stringify(call.input) ?? ''}`
  const count = countCall(turn, call.callId, key)
  return count >= MAX_SAME_CALLS
    ? `the ${role} made the same ${call.tool} call ${count} times in a row`
    : undefined
}
