import type { BaselineClassView, BaselineComparisonView, CheckRunView } from '../../src/shared/protocol'
import { formatDuration } from './format'

// Check runs in words: the dashboard says what a run means, not only its exit code (nor only its colour).

/** The baseline's classification, as said after "Before any change:". */
export const BASELINE_WORDS: Record<BaselineClassView, string> = {
  passes: 'passes',
  fails: 'already fails before any change',
  'not-set-up': "the project's environment is not set up",
}

/** A round's run against the baseline. */
export const COMPARISON_WORDS: Record<BaselineComparisonView, string> = {
  passes: 'passes, as before any change',
  fixed: 'fixed: it failed before any change',
  unchanged: 'unchanged: the same failure as before any change',
  'new-failures': 'new failures: it did not fail this way before any change',
}

/** What the baseline found; a baseline without a classification says only whether it passed. */
export function baselineWords(run: CheckRunView): string {
  return run.classification ? BASELINE_WORDS[run.classification] : run.passed ? 'passes' : 'fails'
}

export const runName = (run: CheckRunView): string =>
  run.kind === 'baseline' ? 'Before any change' : `Round ${run.iteration}`

export const exitWords = (run: CheckRunView): string =>
  run.exitCode === null ? 'killed (no exit)' : `exit ${run.exitCode}`

/** Exit and duration, e.g. "exit 1 · 2.3 s". */
export const runMeta = (run: CheckRunView): string => `${exitWords(run)} · ${formatDuration(run.durationMs)}`

/** The run's outcome in words: the baseline's classification, or passed / failed and the comparison. */
export function outcomeWords(run: CheckRunView): string {
  if (run.kind === 'baseline') return baselineWords(run)
  const verdict = run.passed ? 'passed' : 'failed'
  return run.vsBaseline ? `${verdict}, ${COMPARISON_WORDS[run.vsBaseline]}` : verdict
}

/** One line for the list of every run, e.g. "Round 1: failed, unchanged: … · exit 1 · 2.3 s". */
export const runLine = (run: CheckRunView): string =>
  `${runName(run)}: ${outcomeWords(run)} · ${runMeta(run)}`

/**
 * Where the check ran: the mission's folder (by name when known) or a folder relative to it, e.g. "..".
 * Undefined when the run does not say.
 */
export function whereWords(cwd: string | undefined, folder: string | undefined): string | undefined {
  if (cwd === undefined) return undefined
  if (cwd === '.' || cwd === '') return folder ? `in ${folder}` : "in the mission's folder"
  return `in ${cwd}`
}
