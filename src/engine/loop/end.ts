// The one way a mission ends, and the closing work in its required order: the phase first (so that
// nothing new starts), then every timer, queued message and running agent stopped, the sessions
// aborted (and the sessions made ahead and never handed out deleted, beside the rest), what is not
// yet journaled (usage, timeline lanes) written, the end journaled, the whole
// texts kept for a resume deleted (only once no resume can come), the history line written, the
// plugin's ownership withdrawn, and the mission's promise resolved. Ending twice does nothing.

import { closeIsolation } from './isolation'
import { sharedLines } from './line-counts'
import { emptySnapshot } from '../record/replay'
import { errorMessage } from '../util/error-message'
import { summarizeMission } from '../record/mission-summary'
import { timelineEntry } from '../record/timeline'
import type { EndStatus } from './phase'
import type { MissionContext } from './context'

/** What a mission that ran no check says when it completes: never plain verified success. */
export const NO_CHECK = 'completed — no check ran'

export async function endMission(
  ctx: MissionContext,
  finish: (state: MissionContext['state']) => void,
  status: EndStatus,
  reason?: string,
): Promise<void> {
  const { deps, record, sessions } = ctx
  const live = [...sessions.live.values()]
  const busy = new Set(live.filter((l) => l.busy || l.retryTimer).map((l) => l.sessionId))
  if (!ctx.phase.end(status)) return
  sessions.wake()
  ctx.abort.abort()
  ctx.clearTimers()
  for (const l of live) ctx.steering.drop(l.sessionId, 'the mission ended')
  ctx.roster.endAll(busy, status === 'stopped' ? 'aborted' : 'failed')
  ctx.timeline.closeAll(deps.clock.now())
  const result =
    status === 'completed' ? record.summary(ctx.check?.command ? undefined : NO_CHECK) : undefined
  ctx.update({
    phase: status,
    endedAt: deps.clock.now(),
    ...(reason !== undefined && { reason }),
    ...(result !== undefined && { result }),
  })
  deps.logger.info(`mission ${ctx.o.id} ${status}${reason ? `: ${reason}` : ''}`)
  // Sessions made ahead and never handed out go, beside the closing work (never prompted: no history).
  const spares = sessions.spares.removeAll()
  // Abort does not cascade in OpenCode: every session and every child, in parallel.
  if (status !== 'completed') await sessions.abortAll(1_000)
  for (const l of sessions.live.values()) await record.flushUsage(l).catch(() => undefined)
  for (const batch of ctx.timeline.take())
    await record.appendQuietly({ type: 'timeline', ...timelineEntry(batch) }).catch(() => undefined)
  // Worktree mode: the result reaches the user's tree (or is kept) before the end is journaled.
  const lines =
    ctx.record.snap.isolation?.mode === 'worktree'
      ? await closeIsolation(ctx, status)
      : await sharedLines(ctx)
  const end = { status, reason: reason ?? '', at: deps.clock.now() }
  await record
    .appendQuietly({ type: 'mission.ended', status, reason: end.reason })
    // Once the end is journaled no resume can come: the whole texts go (not before, a resume needs them).
    .then(() => (record.opened ? ctx.verbatim.clear() : undefined))
    .then(() =>
      record.appendQuietly({
        type: 'mission.summary',
        summary: summarizeMission(record.current ?? emptySnapshot(), end, lines),
      }),
    )
    .catch((err: unknown) => deps.logger.error(`journal write failed: ${errorMessage(err)}`))
  await ctx.withdrawOwnership()
  await spares
  finish(ctx.state)
}
