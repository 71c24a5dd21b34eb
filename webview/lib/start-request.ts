import type { StartAnswer } from '../../src/shared/protocol'
import { onStartAnswer, post } from './host'

// Run as a request: the goal goes out with an id, and the host answers that id once it knows whether
// the mission starts. Until then the goal box keeps the goal, so a refusal loses nothing.

/**
 * How long the view waits for the host's answer before it gives Run back (the goal kept). The answer
 * comes after the folder pick when there are several folders, so it is generous.
 */
export const START_ANSWER_MS = 60_000

export type StartOutcome = { accepted: true } | { accepted: false; reason?: string }

let last = 0

/** Posts `mission.start` and resolves with the host's answer, or as refused (no reason) after START_ANSWER_MS. */
export function requestStart(goal: string): Promise<StartOutcome> {
  const requestId = `start-${++last}`
  return new Promise((resolve) => {
    const done = (outcome: StartOutcome) => {
      clearTimeout(timer)
      off()
      resolve(outcome)
    }
    const off = onStartAnswer((m) => {
      if (m.requestId === requestId) done(outcome(m))
    })
    const timer = setTimeout(() => done({ accepted: false }), START_ANSWER_MS)
    post({ type: 'mission.start', goal, requestId })
  })
}

const outcome = (m: StartAnswer): StartOutcome =>
  m.accepted ? { accepted: true } : { accepted: false, ...(m.reason !== undefined && { reason: m.reason }) }
