import type { AgentState, MissionState } from '../engine/record/mission-state'
import type { Config } from '../shared/constants'
import { NO_CHECK } from '../engine/mission'
import type { StuckQuestion } from '../engine/record/mission-state'
import { scrubSecrets } from '../engine/util/scrub-secrets'
import { cutLine } from '../engine/util/cut-line'

// When a toast is shown. Pure, so the rules are tested without a workbench: a mission's end is news
// only when the dashboard is not on screen; what needs the user (a permission ask, a provider stuck in
// retry, a stalled agent) is always shown, unless the user turned every toast off.

export type NotificationSetting = Config['notifications']

/** `end`: a mission completed, failed or stopped. `needsYou`: nothing moves until the user acts. */
export type NotificationKind = 'end' | 'needsYou'

export const NOTIFICATION_SETTINGS: readonly NotificationSetting[] = ['all', 'needsYou', 'none']

/** Retries of one provider call after which the user hears of it (OpenCode retries forever). */
export const STUCK_RETRY_ATTEMPTS = 3

/** A busy agent this long without any event is reported as stalled (the dashboard's stale mark). */
export const STALL_MS = 60_000

export function shouldNotify(
  kind: NotificationKind,
  setting: NotificationSetting | undefined,
  dashboardVisible: boolean,
): boolean {
  // An unknown value (a typo in settings.json) falls back to the default rather than silence.
  const s = setting !== undefined && NOTIFICATION_SETTINGS.includes(setting) ? setting : 'all'
  if (s === 'none') return false
  if (kind === 'needsYou') return true
  return s === 'all' && !dashboardVisible
}

/** A "needs you" notice about one agent; `key` is stable while the condition lasts (one toast each). */
export interface NeedsYouNotice {
  key: string
  message: string
}

const who = (a: AgentState) => `The ${a.role}${a.todoId ? ` of ${a.todoId}` : ''}`

/**
 * The agents that wait on the user beyond the permission inbox (which has its own toast): a provider
 * stuck in retry, an agent busy with no activity for STALL_MS.
 */
export function needsYouNotices(state: MissionState, now: number): NeedsYouNotice[] {
  const out: NeedsYouNotice[] = []
  for (const a of state.agents) {
    if (a.status === 'retry' && a.retry && a.retry.attempt >= STUCK_RETRY_ATTEMPTS)
      out.push({
        key: `retry:${a.sessionId}:${a.busySince ?? a.startedAt}`,
        message: `${who(a)} is stuck: its provider keeps failing (retry ${a.retry.attempt}: ${scrubSecrets(a.retry.message)}).`,
      })
    else if ((a.status === 'busy' || a.status === 'starting') && now - a.lastActivityAt > STALL_MS)
      out.push({
        key: `stall:${a.sessionId}:${a.lastActivityAt}`,
        message: `${who(a)} has stalled: no activity for ${Math.round((now - a.lastActivityAt) / 1000)} s.`,
      })
  }
  return out
}

/** The toast of a mission's end: how it ended, a failure with its reason (scrubbed of secrets). */
export function missionEndToast(
  state: MissionState,
): { level: 'info' | 'warning' | 'error'; text: string; dashboard: boolean } | undefined {
  const goal = cutLine(state.goal, 60)
  if (state.phase === 'completed' && !state.check?.command)
    return { level: 'warning', text: `Mission ${NO_CHECK}: ${goal}`, dashboard: true }
  if (state.phase === 'completed')
    return { level: 'info', text: `Mission completed: ${goal}`, dashboard: true }
  if (state.phase === 'failed')
    return {
      level: 'error',
      text: `Mission failed: ${scrubSecrets(state.reason ?? 'unknown reason')}`,
      dashboard: true,
    }
  if (state.phase === 'stopped')
    return { level: 'warning', text: `Mission stopped: ${goal}`, dashboard: false }
  return undefined
}

/** The keep-waiting question's text, with the seconds left at `now`. */
export function stuckToastText(ask: StuckQuestion, now: number): string {
  const secs = Math.max(0, Math.round((ask.deadline - now) / 1000))
  return `The mission needs you: ${scrubSecrets(ask.reason)}. It stops in ${secs} s unless you keep waiting.`
}
