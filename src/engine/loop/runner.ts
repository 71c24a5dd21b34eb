// The mission's one loop: whatever moved (a turn ended, a todo was journaled, a timer ran out, a
// session was released, the user acted) requests a step; steps run one at a time, and a request
// during a step runs one more after it. Each step gathers the live facts, asks loop/step.ts what the
// mission does next and starts it. Long work (the check, a planner's turn) is started, not awaited:
// its end requests the next step, and a budget spent meanwhile ends the mission at once. Every step
// also tops up the sessions made ahead (loop/spares.ts).

import { nextStep, type StepFacts } from './step'
import { runCheck } from './check-run'
import { topUpSpares } from './spares'
import { planAgain, replan } from './planning'
import { excerpt } from '../util/excerpt'
import { scrubSecrets } from '../util/scrub-secrets'
import type { MissionContext } from './context'

export async function runStep(ctx: MissionContext): Promise<void> {
  if (ctx.over || !ctx.record.opened || ctx.disposed.signal.aborted) return
  const ready = !ctx.paused && !ctx.disconnected && ctx.baseline.settled
  const assignments = ctx.phase.now === 'working' && ready ? await ctx.dispatcher.assignments() : []
  if (ctx.over) return
  const command = ctx.check?.command
  const planner = ctx.plannerId === undefined ? undefined : ctx.sessions.live.get(ctx.plannerId)
  const facts: StepFacts = {
    phase: ctx.phase.now,
    ready,
    busy: ctx.sessions.anyBusy(),
    startable: assignments.length > 0,
    dispatching: ctx.dispatcher.dispatching,
    waiting: ctx.timers.waiting,
    usage: ctx.budgets.amounts(),
    planning: ctx.planning || (planner?.busy ?? false),
    plannerWords: ctx.phase.now === 'planning' ? plannerWords(ctx) : '',
    check: { command: command ? scrubSecrets(command) : null, run: ctx.checkRun },
  }
  const limits = { ...ctx.budgets.limits, maxPlanAttempts: ctx.o.maxPlanAttempts }
  const step = nextStep(ctx.record.snap, facts, limits)
  // Beside whatever the step starts: the sessions the next starts will take, made while models think.
  topUpSpares(ctx)
  switch (step.do) {
    case 'end':
      return ctx.hooks.end(step.status, step.reason)
    case 'check':
      ctx.phase.move('checking')
      return ctx.orFail(runCheck(ctx))
    case 'replan':
      return ctx.orFail(replan(ctx, step.failure, step.failed))
    case 'plan-again':
      return ctx.orFail(planAgain(ctx, step.reasons))
    case 'dispatch':
      return ctx.dispatcher.start(assignments)
    case 'wait':
      return
  }
}

/** What the planner last wrote, for a reason that ends the mission without a plan. */
function plannerWords(ctx: MissionContext): string {
  const text = ctx.plannerId && ctx.roster.text(ctx.plannerId)?.trim()
  return text ? `; the planner's last words: "${excerpt(text, 600)}"` : ''
}
