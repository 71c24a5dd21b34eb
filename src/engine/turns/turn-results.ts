// A turn's result, read from the agent's mission tool calls: a call as its completion event arrives,
// or the last completed call stored in the session (recovery after a restart or a dropped event
// stream). Only a well-formed result of the turn's own kind, about the turn's own todo, counts. And
// what a delivered result does to the mission.

import type { JournalEntryInput } from '../record/entries'
import { addRefusal, cutReason, openTurn, setPlanErrors, setResult, type Turn } from '../sessions/turn'
import { excerpt } from '../util/excerpt'
import {
  checkPlan,
  checkReport,
  checkVerdict,
  MISSION_TOOLS,
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
  messageId?: string,
): boolean {
  if (tool === TOOL_PLAN && turn.kind === 'plan') {
    const checked = checkPlan(input, { knownIds })
    if (checked.ok) setResult(turn, { plan: checked.value }, messageId)
    else setPlanErrors(turn, checked.errors)
  } else if (tool === TOOL_REPORT && turn.kind === 'work') {
    const checked = checkReport(input, knownIds)
    if (checked.ok && checked.value.todoId === turn.todoId)
      setResult(turn, { report: checked.value }, messageId)
  } else if (tool === TOOL_VERDICT && turn.kind === 'review') {
    const checked = checkVerdict(input, knownIds)
    if (checked.ok && checked.value.todoId === turn.todoId)
      setResult(turn, { verdict: checked.value }, messageId)
  }
  return turn.result !== undefined
}

/**
 * Refused calls in one turn after which the agent counts as looping on them (a model that keeps
 * calling a tool the same wrong way never ends its turn by itself): the engine ends the turn.
 */
export const MAX_REFUSED_CALLS = 3

/** OpenCode's stand-in for a call of a tool the agent does not have; its input names the error. */
const UNAVAILABLE_TOOL = 'invalid'
const REFUSAL_MAX_CHARS = 300

/** A refused tool call: the tool and why, in one line per problem. */
export interface RefusedCall {
  tool: string
  reasons: string[]
}

/**
 * Why a tool call was refused: a mission tool call that failed its checks (the plugin's error lists
 * the problems as "- " lines), or a call of a tool the agent does not have (OpenCode's first
 * sentence names it). Undefined for any other call.
 */
export function refusalOf(call: {
  tool: string
  status: string
  input: unknown
  error?: string
}): RefusedCall | undefined {
  if (call.status === 'error' && (MISSION_TOOLS as readonly string[]).includes(call.tool)) {
    const error = call.error ?? `${call.tool} was refused`
    const listed = error.split('\n').flatMap((l) => (l.startsWith('- ') ? [l.slice(2)] : []))
    return { tool: call.tool, reasons: (listed.length ? listed : [error]).map(short) }
  }
  if (call.status !== 'completed' || call.tool !== UNAVAILABLE_TOOL) return undefined
  const error = (call.input as { error?: unknown } | undefined)?.error
  const first = typeof error === 'string' ? error.split(/\.\s/)[0] : undefined
  return { tool: call.tool, reasons: [short(first || 'a call of an unavailable tool')] }
}

const short = (text: string) => excerpt(text.replace(/\s+/g, ' ').trim(), REFUSAL_MAX_CHARS)

/**
 * Records a refused call on the open turn; a refused plan's reasons become the turn's plan errors
 * (what the planner's retry and the mission's end name). True once the turn had
 * {@link MAX_REFUSED_CALLS} refusals.
 */
export function recordRefusal(turn: Turn, refusal: RefusedCall): boolean {
  const line =
    refusal.tool === UNAVAILABLE_TOOL
      ? refusal.reasons.join('; ')
      : `${refusal.tool}: ${refusal.reasons.join('; ')}`
  if (turn.kind === 'plan' && refusal.tool === TOOL_PLAN) setPlanErrors(turn, refusal.reasons)
  return addRefusal(turn, line) >= MAX_REFUSED_CALLS
}

/** Why a work or review turn ended without its result: none given, the calls refused, or cut short. */
export function noResultReason(turn: Turn): string {
  const why = turn.kind === 'work' ? 'no report' : 'the reviewer gave no verdict'
  const cutShort = cutReason(turn)
  if (cutShort !== undefined) return `${why}: ${cutShort}`
  const last = turn.refusals.at(-1)
  if (last === undefined) return why
  return `${why}: its last tool call was refused: ${last}`
}

/** Why a turn is cut short after {@link MAX_REFUSED_CALLS} refusals. */
export const refusedReason = (turn: Turn) =>
  `${turn.refusals.length} tool calls refused in one turn, the last: ${turn.refusals.at(-1) ?? ''}`

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
  const turn = openTurn(kind, todoId, { nudged: true })
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
  const result = turn.result
  if (result === undefined) return undefined
  if ('plan' in result) return { role: 'planner', plan: result.plan }
  if ('report' in result) {
    const { report } = result
    return {
      role: 'worker',
      entry: { type: 'todo.reported', ...report },
      ...(report.status !== 'done' && { failure: `worker reported ${report.status}` }),
    }
  }
  const { verdict } = result
  return {
    role: 'reviewer',
    entry: { type: 'todo.verdict', ...verdict },
    ...(verdict.verdict !== 'pass' && {
      failure: verdict.findings.length
        ? `review failed: ${verdict.findings.join('; ')}`
        : 'review failed, with no findings given',
    }),
  }
}
