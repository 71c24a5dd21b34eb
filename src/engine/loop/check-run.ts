// The check's run at the end of a round, once every todo passed review: its result is journaled as
// evidence and the loop decides from it (complete, re-plan, or stop for no progress).

import { checkFolder } from './isolation'
import { checkOutcome } from '../turns/iteration-end'
import type { MissionContext } from './context'

export async function runCheck(ctx: MissionContext): Promise<void> {
  const check = ctx.check
  const command = check?.command
  if (!command || ctx.over) return ctx.hooks.request()
  ctx.checkRun = 'running'
  // A check still running when the host goes away is ended, and its cut-short result not recorded:
  // the resumed mission runs it again.
  // Worktree mode: on the integration branch, where only merged work is.
  const folder = checkFolder(ctx)
  const cwd = folder === undefined ? check.cwd : check.cwd === undefined ? folder : `${folder}/${check.cwd}`
  const result = await ctx.deps.workspace.runCheck(command, {
    timeoutMs: ctx.o.checkTimeoutMs,
    signal: AbortSignal.any([ctx.abort.signal, ctx.disposed.signal]),
    ...(cwd !== undefined && { cwd }),
  })
  if (ctx.over || ctx.disposed.signal.aborted) return
  const { evidence } = checkOutcome(command, result, {
    source: check.source,
    ...(check.cwd !== undefined && { cwd: check.cwd }),
  })
  await ctx.record.append(evidence)
  ctx.checkRun = 'done'
  ctx.hooks.request()
}
