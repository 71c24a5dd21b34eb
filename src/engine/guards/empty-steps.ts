// A provider that answers 200 with something other than a chat completion (an HTML page, a proxy's
// notice, a truncated body) gives OpenCode a step with no content, no usage and no finish reason, and
// OpenCode then asks the model again, without end and without an error. Such steps in a row end the
// turn, so the attempt fails with the reason instead of the mission waiting forever.

import { countStep, type Turn } from '../sessions/turn'

/** Empty steps in a row after which a turn is ended. */
export const MAX_EMPTY_STEPS = 3

export const EMPTY_STEPS_REASON = `the provider's answers were empty ${MAX_EMPTY_STEPS} times in a row (no content, no usage, no finish reason): is its base URL an OpenAI-compatible API?`

/** A completed step: how it finished, its tokens, whether it failed. */
export interface Step {
  finish?: string
  tokens: number
  error?: unknown
}

const isEmpty = (step: Step) => step.error === undefined && step.tokens === 0 && step.finish === 'unknown'

/** Counts a completed step of the open turn; true once {@link MAX_EMPTY_STEPS} were empty in a row. */
export function countEmptyStep(turn: Turn, step: Step): boolean {
  return countStep(turn, isEmpty(step)) >= MAX_EMPTY_STEPS
}
