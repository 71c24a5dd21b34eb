// How a plan iteration ends, as pure functions: the next step once no dispatch is possible (run the
// check, re-plan, or wait), the reason a mission with failed todos ends, and what a run of the check
// command leaves in the journal.

import { scrubSecrets } from '../util/scrub-secrets'
import type { JournalEntryInput, TodoRecord } from '../record/entries'
import { outputTail } from '../record/journal'
import { failedDependencies, todoFate } from '../record/todo-fate'
import type { CheckResult } from '../ports'
import type { CheckFailure } from '../protocol/prompts'
import { classifyBaseline } from '../project/check-baseline'

export type IterationStep =
  | { next: 'check' }
  | { next: 'wait' }
  | { next: 'replan'; failed: string[] }
  /** Nothing else can progress: what is left was cancelled (by the user or by policy) or waits on a cancelled todo. */
  | { next: 'end'; cancelled: string[]; blocked: string[] }

export interface IterationActivity {
  /** A session of the mission is running a turn. */
  busy: boolean
  /** A timer will re-queue work (a provider backoff). */
  waiting: boolean
}

/**
 * Every todo passed review: the check runs, even while agents write their closing words (the work is
 * in). Otherwise the iteration waits while anything is busy, pending a backoff or in flight (a
 * reported todo is always reviewed), and while a pending todo can still start: its dependencies have
 * not failed, so it only waits for them, a breaker that will half-open, or the caps. A failed todo
 * does not end the iteration while others progress. When nothing can progress, the planner revises
 * the plan, told which todos failed.
 * Cancelled todos, and those waiting on them, will not progress and are not re-planned (the user
 * decided): once only they are left besides passed todos, the mission ends.
 */
export function iterationStep(
  todos: readonly (TodoRecord | undefined)[],
  now: IterationActivity,
): IterationStep {
  if (todos.every((t) => t?.status === 'passed')) return { next: 'check' }
  if (now.busy || now.waiting) return { next: 'wait' }
  const inFlight = todos.some((t) => t && ['running', 'reported', 'reviewing', 'waiting'].includes(t.status))
  if (inFlight) return { next: 'wait' }
  const byId = new Map(todos.flatMap((t) => (t ? [[t.id, t] as const] : [])))
  const lookup = (id: string) => byId.get(id)
  const canStart = todos.some(
    (t) => t && (t.status === 'pending' || t.status === 'ready') && !failedDependencies(t, lookup).length,
  )
  if (canStart) return { next: 'wait' }
  const failed = todos
    .filter((t) => t && (t.status === 'failed' || t.status === 'blocked'))
    .map((t) => t?.id ?? '')
  if (failed.length === 0) {
    const cancelled = todos.filter((t) => t?.status === 'cancelled').map((t) => t?.id ?? '')
    const blocked = todos
      .filter((t) => t && (t.status === 'pending' || t.status === 'ready'))
      .map((t) => t?.id ?? '')
    if (cancelled.length > 0) return { next: 'end', cancelled, blocked }
  }
  return { next: 'replan', failed }
}

/**
 * Why a mission ends with failed todos and no plan iteration left to revise them: each failed todo
 * with its reason, and the todos they block.
 */
export function failedTodosReason(todos: readonly (TodoRecord | undefined)[], budget: string): string {
  const byId = new Map(todos.flatMap((t) => (t ? [[t.id, t] as const] : [])))
  const lookup = (id: string) => byId.get(id)
  const parts: string[] = []
  for (const t of todos) {
    if (!t) continue
    const fate = todoFate(t, lookup)
    if (fate.status === 'failed') parts.push(`${t.id} failed (${fate.reason ?? 'failed'})`)
    else if (fate.status === 'cancelled') parts.push(`${t.id} cancelled by ${t.cancelledBy ?? 'the user'}`)
    else if (fate.blockedBy) parts.push(`${t.id} blocked by ${fate.blockedBy.join(', ')}`)
  }
  return `${parts.join('; ')} — no re-plan left (${budget})`
}

/**
 * The evidence entry of a check run (a run that timed out has no exit code), and the failure the
 * planner is told about unless it passed.
 */
export function checkOutcome(
  command: string,
  result: CheckResult,
  where: { source?: string; cwd?: string } = {},
): { evidence: Extract<JournalEntryInput, { type: 'evidence' }>; failure?: CheckFailure } {
  const tail = outputTail(result.output)
  const exitCode = result.timedOut ? null : result.exitCode
  const evidence = {
    type: 'evidence' as const,
    command,
    exitCode,
    durationMs: result.durationMs,
    outputTail: tail,
    ...(where.source !== undefined && { source: where.source }),
    ...(where.cwd !== undefined && { cwd: where.cwd }),
  }
  if (exitCode === 0) return { evidence }
  // The planner is told the command as the journal shows it: never a secret it holds.
  return { evidence, failure: { command: scrubSecrets(command), exitCode, outputTail: tail } }
}

/** The journal entry of the check's run on the mission's base, classified. */
export function baselineEntry(
  check: { command: string; source: string; cwd?: string },
  result: CheckResult,
): Extract<JournalEntryInput, { type: 'check.baseline' }> {
  const verdict = classifyBaseline(result)
  return {
    type: 'check.baseline',
    command: check.command,
    source: check.source,
    ...(check.cwd !== undefined && { cwd: check.cwd }),
    exitCode: result.timedOut ? null : result.exitCode,
    durationMs: result.durationMs,
    outputTail: outputTail(result.output),
    classification: verdict.classification,
    ...(verdict.diagnosis !== undefined && { diagnosis: verdict.diagnosis }),
  }
}
