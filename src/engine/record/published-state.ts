// The MissionState a mission publishes: its first value, and each next one with the mission's live
// parts folded in (pause, agents, inbox, usage totals and, once the journal is read, its iteration,
// todos and evidence).

import type { AgentRoster } from './agent-roster'
import type { MissionSnapshot } from './entries'
import type { BudgetView, MissionPhase, MissionState, NeedsYou, PermissionAsk } from './mission-state'
import type { Timeline } from './timeline'
import { TodoViews } from './mission-view'
import type { TodoChanges } from './touched-todos'
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
  /** The journal's mission (the journal's own state, changed in place); undefined until it is read. */
  snap: MissionSnapshot | undefined
  /** Which of its todos changed since a revision. */
  changes: TodoChanges
}

/**
 * The todos each journal's mission showed last (by the journal's changes, one object per mission): a
 * publish looks again only at the todos entries replaced since, and the end (published before it is
 * journaled) makes the in-flight ones interrupted.
 */
const viewsOf = new WeakMap<TodoChanges, TodoViews>()

function todos(snap: MissionSnapshot, changes: TodoChanges, phase: MissionPhase): MissionState['todos'] {
  const end = phase === 'completed' || phase === 'failed' || phase === 'stopped' ? phase : undefined
  let views = viewsOf.get(changes)
  if (!views) viewsOf.set(changes, (views = new TodoViews()))
  return views.list(snap, changes, end)
}

export function withParts(
  { needsYou: _, ...state }: MissionState,
  { paused, roster, inbox, timeline, needsYou, snap, changes }: MissionParts,
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
      todos: todos(snap, changes, state.phase),
      evidence: snap.evidence,
      checks: checkRuns(snap),
      ...(snap.base && { base: snap.base }),
      ...(snap.isolation && {
        isolation: { ...snap.isolation, ...(snap.isolationClosed && { closed: snap.isolationClosed }) },
      }),
    }),
  }
}
