// Ids that tests and users rely on (product.md): one place for all of them.

export const EXTENSION_ID = 'opencode-orchestrator.opencode-orchestrator'

export const Commands = {
  runTask: 'orchestrator.runTask',
  stopMission: 'orchestrator.stopMission',
  showDashboard: 'orchestrator.showDashboard',
  installPlugin: 'orchestrator.installPlugin',
  uninstallPlugin: 'orchestrator.uninstallPlugin',
  restartServer: 'orchestrator.restartServer',
  showLogs: 'orchestrator.showLogs',
} as const

export const Views = {
  container: 'orchestrator',
  dashboard: 'orchestrator.dashboard',
} as const

/** The first-run walkthrough (contributes.walkthroughs), as workbench.action.openWalkthrough names it. */
export const WALKTHROUGH_ID = `${EXTENSION_ID}#orchestrator.gettingStarted`

/** workspaceState key of the folder the last mission ran in (multi-root workspaces). */
export const LAST_FOLDER_KEY = 'orchestrator.lastFolder'

export const ContextKeys = {
  missionRunning: 'orchestrator.missionRunning',
} as const

/** Settings under `orchestrator.*`, with the type each one holds. */
export interface Config {
  opencodePath: string
  serverUrl: string
  checkCommand: string
  maxConcurrency: number
  /** Caps beyond the total, e.g. `{ "role:reviewer": 1, "provider:anthropic": 2 }`. */
  concurrencyLimits: Record<string, number>
  maxIterations: number
  maxMinutes: number
  opencodeSnapshots: boolean
  /** Which toasts to show: `all`, only those that need the user (`needsYou`), or `none`. */
  notifications: 'all' | 'needsYou' | 'none'
}

export const STATUS_BAR_ID = 'orchestrator.status'
