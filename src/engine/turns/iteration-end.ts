// How a plan iteration ends, as pure functions: the next step once no dispatch is possible (run the
// check, re-plan, or wait), and what a run of the check command leaves in the journal.

import { cancelledBlocks } from '../record/cancelled-blocks'
import { outputTail, type JournalEntryInput, type TodoRecord } from '../record/journal'
import type { CheckResult } from '../ports'
import type { CheckFailure } from '../protocol/prompts'

export type IterationStep =
  | { next: 'check' }
  | { next: 'wait' }
  | { next: 'replan'; failed: string[] }
  /** Nothing else can progress: what is left was cancelled by the user or waits on a cancelled todo. */
  | { next: 'end'; cancelled: string[]; blocked: string[] }

export interface IterationActivity {
  /** A session of the mission is running a turn. */
  busy: boolean
  /** A timer will re-queue work (a provider backoff). */
  waiting: boolean
}

/**
 * Every todo passed review: the check runs, even while agents write their closing words (the work is
 * in). Otherwise the iteration waits while anything is busy, pending a backoff or in flight, and
 * while pending todos wait for a breaker or the caps with none failed. Else the planner revises the
 * plan, told which todos failed or are blocked. Cancelled todos, and those waiting on them, will not
 * progress and are not re-planned (the user decided): once only they are left, the mission ends.
 */
export function iterationStep(
  todos: readonly (TodoRecord | undefined)[],
  now: IterationActivity,
): IterationStep {
  if (todos.every((t) => t?.status === 'passed')) return { next: 'check' }
  if (now.busy || now.waiting) return { next: 'wait' }
  const inFlight = todos.some((t) => t && ['running', 'reported', 'reviewing'].includes(t.status))
  if (inFlight) return { next: 'wait' }
  const held = cancelledBlocks(todos)
  const failed = todos
    .filter((t) => t && (t.status === 'failed' || t.status === 'blocked') && !held.has(t.id))
    .map((t) => t?.id ?? '')
  const open = todos.some((t) => t && (t.status === 'pending' || t.status === 'ready') && !held.has(t.id))
  if (failed.length === 0 && open) return { next: 'wait' }
  const cancelled = todos.filter((t) => t?.status === 'cancelled').map((t) => t?.id ?? '')
  if (failed.length === 0 && cancelled.length > 0)
    return { next: 'end', cancelled, blocked: [...held.keys()] }
  return { next: 'replan', failed }
}

/** The evidence entry of a check run, and the failure the planner is told about unless it passed. */
export function checkOutcome(
  command: string,
  result: CheckResult,
): { evidence: JournalEntryInput; failure?: CheckFailure } {
  const tail = outputTail(result.output)
  const evidence: JournalEntryInput = {
    type: 'evidence',
    command,
    exitCode: result.exitCode,
    durationMs: result.durationMs,
    outputTail: tail,
  }
  if (result.exitCode === 0 && !result.timedOut) return { evidence }
  return {
    evidence,
    failure: { command, exitCode: result.timedOut ? null : result.exitCode, outputTail: tail },
  }
}
