// The CLI's words for a mission: the `--json` report, the check line at start, progress and end lines.

import { NO_CHECK } from '../engine/mission'
import type { CheckRunState, MissionState } from '../engine/record/mission-state'
import { mergeWords } from '../engine/record/replay-isolation'
import { filesWord } from '../shared/changes-words'
import { scrubStrings } from '../engine/util/scrub-secrets'
import { waitingText } from '../shared/waiting'

/** The `--json` report (a contract: product.md). */
export interface MissionReport {
  status: 'completed' | 'failed' | 'stopped'
  reason: string | null
  /** Each todo with what happened to it: `reason` says why it failed, what blocks it, or that it never started. */
  todos: {
    id: string
    status: string
    attempts: number
    evidence: unknown[]
    reason?: string
    /** The failed todos that kept it from starting. */
    blockedBy?: string[]
    /** Worktree mode: the todo's branch, and what became of it (merged, conflict, rereview, discarded). */
    branch?: string
    merge?: string
  }[]
  iterations: number
  tokens: number
  cost: number
  durationMs: number
  modelCalls: number
  /** The check command that gave the evidence; null when none ran ("completed — no check ran"). */
  checkCommand: string | null
  /** The last run of the check (after a round, else the baseline); null when it never ran. */
  check: ReportCheck | null
  /** The check's run on the mission's base, before any change; null when it did not run. */
  baseline: (ReportCheck & { classification: string; diagnosis?: string }) | null
  /**
   * How the todos were kept apart: `worktree` (with the integration branch, what was applied to the
   * user's tree, what was left as the user changed it, the branch kept) or `shared` (and why, when
   * worktrees were asked for). Absent in reports of missions before isolation.
   */
  isolation?: {
    mode: 'worktree' | 'shared'
    reason?: string
    branch?: string
    applied?: string[]
    skipped?: string[]
    keptBranch?: string
  }
}

/** One run of the check in the report. */
export interface ReportCheck {
  command: string
  source: string
  /** Where it ran, relative to the mission's folder, when not there. */
  cwd?: string
  /** null: it timed out. */
  exitCode: number | null
  durationMs: number
  outputTail: string
  /** After a round: how it compares with the baseline, when the same command ran both. */
  vsBaseline?: string
}

/** The report of a mission, every string in it scrubbed: reasons and summaries can echo a provider's key. */
export function toReport(s: MissionState): MissionReport {
  const checks = s.checks
  const lastCheck = checks.at(-1)
  const baseline = checks.find((c) => c.kind === 'baseline')
  return scrubStrings({
    status: s.phase === 'completed' ? 'completed' : s.phase === 'stopped' ? 'stopped' : 'failed',
    reason: s.reason ?? null,
    todos: s.todos.map((t) => ({
      id: t.id,
      status: t.status,
      attempts: t.attempts,
      evidence: todoEvidence(t),
      ...(t.reason !== undefined && { reason: t.reason }),
      ...(t.blockedBy !== undefined && { blockedBy: t.blockedBy }),
      ...(t.branch !== undefined && { branch: t.branch }),
      ...(t.merge !== undefined && { merge: t.merge.result }),
    })),
    iterations: s.iteration,
    tokens: s.tokens,
    cost: s.cost,
    durationMs: (s.endedAt ?? s.startedAt) - s.startedAt,
    modelCalls: s.modelCalls,
    checkCommand: s.check?.command ?? null,
    check: lastCheck ? reportCheck(lastCheck) : null,
    baseline: baseline
      ? {
          ...reportCheck(baseline),
          classification: baseline.classification ?? (baseline.passed ? 'passes' : 'fails'),
          ...(baseline.diagnosis !== undefined && { diagnosis: baseline.diagnosis }),
        }
      : null,
    ...(s.isolation && { isolation: reportIsolation(s.isolation) }),
  })
}

function reportIsolation(i: NonNullable<MissionState['isolation']>): NonNullable<MissionReport['isolation']> {
  if (i.mode === 'shared') return { mode: 'shared', reason: i.reason }
  const closed = i.closed
  return {
    mode: 'worktree',
    branch: i.branch,
    ...(closed && { applied: closed.applied, skipped: closed.skipped }),
    ...(closed?.keptBranch !== undefined && { keptBranch: closed.keptBranch }),
  }
}

