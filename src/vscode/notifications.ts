// The toasts themselves; whether one is shown is notification-policy.ts's call.
import * as vscode from 'vscode'
import type {
  BaselineQuestion,
  MissionState,
  PermissionAsk,
  StuckQuestion,
} from '../engine/record/mission-state'
import type { BaselineAnswerKind } from '../shared/protocol'
import { scrubSecrets } from '../engine/util/scrub-secrets'
import { Commands } from '../shared/constants'
import { missionEndToast, stuckToastText } from './notification-policy'
import { toast } from './toast'

/** One toast per mission end (completion, failure with its reason, or stop) when the policy allows. */
export function notifyMissionEnd(state: MissionState, allowed: boolean): void {
  const end = allowed ? missionEndToast(state) : undefined
  if (!end) return
  if (!end.dashboard) return void toast[end.level](end.text)
  const open = 'Open Dashboard'
  void toast[end.level](end.text, open).then((choice) => {
    if (choice === open) void vscode.commands.executeCommand(Commands.showDashboard)
  })
}

/** An agent waits on the user (a provider stuck in retry, a stall): say so, with the dashboard at hand. */
export function notifyNeedsYou(message: string): void {
  const open = 'Open Dashboard'
  void toast.warning(message, open).then((choice) => {
    if (choice === open) void vscode.commands.executeCommand(Commands.showDashboard)
  })
}

/** A permission request needs the user: say who asks for what, with the answers at hand. */
export function notifyPermission(
  ask: PermissionAsk,
  reply: (requestId: string, reply: 'once' | 'reject') => void,
): void {
  const who = `${ask.role}${ask.todoId ? ` (${ask.todoId})` : ''}`
  const what = ask.patterns.length ? `: ${ask.patterns.join(', ')}` : ''
  void toast
    .warning(`The ${who} asks for ${ask.permission}${what}`, 'Allow Once', 'Reject', 'Open Dashboard')
    .then((choice) => {
      if (choice === 'Allow Once') reply(ask.requestId, 'once')
      else if (choice === 'Reject') reply(ask.requestId, 'reject')
      else if (choice === 'Open Dashboard') void vscode.commands.executeCommand(Commands.showDashboard)
    })
}

/**
 * The mission is about to give up on an agent stuck in provider retry: offer one more bound or a
 * stop. Without an answer the mission ends by itself at the deadline.
 */
export function notifyStuck(ask: StuckQuestion, answer: (choice: 'keep' | 'stop') => void): void {
  void toast.warning(stuckToastText(ask, Date.now()), 'Keep Waiting', 'Stop').then((choice) => {
    if (choice === 'Keep Waiting') answer('keep')
    else if (choice === 'Stop') answer('stop')
  })
}

const BASELINE_BUTTONS: Record<string, BaselineAnswerKind> = {
  Continue: 'continue',
  Stop: 'stop',
  'Change Check…': 'changeCheck',
}

/**
 * The check fails before any change because the project is not set up: no worker starts until the
 * user goes on anyway, stops, or changes the check.
 */
export function notifyBaseline(ask: BaselineQuestion, answer: (choice: BaselineAnswerKind) => void): void {
  void toast
    .warning(
      `The mission needs you: ${scrubSecrets(ask.reason)}. No worker starts until you answer.`,
      ...Object.keys(BASELINE_BUTTONS),
    )
    .then((choice) => {
      const kind = choice && BASELINE_BUTTONS[choice]
      if (kind) answer(kind)
    })
}
