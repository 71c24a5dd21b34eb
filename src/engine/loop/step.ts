// What the mission does next, as one pure function of the journal's snapshot and a few live facts.
// The loop (loop/runner.ts) asks it whenever something moved; no other place decides to end the
// mission, run the check, plan again, re-plan or dispatch. A turn's own continuation (a nudge, the
// brief again, the user's message) is the turn's business (turns/turn-end.ts); what a turn ends in
// is journaled, and comes back here. Faults and commands (the user's stop, a server gone for good, a
// journal that cannot be written) end the mission where they happen, through loop/end.ts.

import { budgetSpent, type BudgetAmounts, type BudgetExceeded, type BudgetLimits } from '../guards/budgets'
import type { MissionSnapshot } from '../record/entries'
import type { MissionPhase } from '../record/mission-state'
import type { CheckFailure } from '../protocol/prompts'
import { checkProgress, lastCheckNote, noProgressReason } from '../turns/check-progress'
import { failedTodosReason, iterationStep } from '../turns/iteration-end'

export type Step =
  | { do: 'end'; status: 'completed' | 'failed' | 'stopped'; reason?: string }
  | { do: 'check' }
  | { do: 'replan'; failed: string[]; failure?: CheckFailure }
  /** The planner's last turn brought no valid plan: it tries again, told why. */
  | { do: 'plan-again'; reasons: string[] }
  | { do: 'dispatch' }
  | { do: 'wait' }

export interface StepFacts {
  phase: MissionPhase
  /** New work may start: not paused, the server in reach, the check's baseline settled. */
  ready: boolean
  /** A session of the mission is running a turn. */
  busy: boolean
  /** The scheduler can start a todo now (under the caps, breakers and cooling providers). */
  startable: boolean
  /** Starts under way (a session being created or prompted). */
  dispatching: boolean
  /** A provider backoff will put a todo back in the queue. */
  waiting: boolean
  /** The mission's usage so far (tokens, cost, wall time); its rounds come from the snapshot. */
  usage: Omit<BudgetAmounts, 'iterations' | 'roundsWithoutProgress'>
  /** A planner's turn runs or is being sent. */
  planning: boolean
  /** What the planner last wrote, named when the mission ends without a plan ("" when nothing). */
  plannerWords: string
  /** The check as the journal writes it (null: none), and this round's run of it by this instance. */
  check: { command: string | null; run: 'none' | 'running' | 'done' }
}

export type Limits = Readonly<Required<BudgetLimits>> & { readonly maxPlanAttempts: number }

export function nextStep(snap: MissionSnapshot, facts: StepFacts, limits: Limits): Step {
  const { phase } = facts
  if (phase === 'completed' || phase === 'failed' || phase === 'stopped') return { do: 'wait' }
  const rounds = { iterations: snap.iteration, roundsWithoutProgress: snap.roundsWithoutProgress }
  const spent = budgetSpent(limits, { ...facts.usage, ...rounds })
  if (spent) return { do: 'end', status: 'failed', reason: budgetReason(spent) }
  if (phase === 'checking') return afterCheck(snap, facts, limits)
  if (phase === 'planning') return afterPlanTurn(snap, facts, limits)
  // Paused, out of reach or before the baseline settled: nothing starts and no round ends.
  if (phase !== 'working' || !facts.ready) return { do: 'wait' }
  if (facts.startable) return { do: 'dispatch' }
  // While anything is busy the round goes on unless every todo passed (most steps): one still to pass
  // is found at once from the end (todos pass roughly in plan order), where the list below costs
  // every todo of the mission.
  const busy = facts.busy || facts.dispatching || facts.waiting
  if (busy && snap.todoOrder.findLast((id) => snap.todos[id]?.status !== 'passed') !== undefined)
    return { do: 'wait' }
  const todos = snap.todoOrder.map((id) => snap.todos[id])
  const step = iterationStep(todos, {
    busy: facts.busy || facts.dispatching,
    waiting: facts.waiting,
  })
  if (step.next === 'check') return { do: 'check' }
  if (step.next === 'wait') return { do: 'wait' }
  if (step.next === 'end') return cancelledEnd(snap, step.cancelled, step.blocked)
  const next = roundSpent(snap, facts, limits)
  if (next && step.failed.length)
    return { do: 'end', status: 'failed', reason: failedTodosReason(todos, budgetReason(next)) }
  if (next) return { do: 'end', status: 'failed', reason: budgetReason(next) }
  return { do: 'replan', failed: step.failed }
}

