// The host ↔ webview contract. The webview is untrusted input for the host: every message from
// it passes isWebviewToHost before routing. Bump PROTOCOL_VERSION on any incompatible change.

export const PROTOCOL_VERSION = 1

export type ServerStatus = 'stopped' | 'starting' | 'ready' | 'failed'

export interface AgentView {
  sessionId: string
  role: string
  title: string
  status: string
  tool?: string
  tokens: number
  cost: number
  text?: string
  error?: string
  startedAt: number
  lastActivityAt: number
}

export interface MissionView {
  id: string
  goal: string
  phase: string
  startedAt: number
  endedAt?: number
  result?: string
  reason?: string
  tokens: number
  cost: number
  agents: AgentView[]
}

export interface DashboardSnapshot {
  server: { status: ServerStatus; url?: string; error?: string }
  mission?: MissionView
  /** Why missions cannot run here (e.g. an untrusted workspace). */
  blocked?: string
}

/** The host always sends whole snapshots (coalesced): they are small and never go stale. */
export type HostToWebview = { type: 'snapshot'; protocol: number; state: DashboardSnapshot }

export type WebviewToHost =
  | { type: 'ready'; protocol: number }
  | { type: 'mission.start'; goal: string }
  | { type: 'mission.stop' }

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null

/** Shape check at the boundary: anything that fails it is dropped and logged by the host. */
export function isWebviewToHost(v: unknown): v is WebviewToHost {
  if (!isObject(v)) return false
  switch (v.type) {
    case 'ready':
      return typeof v.protocol === 'number'
    case 'mission.start':
      return typeof v.goal === 'string' && v.goal.length <= 20_000
    case 'mission.stop':
      return true
    default:
      return false
  }
}

export function isHostToWebview(v: unknown): v is HostToWebview {
  if (!isObject(v)) return false
  switch (v.type) {
    case 'snapshot':
      return typeof v.protocol === 'number' && isObject(v.state)
    default:
      return false
  }
}

export function assertNever(x: never): never {
  throw new Error(`unhandled ${JSON.stringify(x)}`)
}
