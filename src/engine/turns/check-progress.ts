// Whether a round's check result is progress, as a pure decision: a check that passes completes the
// mission; one that fails the same way as the round before, or as it did on the mission's base,
// shows that the round changed nothing the check sees, so the mission ends with that result as the
// reason instead of spending its remaining iterations; any other failure goes to the planner.

import { compareToBaseline } from '../record/check-runs'
import type { BaselineRecord, MissionSnapshot } from '../record/entries'
import { checkPassed, isNoiseLine, sameFailure, type CheckOutcome } from '../util/check-output'
import { cutLine } from '../util/cut-line'

export type CheckProgress =
  | { next: 'complete' }
  | { next: 'replan' }
  /** The failure is word for word (normalized) the one of `since`. */
  | { next: 'stop'; since: 'baseline' | 'previous round' }

export interface CheckHistory {
  /** The run on the mission's base, when it ran the same command. */
  baseline?: CheckOutcome
  /** The previous round's run of the same command, if any. */
  previous?: CheckOutcome
}

export function checkProgress(current: CheckOutcome, history: CheckHistory): CheckProgress {
  if (checkPassed(current)) return { next: 'complete' }
  if (history.previous && sameFailure(history.previous, current))
    return { next: 'stop', since: 'previous round' }
  if (history.baseline && sameFailure(history.baseline, current)) return { next: 'stop', since: 'baseline' }
  return { next: 'replan' }
}

/** The reason a mission ends with: the check, its exit and why it counts as no progress. */
export function noProgressReason(
  command: string,
  current: CheckOutcome,
  since: 'baseline' | 'previous round',
): string {
  const exit = current.exitCode === null ? 'timed out' : `exit ${current.exitCode}`
  const unchanged =
    since === 'baseline'
      ? 'the same failure as before the mission made any change'
      : 'the same failure as the round before'
  return `check \`${command}\` failed (${exit}) with ${unchanged}: no progress${lastLine(current.outputTail)}`
}

/** The last non-blank line of a tail, as `: line`, cut to a readable length. */
function lastLine(tail: string): string {
  const line = tail
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !isNoiseLine(l))
    .at(-1)
  if (!line) return ''
  return ` — ${cutLine(line, 200)}`
}

/** Why a mission whose project is not set up for its check does not go on (or asks). */
export function notSetUpReason(b: BaselineRecord): string {
  const exit = b.exitCode === null ? 'timed out' : `exit ${b.exitCode}`
  return `the project's environment is not set up for its check: \`${b.command}\` failed before any change (${exit}), ${b.diagnosis ?? 'it cannot run'}${lastLine(b.outputTail)}`
}

/** The last check of a mission and how it compares with the baseline, for a reason that ends it. */
export function lastCheckNote(snap: Pick<MissionSnapshot, 'evidence' | 'baseline'>): string {
  const last = snap.evidence.at(-1)
  if (!last) return 'no check ran'
  const result = checkPassed(last)
    ? 'passed'
    : `failed (${last.exitCode === null ? 'timed out' : `exit ${last.exitCode}`})`
  const vs =
    snap.baseline?.command === last.command ? ` — ${COMPARISON[compareToBaseline(snap.baseline, last)]}` : ''
  return `the last check \`${last.command}\` ${result}${vs}${checkPassed(last) ? '' : lastLine(last.outputTail)}`
}

const COMPARISON = {
  passes: 'it passed before the mission too',
  fixed: 'it failed before the mission: fixed',
  unchanged: 'the same failure as before the mission',
  'new-failures': 'a failure the base did not have',
} as const
