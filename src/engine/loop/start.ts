// How a mission begins: a new one chooses its check, records its base and options, runs the check
// on the base while the planner plans; a resumed one reads everything back from its journal (the check
// in use, its sessions, queued messages, provider waits), adopts the turns still running on the server
// and goes on where it stopped. Either way the loop takes over from here.

import { chooseCheck } from '../project/check-command'
import { CHECK_KEY } from '../record/verbatim'
import { errorMessage } from '../util/error-message'
import { optionsToJson } from '../mission-options'
import { plan } from './planning'
import { planBrief } from '../protocol/prompts'
import { reconcile } from '../turns/reconcile'
import { resumedCheck } from '../project/resumed-check'
import { LOST_TURN_NOTE, RELOAD_NOTE } from '../sessions/steering'
import { captureResult } from '../turns/turn-results'
import { turnEnded } from './turn-ends'
import { beginIsolation } from './isolation'
import { waitThenRequeue } from './attempts'
import type { WorkspaceBase } from '../ports'
import type { MissionContext } from './context'

/**
 * How long the first plan brief waits for the check's run on the base, so that the planner learns of
 * a failing check; past it the planner starts without it (it learns at the first re-plan).
 */
const BASELINE_HEAD_START_MS = 3_000

export async function begin(ctx: MissionContext): Promise<void> {
  const { deps, record } = ctx
  await record.open(deps.journal, deps.clock, (entry) => ctx.entries.emit(entry))
  if (ctx.over) {
    // Stopped while the journal opened: record the end, start nothing.
    await record.appendQuietly({
      type: 'mission.ended',
      status: ctx.phase.now === 'failed' ? 'failed' : 'stopped',
      reason: ctx.state.reason ?? '',
    })
    return
  }
  record.sync()
  const snap = record.snap
  ctx.budgets.begin(snap)
  ctx.timeline.seed(snap.timeline)
  ctx.roster.seedModelCalls(snap.modelCalls)
  ctx.dispatcher.readRoleModels()
  readModelLimits(ctx)
  if (snap.status === 'new') return startNew(ctx)
  if (snap.status !== 'running') return ctx.hooks.end(snap.status, snap.reason ?? 'already ended')
  return resume(ctx)
}

async function startNew(ctx: MissionContext): Promise<void> {
  const { deps, record } = ctx
  ctx.sessions.prepareRoot()
  const check = await chooseCheck(ctx.o.check, deps.workspace)
  ctx.setCheck(check)
  if (check.command !== null) await ctx.verbatim.set(CHECK_KEY, check.command)
  // The options it runs with, so that a resume runs the same way (mission-options.ts).
  const options = {
    ...optionsToJson(ctx.o),
    check: check.command,
    checkSource: check.source,
    ...(check.cwd !== undefined && { checkCwd: check.cwd }),
  }
  const { directory } = deps.workspace
  await record.append({
    type: 'mission.started',
    goal: ctx.o.goal,
    options,
    ...(directory !== undefined && { directory }),
  })
  // The journaled start is the mission's start, for this instance and any that resumes it.
  const at = record.snap.startedAt
  if (at !== undefined) ctx.update({ startedAt: at })
  // The base is taken before anything can edit the workspace. The planner only reads, so it is
  // created and prompted meanwhile (taking the base is git work, up to a few hundred milliseconds on
  // the first prompt's path); the plan's todos wait for the base (acceptPlan), and so does the
  // check's run on it.
  ctx.baseTaken = takeBase(ctx)
  // A journal that cannot be written ends the mission now, not after the planner's paid turn.
  ctx.orFail(ctx.baseTaken)
  // The root first: every agent session is created under it.
  await ctx.sessions.ensureRoot()
  if (check.command !== null) await ctx.baseTaken
  // Stopped meanwhile: nothing starts (the stop records the end).
  if (ctx.over) return
  // The check runs on the base while the planner plans; the planner waits for it a little.
  ctx.baseline.start()
  await ctx.baseline.settledOrAfter(BASELINE_HEAD_START_MS)
  const files = await deps.workspace.listFiles().catch(() => [])
  await plan(ctx, planBrief(ctx.o.goal, files, ctx.baseline.failure()))
}

/** The base, journaled, and the isolation it allows (loop/isolation.ts). */
async function takeBase(ctx: MissionContext): Promise<void> {
  const base = await captureBase(ctx)
  if (ctx.over) return
  if (base) await ctx.record.append({ type: 'mission.base', base })
  await beginIsolation(ctx, base)
}

