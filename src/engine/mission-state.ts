import type { Role } from './ports'

// The state a mission exposes to the UI and the CLI. Plain data: it crosses postMessage and the
// journal as is, so it holds no functions, no class instances and no raw tool output.

export type MissionPhase = 'starting' | 'planning' | 'working' | 'checking' | 'completed' | 'failed' | 'stopped'

export type AgentStatus = 'starting' | 'busy' | 'retry' | 'waiting' | 'idle' | 'done' | 'failed' | 'aborted'

export interface AgentState {
  sessionId: string
  role: Role
  title: string
  todoId?: string
  status: AgentStatus
  /** Tool the agent is running right now. */
  tool?: string
  tokens: number
  cost: number
  /** Last text the agent wrote (final parts only). */
  text?: string
  error?: string
  retry?: { attempt: number; message: string }
  startedAt: number
  lastActivityAt: number
}

export const TERMINAL_PHASES: ReadonlySet<MissionPhase> = new Set(['completed', 'failed', 'stopped'])

export interface MissionState {
  id: string
  goal: string
  phase: MissionPhase
  startedAt: number
  endedAt?: number
  /** The answer shown to the user when the mission ends. */
  result?: string
  /** Why the mission failed or stopped. */
  reason?: string
  agents: AgentState[]
  tokens: number
  cost: number
  /** Model calls made by the mission's sessions (one per assistant message). */
  modelCalls: number
}

export const isTerminal = (phase: MissionPhase) => TERMINAL_PHASES.has(phase)