/** What worktree mode did with the mission's result, for the end of a run; undefined in shared mode. */
export function isolationLine(s: MissionState): string | undefined {
  const closed = s.isolation?.mode === 'worktree' ? s.isolation.closed : undefined
  if (!closed) return undefined
  const parts: string[] = []
  if (closed.applied.length) parts.push(`applied ${filesWord(closed.applied.length)} to your folder`)
  if (closed.skipped.length)
    parts.push(
      `left ${closed.skipped.join(', ')} as you changed ${closed.skipped.length === 1 ? 'it' : 'them'}`,
    )
  if (closed.keptBranch !== undefined)
    parts.push(`the merged work is on branch ${closed.keptBranch} (git diff HEAD ${closed.keptBranch})`)
  return parts.length ? `worktrees: ${parts.join('; ')}` : 'worktrees: nothing to apply'
}

/** A line per todo whose branch met a new fate (merged, conflict, …) since `said`, which it updates. */
export function mergeLines(s: MissionState, said: Map<string, string>): string[] {
  const out: string[] = []
  for (const t of s.todos) {
    const merge = t.merge
    if (!merge) continue
    const key = `${merge.result}:${t.attempts}:${merge.files.join(',')}`
    if (said.get(t.id) === key) continue
    said.set(t.id, key)
    out.push(`${t.id}: ${mergeWords(merge)}`)
  }
  return out
}

function reportCheck(run: CheckRunState): ReportCheck {
  return {
    command: run.command,
    source: run.source,
    ...(run.cwd !== undefined && { cwd: run.cwd }),
    exitCode: run.exitCode,
    durationMs: run.durationMs,
    outputTail: run.outputTail,
    ...(run.vsBaseline !== undefined && { vsBaseline: run.vsBaseline }),
  }
}

/** The `--json` report of a mission that never started: a failed preflight, a server that would not start. */
export function notStartedReport(
  status: 'failed' | 'stopped',
  reason: string,
  durationMs: number,
): MissionReport {
  return {
    status,
    reason: scrubStrings(reason),
    todos: [],
    iterations: 0,
    tokens: 0,
    cost: 0,
    durationMs,
    modelCalls: 0,
    checkCommand: null,
    check: null,
    baseline: null,
  }
}

/** What proves a todo's state: its worker's report and its review (the check is the mission's, at the top). */
function todoEvidence(t: MissionState['todos'][number]): unknown[] {
  return [
    ...(t.summary ? [{ type: 'report', summary: t.summary }] : []),
    ...(t.status === 'passed'
      ? [{ type: 'review', verdict: 'pass', findings: t.findings }]
      : t.findings.length
        ? [{ type: 'review', verdict: 'fail', findings: t.findings }]
        : []),
  ]
}

/**
 * One stderr line per visible change of the mission; an agent in provider retry says what it waits
 * on (seconds left counted at `now`), and a question for the user says so.
 */
export function progressLine(s: MissionState, now = Date.now()): string {
  const passed = s.todos.filter((t) => t.status === 'passed').length
  const busy = s.agents.filter((a) => a.status === 'busy' || a.status === 'retry' || a.status === 'waiting')
  const agents = busy
    .map((a) => {
      const waiting = a.status === 'retry' ? waitingText(a, now) : undefined
      return `${a.role}${a.todoId ? `:${a.todoId}` : ''}${waiting ? ` (${waiting})` : ''}`
    })
    .join(' ')
  const progress = s.todos.length ? ` ${passed}/${s.todos.length} todos` : ''
  const ask = s.needsYou ? ` · needs you: ${s.needsYou.reason}` : ''
  return `[${s.phase}${s.iteration > 1 ? ` #${s.iteration}` : ''}]${progress}${agents ? ` · ${agents}` : ''}${ask}`
}

/** The last stderr line: how the mission ended, never a plain success when no check ran. */
export function endLine(s: MissionState): string {
  if (s.phase === 'completed' && !s.check?.command) return `mission ${NO_CHECK}`
  return `mission ${s.phase}${s.reason ? `: ${s.reason}` : ''}`
}