async function resume(ctx: MissionContext): Promise<void> {
  const { deps, record } = ctx
  const snap = record.snap
  deps.logger.info(`mission ${ctx.o.id}: resuming from the journal at iteration ${snap.iteration}`)
  // Resumed from another session than the one it ran under (`/task --resume` typed there): that one
  // is its root from now on, journaled, so the agents it starts and a later resume go there.
  if (ctx.o.rootSessionId !== undefined && ctx.o.rootSessionId !== snap.rootSessionId)
    await ctx.sessions.ensureRoot()
  await ctx.verbatim.load()
  // The check in use: the latest baseline's when the user changed it, else the one it started with;
  // either way the whole text kept beside the journal, never the journal's scrubbed copy.
  const b = snap.baseline
  const journaled = b ? { check: b.command, checkSource: b.source } : snap.options
  const check = await resumedCheck(journaled, ctx.verbatim.get(CHECK_KEY), () =>
    chooseCheck(ctx.o.check, deps.workspace),
  )
  if ('refused' in check) return ctx.fail(check.refused)
  const cwd = b ? b.cwd : typeof snap.options.checkCwd === 'string' ? snap.options.checkCwd : undefined
  ctx.setCheck({ ...check, ...(check.cwd === undefined && cwd !== undefined && { cwd }) })
  ctx.plannerId = ctx.sessions.restore(snap) ?? ctx.plannerId
  // Sessions the instance that went away made ahead and never handed out: no agent's, never prompted.
  if (snap.spareSessions) await ctx.sessions.spares.remove(snap.spareSessions)
  ctx.steering.resume()
  ctx.phase.move(snap.todoOrder.length ? 'working' : 'planning')
  ctx.update({
    iteration: snap.iteration,
    // Its own start, not this instance's: durations and the timeline count from there.
    ...(snap.startedAt !== undefined && { startedAt: snap.startedAt }),
  })
  // A todo that waited for its provider waits out what is left of it.
  for (const id of snap.todoOrder) {
    const todo = snap.todos[id]
    if (todo?.status === 'waiting')
      waitThenRequeue(ctx, id, Math.max(0, (todo.waitUntil ?? 0) - deps.clock.now()))
  }
  // A start cut off before its base or its isolation was journaled (they are taken while the planner
  // plans): no todo ran, so the workspace as it is now is the base. Taken before a planner's turn
  // still running can deliver its plan, and before the check runs.
  if (snap.todoOrder.length === 0 && !snap.isolation) {
    ctx.baseTaken = snap.base ? beginIsolation(ctx, snap.base) : takeBase(ctx)
    await ctx.baseTaken
  }
  // A message still waiting was meant for a turn of the instance that went away: it goes out only
  // when that turn still runs on the server (its next idle is the one it waited for).
  await reconcileWith(ctx, 'resumed', (adopted) => ctx.steering.dropAllBut(adopted, RELOAD_NOTE))
  // Once the sessions still running are adopted: only then may the workers start again.
  await ctx.baseline.resume()
  if (ctx.over) return
  if (record.snap.todoOrder.length === 0) {
    await plan(ctx, planBrief(ctx.o.goal, await deps.workspace.listFiles().catch(() => [])))
    return
  }
  ctx.hooks.request()
}

/** Brings the journal in line with the server after a restart or a dropped event stream. */
export function reconcileWith(
  ctx: MissionContext,
  why: string,
  adopted?: (sessionIds: ReadonlySet<string>) => void,
): Promise<void> {
  return reconcile(
    {
      port: ctx.deps.sessions,
      record: ctx.record,
      sessions: ctx.sessions,
      seen: (callId) => ctx.seenCalls.add(callId),
      capture: (live, tool, callId, input) => {
        if (ctx.seenCalls.has(callId) || !live.turn || live.turn.state.is !== 'open') return false
        ctx.seenCalls.add(callId)
        return captureResult(live.turn, tool, input, ctx.record.knownIds())
      },
      turnEnded: (live) => turnEnded(ctx, live),
      // What waits for that turn's idle has no turn to go to: its todo starts over.
      lost: (sessionId) => ctx.steering.drop(sessionId, LOST_TURN_NOTE),
      ...(adopted && { adopted }),
    },
    why,
  )
}

async function captureBase(ctx: MissionContext): Promise<WorkspaceBase | undefined> {
  const { workspace, logger } = ctx.deps
  if (!workspace.captureBase) return undefined
  try {
    const base = await workspace.captureBase({ signal: ctx.abort.signal })
    if (base.kind === 'git' && base.leftOut) logger.warn(`mission ${ctx.o.id}: ${base.leftOut}`)
    return base
  } catch (err) {
    logger.warn(`mission ${ctx.o.id}: no base recorded: ${errorMessage(err)}`)
    return { kind: 'none', reason: errorMessage(err) }
  }
}

/** Context windows for the agents' meters; a server that cannot tell leaves them without one. */
function readModelLimits(ctx: MissionContext): void {
  void ctx.deps.sessions
    .modelLimits?.()
    .then((limits) => ctx.roster.setLimits(limits))
    .catch((err: unknown) => ctx.deps.logger.warn(`no model limits: ${errorMessage(err)}`))
}
