import type { Role, WorkspaceBase } from '../ports'
import type { TodoStatus } from './journal'
import type { TimelineLane } from './timeline'

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
  /** Tokens in the agent's context: its last assistant message's input and cache tokens. */
  contextTokens?: number
  /** The context window of the model that message ran on, when the server declares one. */
  contextLimit?: number
  /** Times the session's context was compacted. */
  compactions?: number
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
  /** The finite limits of the mission's budgets (an absent one is unlimited). */
  budgets: BudgetView
  /** One lane per agent session that did something, in the order they started. */
  timeline: TimelineLane[]
}

export interface BudgetView {
  maxTokens?: number
  maxCostUsd?: number
  maxWallMs?: number
}

export const isTerminal = (phase: MissionPhase) => TERMINAL_PHASES.has(phase)