/** The planner's turn ended without a plan: it tries again within its attempts, or the mission ends. */
function afterPlanTurn(snap: MissionSnapshot, facts: StepFacts, limits: Limits): Step {
  const rejected = snap.planRejected
  if (!rejected) return { do: 'wait' }
  if (rejected.final !== undefined) return { do: 'end', status: 'failed', reason: rejected.final }
  if (facts.planning) return { do: 'wait' }
  const n = snap.planRejections
  if (n >= limits.maxPlanAttempts)
    return {
      do: 'end',
      status: 'failed',
      reason: `no valid plan after ${n} attempts: ${rejected.reasons.join('; ')}${facts.plannerWords}`,
    }
  return { do: 'plan-again', reasons: rejected.reasons }
}

/** Every todo passed and the check ran (or there is none): complete, re-plan or stop. */
function afterCheck(snap: MissionSnapshot, facts: StepFacts, limits: Limits): Step {
  const { command, run } = facts.check
  if (command !== null && run !== 'done') return { do: 'wait' }
  const last = command === null ? undefined : snap.evidence.at(-1)
  if (!last || last.exitCode === 0)
    // Completed once the agents' closing model calls are in, so that its usage is whole.
    return facts.busy ? { do: 'wait' } : { do: 'end', status: 'completed' }
  const failure: CheckFailure = {
    command: last.command,
    exitCode: last.exitCode,
    outputTail: last.outputTail,
  }
  // Only an earlier round's run counts as "the round before": a resumed mission may run this round's again.
  const previous = snap.evidence.findLast((e) => e.command === last.command && e.iteration < snap.iteration)
  const baseline = snap.baseline?.command === last.command ? snap.baseline : undefined
  const progress = checkProgress(failure, { ...(previous && { previous }), ...(baseline && { baseline }) })
  if (progress.next === 'stop')
    return { do: 'end', status: 'failed', reason: noProgressReason(last.command, failure, progress.since) }
  // The check is why the round did not end the mission: the reason names its last result.
  const next = roundSpent(snap, facts, limits)
  if (next) return { do: 'end', status: 'failed', reason: `${budgetReason(next)}; ${lastCheckNote(snap)}` }
  return { do: 'replan', failed: [], failure }
}

/**
 * The budget a new round would overspend: the iterations (the next plan is one more), or stagnation
 * (this round counts as one without progress unless a todo newly passed review in it).
 */
export function roundSpent(
  snap: MissionSnapshot,
  facts: Pick<StepFacts, 'usage'>,
  limits: Limits,
): BudgetExceeded | undefined {
  const passed = snap.todoOrder.filter((id) => snap.todos[id]?.status === 'passed').length
  const stale = passed > snap.passedAtIteration ? 0 : snap.roundsWithoutProgress + 1
  return budgetSpent(limits, { ...facts.usage, iterations: snap.iteration + 1, roundsWithoutProgress: stale })
}

export const budgetReason = (spent: BudgetExceeded) => `budget exhausted (${spent.reason}): ${spent.message}`

/**
 * A mission left with only cancelled todos (and those waiting on them) ends: stopped when the user
 * cancelled them all, failed when a policy cancelled one (its work never passed review).
 */
function cancelledEnd(snap: MissionSnapshot, cancelled: string[], blocked: string[]): Step {
  const waiting = blocked.length
    ? `; ${blocked.join(', ')} waited on ${cancelled.length > 1 ? 'them' : 'it'}`
    : ''
  const byPolicy = cancelled.filter((id) => snap.todos[id]?.cancelledBy === 'policy')
  const byUser = cancelled.filter((id) => !byPolicy.includes(id))
  const parts = [
    ...(byUser.length ? [`cancelled by the user: ${byUser.join(', ')}`] : []),
    ...byPolicy.map((id) => `${id} ${snap.todos[id]?.cancelReason ?? 'cancelled by policy'}`),
  ]
  return {
    do: 'end',
    status: byPolicy.length ? 'failed' : 'stopped',
    reason: `${parts.join('; ')}${waiting}`,
  }
}
