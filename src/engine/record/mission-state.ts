import type { Role } from '../ports'
import type { TodoStatus } from './journal'

// The state a mission exposes to the UI and the CLI. Plain data: it crosses postMessage as is, so it
// holds no functions, no class instances and no raw tool output.

export type MissionPhase =
  'starting' | 'planning' | 'working' | 'checking' | 'completed' | 'failed' | 'stopped'

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
  /** Time spent in closed busy spans (starting, busy, retry, waiting); idle waits do not count. */
  busyMs: number
  /** Start of the open busy span, while the agent is active. */
  busySince?: number
}

/** One review of a todo: kept for every attempt, so a failed review stays readable after a pass. */
export interface ReviewState {
  /** The worker attempt the review judged. */
  attempt: number
  verdict: 'pass' | 'fail'
  findings: string[]
}

export interface TodoState {
  id: string
  title: string
  status: TodoStatus
  attempts: number
  files: string[]
  dependsOn: string[]
  summary?: string
  findings: string[]
  /** Every review so far, oldest first. */
  reviews: ReviewState[]
}

export interface EvidenceState {
  iteration: number
  command: string
  exitCode: number | null
  durationMs: number
  outputTail: string
}

/** A permission request from any session of the mission, at any depth. */
export interface PermissionAsk {
  requestId: string
  sessionId: string
  role: Role
  todoId?: string
  permission: string
  patterns: string[]
}

export const TERMINAL_PHASES: ReadonlySet<MissionPhase> = new Set(['completed', 'failed', 'stopped'])

export interface MissionState {
  id: string
  goal: string
  phase: MissionPhase
  iteration: number
  paused: boolean
  startedAt: number
  endedAt?: number
  /** The answer shown to the user when the mission ends. */
  result?: string
  /** Why the mission failed or stopped. */
  reason?: string
  agents: AgentState[]
  todos: TodoState[]
  evidence: EvidenceState[]
  inbox: PermissionAsk[]
  tokens: number
  cost: number
  /** Model calls made by the mission's sessions (one per assistant message). */
  modelCalls: number
}

export const isTerminal = (phase: MissionPhase) => TERMINAL_PHASES.has(phase)
