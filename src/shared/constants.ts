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
  openTranscript: 'orchestrator.openTranscript',
  showHistory: 'orchestrator.showHistory',
} as const

export const Views = {
  container: 'orchestrator',
  dashboard: 'orchestrator.dashboard',
} as const

/** URI schemes of the read-only documents the extension serves. */
export const Schemes = {
  transcript: 'orchestrator-transcript',
  base: 'orchestrator-base',
  history: 'orchestrator-history',
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
