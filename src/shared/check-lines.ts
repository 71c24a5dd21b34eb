// The check in plain text, for the CLI and for the notes of /task inside OpenCode: where it was
// found and where it runs (once, at the start), and one line per run (the baseline on the mission's
// base, then each round's), with the last lines of its output when it failed.

import { NO_CHECK } from '../engine/mission'
import type { CheckRunState, MissionState } from '../engine/record/mission-state'
import { formatDuration } from '../shared/format-duration'

/** Lines of a failed check's output shown under its line. */
export const TAIL_LINES = 12

/** Which check gives the evidence, why that one, and where it runs: said once, when the mission starts. */
export function checkLine(check: NonNullable<MissionState['check']>): string {
  if (!check.command) return `check: none, ${check.source}: the mission can only end "${NO_CHECK}"`
  const where = check.cwd ? `, found in ${check.cwd} and run there` : ''
  return `check: ${check.command} (${check.source}${where})`
}

const BASELINE_NOTE = {
  passes: '',
  fails: ' — it already fails before any change: the mission goes on, and the planner is told',
  'not-set-up': " — the project's environment is not set up",
} as const

const VS_BASELINE = {
  passes: '',
  fixed: ' — fixed (it failed before the mission)',
  unchanged: ' — the same failure as before the mission',
  'new-failures': ' — not the failure it had before the mission',
} as const

/** A check run's line, and on failure the last lines of its output (indented). */
export function checkRunLines(run: CheckRunState): string[] {
  const what = run.kind === 'baseline' ? 'check before any change' : `check after round ${run.iteration}`
  const exit = run.exitCode === null ? 'timed out' : `exit ${run.exitCode}`
  const outcome = run.passed ? 'passed' : 'failed'
  const note =
    run.kind === 'baseline'
      ? `${BASELINE_NOTE[run.classification ?? (run.passed ? 'passes' : 'fails')]}${run.diagnosis ? ` (${run.diagnosis})` : ''}`
      : run.vsBaseline
        ? VS_BASELINE[run.vsBaseline]
        : ''
  const head = `${run.passed ? '✓' : '✗'} ${what}: ${run.command} ${outcome} (${exit}, ${formatDuration(run.durationMs)})${note}`
  if (run.passed) return [head]
  const tail = run.outputTail === '' ? [] : run.outputTail.split('\n').slice(-TAIL_LINES)
  return [head, ...tail.map((l) => `    ${l}`)]
}

/**
 * The runs not printed yet, marked printed in `said`. A run is known by its kind, round, command and
 * time: a changed check replaces the baseline in place, so a count of runs would miss it.
 */
export function unsaidRuns(runs: readonly CheckRunState[], said: Set<string>): CheckRunState[] {
  return runs.filter((run) => {
    const key = `${run.kind}:${run.iteration}:${run.command}:${run.durationMs}`
    if (said.has(key)) return false
    said.add(key)
    return true
  })
}
