// How many sessions the mission keeps made ahead (sessions/spare-sessions.ts), asked at every step
// of the loop: while the planner plans, as many as the mission may run at once; while agents work, as
// many as the starts still to come need, within the same bound; and only while the server waits on
// the models (no dispatch under way, every prompted session's step begun). Shared mode only: in worktree mode a
// todo's agents are created in its worktree's folder, which is opened for the todo once the plan names
// it, so no session can be made for it ahead.

import type { MissionSnapshot, TodoStatus } from '../record/entries'
import type { MissionPhase } from '../record/mission-state'
import type { Live } from '../sessions/live-session'
import type { MissionContext } from './context'

/** Never more sessions made ahead than this, whatever the caps (unbounded caps included). */
export const SPARES_MAX = 8

/** Sessions a todo may still need: a worker's and a reviewer's before it starts, a reviewer's after. */
const STARTS_LEFT: Record<TodoStatus, number> = {
  pending: 2,
  ready: 2,
  waiting: 2,
  running: 1,
  reported: 1,
  reviewing: 0,
  passed: 0,
  failed: 0,
  blocked: 0,
  cancelled: 0,
}

export interface SpareFacts {
  phase: MissionPhase
  /** Busy sessions the mission may run at once (`caps.total`). */
  cap: number
  /** The planner's prompt is out and its turn runs: the server waits on the model. */
  plannerThinking: boolean
  /** A dispatch is under way (it takes sessions made ahead; making more now would race it). */
  dispatching: boolean
  /**
   * A prompted session's first step has not begun: the server prepares its model call, on the
   * critical path, and creating sessions beside it would slow it down.
   */
  starting: boolean
  /** Paused, or the server out of reach. */
  held: boolean
  /** The mission runs in worktrees, or may once its isolation is decided (while its base is taken). */
  worktrees: boolean
}

/** How many sessions the mission wants made ahead now (what it holds already included). */
export function sparesWanted(snap: MissionSnapshot, facts: SpareFacts): number {
  if (facts.worktrees || facts.held || facts.dispatching || facts.starting) return 0
  const bound = Math.min(facts.cap, SPARES_MAX)
  if (facts.phase === 'planning') return facts.plannerThinking ? bound : 0
  if (facts.phase !== 'working') return 0
  // From the end of the plan, where the todos not started yet are: most steps stop at once.
  let starts = 0
  for (let i = snap.todoOrder.length - 1; i >= 0 && starts < bound; i--) {
    const status = snap.todos[snap.todoOrder[i] ?? '']?.status
    if (status) starts += STARTS_LEFT[status]
  }
  return Math.min(bound, starts)
}

/** Makes sessions ahead up to what the mission wants, without waiting for them. */
export function topUpSpares(ctx: MissionContext): void {
  const spares = ctx.sessions.spares
  if (!spares.possible || ctx.over) return
  spares.fill(() => {
    const planner = ctx.plannerId === undefined ? undefined : ctx.sessions.live.get(ctx.plannerId)
    return sparesWanted(ctx.record.snap, {
      phase: ctx.phase.now,
      cap: ctx.o.caps.total,
      plannerThinking: !ctx.planning && (planner?.busy ?? false),
      dispatching: ctx.dispatcher.dispatching,
      starting: anyStarting(ctx.sessions.live.values()),
      held: ctx.paused || ctx.disconnected,
      worktrees: worktreesPossible(ctx),
    })
  })
}

/** Worktree mode, or asked for and not decided yet (the planner plans while the base is taken). */
function worktreesPossible(ctx: MissionContext): boolean {
  const isolation = ctx.record.snap.isolation
  return isolation ? isolation.mode === 'worktree' : ctx.o.isolation === 'worktree'
}

function anyStarting(live: Iterable<Live>): boolean {
  for (const l of live) if (l.starting) return true
  return false
}
