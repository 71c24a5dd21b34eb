// The MissionState a mission publishes: its first value, and each next one with the mission's live
// parts folded in (pause, agents, inbox, usage totals and, once the journal is read, its iteration,
// todos and evidence).

import type { AgentRoster } from './agent-roster'
import type { MissionEndStatus, MissionSnapshot } from './entries'
import type { BudgetView, MissionPhase, MissionState, NeedsYou, PermissionAsk } from './mission-state'
import type { Timeline } from './timeline'
import { todoStates } from './mission-view'
import { checkRuns } from './check-runs'

export function initialState(
  id: string,
  goal: string,
  startedAt: number,
  budgets: BudgetView = {},
): MissionState {
  return {
    id,
    goal,
    phase: 'starting',
    iteration: 0,
    paused: false,
    startedAt,
    agents: [],
    todos: [],
    evidence: [],
    checks: [],
    inbox: [],
    tokens: 0,
    cost: 0,
    modelCalls: 0,
    budgets,
    timeline: [],
  }
}

export interface MissionParts {
  paused: boolean
  roster: AgentRoster
  inbox: PermissionAsk[]
  timeline: Timeline
  needsYou: NeedsYou | undefined
  /** The journal's mission; undefined until it is read. */
  snap: MissionSnapshot | undefined
}

/**
 * Todos by journal snapshot and end: the snapshot is replaced on every append, so a publish without
 * one reuses the list; the end (published before it is journaled) makes the in-flight ones interrupted.
 */
const todosOf = new WeakMap<
  MissionSnapshot,
  { end: MissionEndStatus | undefined; list: MissionState['todos'] }
>()

function todos(snap: MissionSnapshot, phase: MissionPhase): MissionState['todos'] {
  const end = phase === 'completed' || phase === 'failed' || phase === 'stopped' ? phase : undefined
  const hit = todosOf.get(snap)
  if (hit && hit.end === end) return hit.list
  const list = todoStates(snap, end)
  todosOf.set(snap, { end, list })
  return list
}

export function withParts(
  { needsYou: _, ...state }: MissionState,
  { paused, roster, inbox, timeline, needsYou, snap }: MissionParts,
): MissionState {
  return {
    ...state,
    ...(needsYou && { needsYou }),
    paused,
    agents: roster.list,
    inbox,
    tokens: roster.tokens,
    cost: roster.cost,
    modelCalls: roster.modelCalls,
    timeline: timeline.lanes,
    ...(snap && {
      ...(snap.title !== undefined && { title: snap.title }),
      iteration: snap.iteration,
      todos: todos(snap, state.phase),
      evidence: snap.evidence,
      checks: checkRuns(snap),
      ...(snap.base && { base: snap.base }),
      ...(snap.isolation && {
        isolation: { ...snap.isolation, ...(snap.isolationClosed && { closed: snap.isolationClosed }) },
      }),
    }),
  }
}
