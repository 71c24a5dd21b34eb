import type { Role, WorkspaceBase } from '../ports'
import type { TodoStatus } from './journal'

// The state a mission exposes to the UI and the CLI. Plain data: it crosses postMessage as is, so it
// holds no functions, no class instances and no raw tool output.

export type MissionPhase =
  'starting' | 'planning' | 'working' | 'checking' | 'completed' | 'failed' | 'stopped'

export type AgentStatus = 'starting' | 'busy' | 'retry' | 'waiting' | 'idle' | 'done' | 'failed' | 'aborted'

/**
 * A user's message to a running agent: queued until the agent's turn reaches idle, then delivered as
 * its next prompt; dropped (with the reason) when the agent finished or stopped before that.
 */
export interface SteeringMessage {
  id: string
  text: string
  status: 'queued' | 'delivered' | 'dropped'
  queuedAt: number
  deliveredAt?: number
  /** Why a dropped message was not delivered. */
  note?: string
}

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
  /** The user's steering messages to this agent, oldest first. */
  steering?: SteeringMessage[]
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
  /** From the worker's latest report. */
  filesChanged: string[]
  /** Cancelled todos this one waits on (it shows as `blocked` until they are retried). */
  blockedBy?: string[]
  /** Why the user cancelled it, while it is cancelled. */
  cancelReason?: string
  /** Times the user sent it back to the queue. */
  retries?: number
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
  /** The workspace as the mission started, once recorded (diffs are taken against it). */
  base?: WorkspaceBase
}

export const isTerminal = (phase: MissionPhase) => TERMINAL_PHASES.has(phase)
