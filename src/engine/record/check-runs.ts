// Every run of the check as the mission shows it: the baseline on the mission's base, then one per
// round, each round compared with the baseline when the same command ran both.

import { checkPassed, sameFailure } from '../util/check-output'
import type { BaselineRecord, EvidenceRecord, MissionSnapshot } from './entries'
import type { BaselineComparison, CheckRunState } from './mission-state'

/** A round's run against the baseline (see {@link BaselineComparison}). */
export function compareToBaseline(baseline: BaselineRecord, run: EvidenceRecord): BaselineComparison {
  if (checkPassed(run)) return checkPassed(baseline) ? 'passes' : 'fixed'
  return sameFailure(baseline, run) ? 'unchanged' : 'new-failures'
}

export function baselineState(b: BaselineRecord): CheckRunState {
  return {
    kind: 'baseline',
    iteration: 0,
    command: b.command,
    source: b.source,
    ...(b.cwd !== undefined && { cwd: b.cwd }),
    exitCode: b.exitCode,
    durationMs: b.durationMs,
    outputTail: b.outputTail,
    passed: b.classification === 'passes',
    classification: b.classification,
    ...(b.diagnosis !== undefined && { diagnosis: b.diagnosis }),
  }
}

function roundState(e: EvidenceRecord, baseline: BaselineRecord | undefined, source: string): CheckRunState {
  return {
    kind: 'round',
    iteration: e.iteration,
    command: e.command,
    source: e.source ?? source,
    ...(e.cwd !== undefined && { cwd: e.cwd }),
    exitCode: e.exitCode,
    durationMs: e.durationMs,
    outputTail: e.outputTail,
    passed: checkPassed(e),
    ...(baseline?.command === e.command && { vsBaseline: compareToBaseline(baseline, e) }),
  }
}

/**
 * The runs last made from each evidence list: every publish reads them, and the journal replaces the
 * list (and the baseline) when a run is added, so they are made again only then.
 */
const runsOf = new WeakMap<
  readonly EvidenceRecord[],
  { baseline: BaselineRecord | undefined; source: string; runs: CheckRunState[] }
>()

/** The baseline (once it ran), then every round's run, oldest first. */
export function checkRuns(snap: MissionSnapshot): CheckRunState[] {
  const source = typeof snap.options.checkSource === 'string' ? snap.options.checkSource : ''
  const hit = runsOf.get(snap.evidence)
  if (hit && hit.baseline === snap.baseline && hit.source === source) return hit.runs
  const runs = [
    ...(snap.baseline ? [baselineState(snap.baseline)] : []),
    ...snap.evidence.map((e) => roundState(e, snap.baseline, source)),
  ]
  runsOf.set(snap.evidence, { baseline: snap.baseline, source, runs })
  return runs
}
