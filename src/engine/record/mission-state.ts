import type { MeteredLimits } from '../../shared/budget-kinds'
import type { Role, WorkspaceBase } from '../ports'
import type { BaselineClass } from '../project/check-baseline'
import type {
  AttemptRecord,
  BaselineComparison,
  IsolationClosed,
  IsolationRecord,
  SteeringMessage,
  TodoRecord,
} from './entries'
import type { TimelineLane } from './timeline'
import type { FateStatus } from './todo-fate'

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
  /** The provider the agent's model calls go to, once known (its model, or its first message). */
  provider?: string
  /** Set while OpenCode retries the agent's provider call: its attempt, message, and next try (epoch ms). */
  retry?: RetryState
  startedAt: number
  lastActivityAt: number
  /** Tokens in the agent's context: its last assistant message's input and cache tokens. */
  contextTokens?: number
  /** The context window of the model that message ran on, when the server declares one. */
  contextLimit?: number
  /** Times the session's context was compacted. */
  compactions?: number
  /** Time spent in closed busy spans (starting, busy, retry, waiting); idle waits do not count. */
  busyMs: number
  /** Start of the open busy span, while the agent is active. */
  busySince?: number
  /** The user's steering messages to this agent, oldest first. */
  steering?: SteeringMessage[]
}

/** One review of a todo: kept for every attempt, so a failed review stays readable after a pass. */
export interface ReviewState {
  /** The worker attempt the review judged. */
  attempt: number
  verdict: 'pass' | 'fail'
  findings: string[]
}

/** One worker attempt at a todo: its agents, the worker's report, the review, a requeue. */
export type AttemptState = AttemptRecord

/** OpenCode's retry of a failed provider call (`session.status` retry). */
export interface RetryState {
  attempt: number
  message: string
  /** When OpenCode tries again, in epoch ms. */
  next: number
}

export interface TodoState {
  id: string
  title: string
  /** What became of it so far: `interrupted` once the mission ended while it was in flight. */
  status: FateStatus
  attempts: number
  files: string[]
  dependsOn: string[]
  summary?: string
  findings: string[]
  /** From the worker's latest report. */
  filesChanged: string[]
  /** Why the todo failed, what blocks it, or that it never started. */
  reason?: string
  /** The failed or cancelled todos that keep this one from starting. */
  blockedBy?: string[]
  /** Every review so far, oldest first. */
  reviews: ReviewState[]
  /** Every worker attempt, oldest first. */
  history: AttemptState[]
  /** Times the user sent it back to the queue. */
  retries?: number
  /** Worktree mode: the todo's branch, and what became of it (merged, conflict, rereview, discarded). */
  branch?: string
  merge?: TodoRecord['merge']
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

/**
 * The planner sat in provider retry past the bound: the mission ends as failed at `deadline` unless
 * the user keeps waiting (or stops it first).
 */
export interface StuckQuestion {
  kind: 'stuck'
  role: Role
  sessionId: string
  /** What the agent waits on, e.g. `waiting on fake: Internal Server Error — gave up after 3 retries / 60 s`. */
  reason: string
  /** When the mission gives up without an answer, in epoch ms. */
  deadline: number
}

/**
 * The check failed on the mission's base in a way no plan can be trusted to fix (the project's
 * environment is not set up): no worker starts until the user answers with `Mission.answerBaseline`
 * (continue, stop, or change the check). It has no deadline.
 */
export interface BaselineQuestion {
  kind: 'baseline'
  /** The baseline run, `classification: 'not-set-up'`. */
  baseline: CheckRunState
  /** What the user is told: the check, its exit, the diagnosis and the output's last line. */
  reason: string
}

/** A question only the user can answer; the mission waits on it. */
export type NeedsYou = StuckQuestion | BaselineQuestion

/** The host's answer to a {@link BaselineQuestion}. */
export type BaselineAnswer =
  | { kind: 'continue' }
  | { kind: 'stop' }
  /** Runs this command as the check from now on, starting with a new baseline. */
  | { kind: 'changeCheck'; command: string }

/**
 * How the check fared on the mission's base: it passes; it fails (the goal may be what makes it
 * pass); or the project's environment is not set up (command not found, a missing module, a test
 * collection error), which no plan can be trusted to fix.
 */
export type { BaselineClass }

/**
 * A round's check against the baseline: the failure is gone (`fixed`), the same normalized failure
 * (`unchanged`), or it fails in a way the baseline did not (`new-failures`); `passes` when both pass.
 */
export type { BaselineComparison }

/** One run of the check: the baseline on the mission's base, or the end of a plan round. */
export interface CheckRunState {
  kind: 'baseline' | 'round'
  /** The plan iteration it ended (0 for the baseline). */
  iteration: number
  command: string
  /** How the command was chosen, e.g. "package.json scripts.test", "configured". */
  source: string
  /** Where it ran, relative to the mission's folder ('.' there); absent when unknown. */
  cwd?: string
  /** null: it did not exit by itself (timed out). */
  exitCode: number | null
  durationMs: number
  /** The last lines of its output, trailing whitespace stripped, scrubbed. */
  outputTail: string
  passed: boolean
  /** The baseline only. */
  classification?: BaselineClass
  /** Why the baseline counts as not set up, e.g. "command not found". */
  diagnosis?: string
  /** A round after a failing or passing baseline: how it compares. */
  vsBaseline?: BaselineComparison
}

export const TERMINAL_PHASES: ReadonlySet<MissionPhase> = new Set(['completed', 'failed', 'stopped'])

export interface MissionState {
  id: string
  goal: string
  /** The planner's short title of the mission, once a plan gave one. */
  title?: string
  phase: MissionPhase
  iteration: number
  paused: boolean
  startedAt: number
  endedAt?: number
  /** The answer shown to the user when the mission ends. */
  result?: string
  /** Why the mission failed or stopped. */
  reason?: string
  /**
   * The check command that gives the evidence (null: none runs), how it was chosen and the folder it
   * runs in (relative to the mission's folder); set at start.
   */
  check?: { command: string | null; source: string; cwd?: string }
  agents: AgentState[]
  todos: TodoState[]
  evidence: EvidenceState[]
  /** Every run of the check, oldest first: the baseline (when it ran), then one per round. */
  checks: CheckRunState[]
  inbox: PermissionAsk[]
  /** Set while the mission waits for the user to decide whether it goes on (see `Mission.keepWaiting`). */
  needsYou?: NeedsYou
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
  /** How the mission keeps its todos apart, once it started, and (worktree mode) how it closed. */
  isolation?: IsolationRecord & { closed?: IsolationClosed }
}

/** The finite limits of the budget table's metered kinds (an absent one is unlimited). */
export type BudgetView = MeteredLimits

export const isTerminal = (phase: MissionPhase) => TERMINAL_PHASES.has(phase)
