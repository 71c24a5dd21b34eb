import type { BudgetLimits } from './guards/budgets'
import type { JournalStore } from './record/journal'
import type { Clock, EventPort, Logger, ModelRef, Role, SessionPort, WorkspacePort } from './ports'
import type { SchedulerCaps } from './schedule/scheduler'

export interface MissionDeps {
  sessions: SessionPort
  events: EventPort
  workspace: WorkspacePort
  journal: JournalStore
  clock: Clock
  logger: Logger
}

/** Mission options; every bound is a true upper bound that the engine never raises. */
export interface MissionOptions {
  id: string
  goal: string
  /** Model per role; unset roles inherit OpenCode's default model. */
  models?: Partial<Record<Role, ModelRef>>
  /** Check command run in the workspace when every todo passed review (e.g. `npm test`). Default: none. */
  check?: string
  /** Default: 300 000 ms. */
  checkTimeoutMs?: number
  /** Concurrent sessions: in all, per role, per provider, per `provider/model`. Default: { total: 3 }. */
  caps?: SchedulerCaps
  /** Todos one worker session may take before it is retired. Default: 3. */
  maxTodosPerSession?: number
  /** Worker attempts per todo (per plan revision) before the planner is asked to re-plan. Default: 2. */
  maxAttempts?: number
  /** Plans the planner may send back after a rejection. Default: 3. */
  maxPlanAttempts?: number
  budgets?: BudgetLimits
  /**
   * How long a turn of any role may sit in provider retry. Past it a worker's or reviewer's attempt
   * fails (its todo is tried again on a fresh session, within its attempts) and the planner's mission
   * ends as failed with the provider's message. Default: 60 000 ms.
   */
  retryStuckMs?: number
  /**
   * Before the planner's retry bound ends the mission, publish `MissionState.needsYou` and wait one
   * more bound for `keepWaiting()` (or `stop()`). For hosts that can ask their user. Default: false.
   */
  askWhenStuck?: boolean
  /** Failures (per role) that open the circuit breaker. Default: 5. */
  breakerThreshold?: number
  /**
   * End an agent's turn as soon as its mission tool result is in, instead of paying for the closing
   * model call that OpenCode makes after every tool (it only says "done", and holds a concurrency
   * slot meanwhile). Default: true.
   */
  endTurnOnResult?: boolean
}

/** Defaults of the bounds in {@link MissionOptions}. */
export const MISSION_DEFAULTS = {
  checkTimeoutMs: 300_000,
  caps: { total: 3 } as SchedulerCaps,
  maxTodosPerSession: 3,
  maxAttempts: 2,
  maxPlanAttempts: 3,
  retryStuckMs: 60_000,
  askWhenStuck: false,
  breakerThreshold: 5,
  endTurnOnResult: true,
}
