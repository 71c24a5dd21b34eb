// Ids that tests and users rely on (product.md): one place for all of them.

import type { BudgetSettingKey } from './budget-kinds'

/** The npm package (the `orchestrator` CLI) and the extension's name; `opencode-orchestrator` is the
 * unrelated original plugin on npm. */
export const PACKAGE_NAME = 'opencode-orchestrator-vscode'

export const PUBLISHER = 'opencode-orchestrator'

export const EXTENSION_ID = `${PUBLISHER}.${PACKAGE_NAME}`

export const Commands = {
  runTask: 'orchestrator.runTask',
  stopMission: 'orchestrator.stopMission',
  pauseMission: 'orchestrator.pauseMission',
  resumeMission: 'orchestrator.resumeMission',
  showDashboard: 'orchestrator.showDashboard',
  installPlugin: 'orchestrator.installPlugin',
  uninstallPlugin: 'orchestrator.uninstallPlugin',
  restartServer: 'orchestrator.restartServer',
  installOpencode: 'orchestrator.installOpencode',
  showLogs: 'orchestrator.showLogs',
  chooseModels: 'orchestrator.chooseModels',
  attachServer: 'orchestrator.attachServer',
  openTranscript: 'orchestrator.openTranscript',
  showHistory: 'orchestrator.showHistory',
  cancelTodo: 'orchestrator.cancelTodo',
  retryTodo: 'orchestrator.retryTodo',
  steerAgent: 'orchestrator.steerAgent',
  reviewPendingChanges: 'orchestrator.reviewPendingChanges',
  resumeInterruptedMission: 'orchestrator.resumeInterruptedMission',
  reviewMissionChanges: 'orchestrator.reviewMissionChanges',
  runDemo: 'orchestrator.runDemo',
  openTimeline: 'orchestrator.openTimeline',
} as const

/** SecretStorage key of the password of the server in `orchestrator.serverUrl`. */
export const SERVER_PASSWORD_SECRET = 'orchestrator.serverPassword'

export const Views = {
  container: 'orchestrator',
  dashboard: 'orchestrator.dashboard',
  /** The timeline's editor tab (a webview panel, not a contributed view). */
  timeline: 'orchestrator.timeline',
} as const

/** URI schemes of the read-only documents the extension serves. */
export const Schemes = {
  transcript: 'orchestrator-transcript',
  base: 'orchestrator-base',
  history: 'orchestrator-history',
  /** A file's content as it was when a merge was opened (the merge editor's "yours"). */
  snapshot: 'orchestrator-snapshot',
} as const

/** The first-run walkthrough (contributes.walkthroughs), as workbench.action.openWalkthrough names it. */
export const WALKTHROUGH_ID = `${EXTENSION_ID}#orchestrator.gettingStarted`

/** workspaceState key of the folder the last mission ran in (multi-root workspaces). */
export const LAST_FOLDER_KEY = 'orchestrator.lastFolder'

export const ContextKeys = {
  missionRunning: 'orchestrator.missionRunning',
  missionPaused: 'orchestrator.missionPaused',
  /** A mission is on the dashboard (running, or the last one as it ended). */
  missionShown: 'orchestrator.missionShown',
} as const

/** Settings under `orchestrator.*`, with the type each one holds; the budgets' are in the budget table. */
export interface Config extends BudgetSettings {
  opencodePath: string
  serverUrl: string
  checkCommand: string
  /** When the check cannot run on the base (the project is not set up): ask, continue or stop. */
  ifCheckFails: 'ask' | 'continue' | 'stop'
  /** `worktree`: each todo in a git worktree of its own, only reviewed work merged; `shared`: one folder. */
  isolation: 'worktree' | 'shared'
  /** Worktree mode's end: `ask` offers Apply, Review Changes, Keep Branch, Discard; `auto` applies. */
  applyChanges: 'ask' | 'auto'
  /** A command run once in each new worktree (e.g. `npm ci`); empty: none. */
  worktreeSetup: string
  maxConcurrency: number
  /** Failed reviews after which a todo is cancelled by policy; 0: never. */
  cancelAfterRejections: number
  /** Caps beyond the total, e.g. `{ "role:reviewer": 1, "provider:anthropic": 2 }`. */
  concurrencyLimits: Record<string, number>
  /** `provider/model` per role; unset roles use the server's model. */
  models: Partial<Record<'planner' | 'worker' | 'reviewer', string>>
  opencodeSnapshots: boolean
  /** Which toasts to show: `all`, only those that need the user (`needsYou`), or `none`. */
  notifications: 'all' | 'needsYou' | 'none'
}

/** The budget settings (see the budget table for what 0 means): numbers. */
type BudgetSettings = { [K in BudgetSettingKey]: number }

export const STATUS_BAR_ID = 'orchestrator.status'
