// The planner's turns: the first plan, a plan again after a refused one, and a new plan when a round
// ends short (failed todos, or the check failing). An accepted plan starts a round; a refused one is
// journaled with its reasons, so that a resumed mission counts its plan attempts as this one did.

import { planRetryBrief, replanBrief, type CheckFailure } from '../protocol/prompts'
import { openTurn } from '../sessions/turn'
import { blamedTodos } from '../turns/check-blame'
import type { PlanArgs } from '../protocol/mission-protocol'
import type { MissionContext } from './context'
import { expectFolders } from './isolation'

export async function plan(ctx: MissionContext, brief: string): Promise<void> {
  if (ctx.over) return
  ctx.phase.move('planning')
  // Until the prompt is out the loop must not decide on the planner's previous turn again.
  ctx.planning = true
  try {
    let planner = ctx.plannerId ? ctx.sessions.live.get(ctx.plannerId) : undefined
    if (!planner || planner.retired) planner = await ctx.sessions.create('planner')
    if (!planner) return
    ctx.plannerId = planner.sessionId
    // Published before the planner runs, so the plugin holds the planner's closing call too.
    await ctx.publishOwnership()
    await ctx.dispatcher.prompt(planner, openTurn('plan'), brief)
  } finally {
    ctx.planning = false
  }
  // The planner thinks: the loop makes the workers' sessions meanwhile (loop/spares.ts).
  ctx.hooks.request()
}

/** A round ended short: the planner revises the plan, told which todos failed or how the check did. */
export function replan(
  ctx: MissionContext,
  failure: CheckFailure | undefined,
  failed: string[],
): Promise<void> {
  const snap = ctx.record.snap
  const blamed = failure ? blamedTodos(snap, failure.outputTail) : []
  const brief = replanBrief(snap.iteration + 1, failure, failed, ctx.baseline.failure(), blamed)
  return plan(ctx, brief)
}

/** The planner's last turn brought no valid plan: it tries again, told why. */
export function planAgain(ctx: MissionContext, reasons: string[]): Promise<void> {
  return plan(ctx, planRetryBrief(reasons))
}

export async function acceptPlan(ctx: MissionContext, accepted: PlanArgs): Promise<void> {
  if (accepted.cannotPlan !== undefined) {
    const final = `the planner cannot plan: ${accepted.cannotPlan}`
    await ctx.record.append({ type: 'plan.rejected', reasons: [accepted.cannotPlan], final })
    return ctx.hooks.request()
  }
  // No todo may exist before the base does: the workers edit what it records.
  await ctx.baseTaken
  if (ctx.over) return
  const iteration = ctx.record.snap.iteration + 1
  await ctx.record.append({
    type: 'plan.accepted',
    iteration,
    todos: accepted.todos,
    ...(accepted.title !== undefined && { title: accepted.title }),
  })
  ctx.checkRun = 'none'
  expectFolders(ctx)
  ctx.deps.logger.info(`mission ${ctx.o.id}: plan ${iteration} accepted with ${accepted.todos.length} todos`)
  ctx.phase.move('working')
  ctx.update({ iteration })
  await ctx.publishOwnership()
  ctx.hooks.request()
}
