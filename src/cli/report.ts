// The CLI's words for a mission: the `--json` report, the check line at start, progress and end lines.

import { NO_CHECK } from '../engine/mission'
import type { MissionState } from '../engine/record/mission-state'
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
  }[]
  iterations: number
  tokens: number
  cost: number
  durationMs: number
  modelCalls: number
  /** The check command that gave the evidence; null when none ran ("completed — no check ran"). */
  checkCommand: string | null
}

/** The report of a mission, every string in it scrubbed: reasons and summaries can echo a provider's key. */
export function toReport(s: MissionState): MissionReport {
  return scrubStrings({
    status: s.phase === 'completed' ? 'completed' : s.phase === 'stopped' ? 'stopped' : 'failed',
    reason: s.reason ?? null,
    todos: s.todos.map((t) => ({
      id: t.id,
      status: t.status,
      attempts: t.attempts,
      evidence: todoEvidence(s, t),
      ...(t.reason !== undefined && { reason: t.reason }),
      ...(t.blockedBy !== undefined && { blockedBy: t.blockedBy }),
    })),
    iterations: s.iteration,
    tokens: s.tokens,
    cost: s.cost,
    durationMs: (s.endedAt ?? s.startedAt) - s.startedAt,
    modelCalls: s.modelCalls,
    checkCommand: s.check?.command ?? null,
  })
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
  }
}

/** What proves a todo's state: the worker's report, the review, and the mission's last check. */
function todoEvidence(s: MissionState, t: MissionState['todos'][number]): unknown[] {
  const check = s.evidence.at(-1)
  return [
    ...(t.summary ? [{ type: 'report', summary: t.summary }] : []),
    ...(t.status === 'passed'
      ? [{ type: 'review', verdict: 'pass', findings: t.findings }]
      : t.findings.length
        ? [{ type: 'review', verdict: 'fail', findings: t.findings }]
        : []),
    ...(check
      ? [{ type: 'check', command: check.command, exitCode: check.exitCode, durationMs: check.durationMs }]
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

/** Which check gives the evidence, and why that one: said once, when the mission starts. */
export function checkLine(check: NonNullable<MissionState['check']>): string {
  if (check.command) return `check: ${check.command} (${check.source})`
  return `check: none, ${check.source}: the mission can only end "${NO_CHECK}"`
}

/** The last stderr line: how the mission ended, never a plain success when no check ran. */
export function endLine(s: MissionState): string {
  if (s.phase === 'completed' && !s.check?.command) return `mission ${NO_CHECK}`
  return `mission ${s.phase}${s.reason ? `: ${s.reason}` : ''}`
}
