// The check in a past mission's Markdown report: every run in order, the baseline on the mission's
// base first (what it found, and whether the user let the mission go on), then each round's, passed or
// failed and against the baseline, each with the last lines of its output.
// Journal text is already scrubbed.

import { formatDuration } from '../../shared/format-duration'
import { checkRuns } from './check-runs'
import type { BaselineComparison, MissionSnapshot } from './entries'
import type { BaselineClass, CheckRunState } from './mission-state'
import { fenced } from './transcript-markdown'

/** What the baseline found, after "Before the mission:". */
export const BASELINE_WORDS: Record<BaselineClass, string> = {
  passes: 'passed',
  fails: 'already failed',
  'not-set-up': "the project's environment is not set up",
}

/** A round's run against the baseline, after "passed" or "failed". */
export const VS_BASELINE_WORDS: Record<BaselineComparison, string> = {
  passes: 'as before the mission',
  fixed: 'fixed (it failed before the mission)',
  unchanged: 'unchanged from before the mission',
  'new-failures': 'new failures (not those before the mission)',
}

function runLine(run: CheckRunState, continued: boolean): string {
  const exit = run.exitCode === null ? 'killed' : `exit ${run.exitCode}`
  const where = run.cwd && run.cwd !== '.' ? ` (in ${run.cwd})` : ''
  const head = `\`${run.command}\`${where} → ${exit} in ${formatDuration(run.durationMs)}`
  if (run.kind === 'baseline') {
    const found = BASELINE_WORDS[run.classification ?? (run.passed ? 'passes' : 'fails')]
    const diagnosis = run.diagnosis ? ` (${run.diagnosis})` : ''
    return `- Before the mission: ${head}: ${found}${diagnosis}${continued ? '; the mission went on' : ''}`
  }
  const vs = run.vsBaseline ? `, ${VS_BASELINE_WORDS[run.vsBaseline]}` : ''
  return `- Round ${run.iteration}: ${head}: ${run.passed ? 'passed' : 'failed'}${vs}`
}

/** The report's section on the check. */
export function checkSection(snap: MissionSnapshot): string[] {
  const runs = checkRuns(snap)
  const out = ['', '## Evidence']
  if (runs.length === 0) return [...out, '', '_The check command did not run._']
  for (const run of runs) {
    out.push('', runLine(run, snap.baseline?.continued === true))
    if (run.outputTail) out.push('', fenced(run.outputTail))
  }
  if (!runs.some((r) => r.kind === 'round')) out.push('', '_The check did not run after a round._')
  return out
}
