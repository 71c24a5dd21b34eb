// Ids that tests and users rely on (product.md): one place for all of them.

/** The npm package (the `orchestrator` CLI) and the extension's name; `opencode-orchestrator` is the
 * unrelated original plugin on npm. */
export const PACKAGE_NAME = 'opencode-orchestrator-vscode'

export const PUBLISHER = 'opencode-orchestrator'

export const EXTENSION_ID = `${PUBLISHER}.${PACKAGE_NAME}`

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
}

export const STATUS_BAR_ID = 'orchestrator.status'
