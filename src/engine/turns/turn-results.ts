// A turn's result, read from the agent's mission tool calls: a call as its completion event arrives,
// or the last completed call stored in the session (recovery after a restart or a dropped event
// stream). Only a well-formed result of the turn's own kind, about the turn's own todo, counts. And
// what a delivered result does to the mission.

import type { JournalEntryInput } from '../record/journal'
import type { Turn } from '../sessions/live-session'
import {
  checkPlan,
  checkReport,
  checkVerdict,
  TOOL_PLAN,
  TOOL_REPORT,
  TOOL_VERDICT,
  type PlanArgs,
} from '../protocol/mission-protocol'
import type { ToolCallRecord } from '../ports'

/**
 * Checks a completed mission tool call and records it on the open turn (a plan, or the reasons a plan
 * was refused; a report; a verdict). Returns true when the turn now carries a usable result.
 */
export function captureResult(
  turn: Turn,
  tool: string,
  input: unknown,
  knownIds: ReadonlySet<string>,
): boolean {
  if (tool === TOOL_PLAN && turn.kind === 'plan') {
    const checked = checkPlan(input, { knownIds })
    if (checked.ok) turn.plan = checked.value
    else turn.planErrors = checked.errors
  } else if (tool === TOOL_REPORT && turn.kind === 'work') {
    const checked = checkReport(input, knownIds)
    if (checked.ok && checked.value.todoId === turn.todoId) turn.report = checked.value
  } else if (tool === TOOL_VERDICT && turn.kind === 'review') {
    const checked = checkVerdict(input, knownIds)
    if (checked.ok && checked.value.todoId === turn.todoId) turn.verdict = checked.value
  }
  return Boolean(turn.plan ?? turn.report ?? turn.verdict)
}

/** The last completed call of a tool among stored calls. */
export function lastCompleted(calls: readonly ToolCallRecord[] | undefined, tool: string) {
  return calls?.filter((c) => c.tool === tool && c.status === 'completed').at(-1)
}

/**
 * The finished turn of a work or review session, rebuilt from its stored calls when the last report
 * (or verdict) is valid and about `todoId`; with the call that carried it. Undefined otherwise.
 */
export function recoveredTurn(
  kind: 'work' | 'review',
  todoId: string,
  calls: readonly ToolCallRecord[] | undefined,
  knownIds: ReadonlySet<string>,
): { turn: Turn; callId: string } | undefined {
  const last = lastCompleted(calls, kind === 'work' ? TOOL_REPORT : TOOL_VERDICT)
  const turn: Turn = { kind, todoId, nudged: true }
  return last && captureResult(turn, last.tool, last.input, knownIds)
    ? { turn, callId: last.callId }
    : undefined
}

/**
 * What a delivered result does: a plan is accepted; a report or a verdict goes into the journal,
 * with the reason the attempt failed unless the work was done (or passed). The role is the one the
 * result shows working.
 */
export type TurnOutcome =
  | { role: 'planner'; plan: PlanArgs }
  | { role: 'worker' | 'reviewer'; entry: JournalEntryInput; failure?: string }

/** The outcome of the turn's result; undefined while it carries none of its kind. */
export function turnOutcome(turn: Turn): TurnOutcome | undefined {
  if (turn.kind === 'plan' && turn.plan) return { role: 'planner', plan: turn.plan }
  if (turn.kind === 'work' && turn.report) {
    const { report } = turn
    return {
      role: 'worker',
      entry: { type: 'todo.reported', ...report },
      ...(report.status !== 'done' && { failure: `worker reported ${report.status}` }),
    }
  }
  if (turn.kind === 'review' && turn.verdict) {
    const { verdict } = turn
    return {
      role: 'reviewer',
      entry: { type: 'todo.verdict', ...verdict },
      ...(verdict.verdict !== 'pass' && { failure: `review failed: ${verdict.findings.join('; ')}` }),
    }
  }
  return undefined
}
