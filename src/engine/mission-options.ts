// A mission's options and the ports it runs on; the options it ran with, as the journal keeps them.

import type { BudgetLimits } from './guards/budgets'
import type { JsonValue } from './record/entries'
import { parseEntries, type JournalStore } from './record/journal'
import { replay } from './record/replay'
import type {
  Clock,
  EventPort,
  Logger,
  ModelRef,
  Role,
  SessionPort,
  WorkspacePort,
  WorktreePort,
} from './ports'
import type { SchedulerCaps } from './schedule/scheduler'
import type { VerbatimStore } from './record/verbatim'
import { REDACTED } from './util/scrub-secrets'

export interface MissionDeps {
  sessions: SessionPort
  events: EventPort
  workspace: WorkspacePort
  journal: JournalStore
  clock: Clock
  logger: Logger
  /**
   * Where the texts a resume must use whole are kept (record/verbatim.ts). Without one, a resume runs
   * a check the journal holds redacted only when the configured check is that same command.
   */
  verbatim?: VerbatimStore
  /**
   * Worktrees of the mission's repository (`isolation: 'worktree'`). Without it, or in a folder git
   * does not track, the mission runs in the shared tree and says why.
   */
  worktrees?: WorktreePort
}

/** Mission options; every bound is a true upper bound that the engine never raises. */
export interface MissionOptions {
  id: string
  goal: string
  /** Model per role; unset roles inherit OpenCode's default model. */
  models?: Partial<Record<Role, ModelRef>>
  /**
   * Check command run in the workspace when every todo passed review (e.g. `npm test`); `false`
   * runs none (the mission then completes as "no check ran"). Default: the project's own, detected
   * from its files (project/check-command.ts).
   */
  check?: string | false
  /** Default: 300 000 ms. */
  checkTimeoutMs?: number
  /**
   * What a mission does when the check fails on its base because the project's environment is not
   * set up (command not found, a missing module, a test collection error): `ask` publishes
   * `MissionState.needsYou` (kind `baseline`) and waits for `answerBaseline()`, for hosts that can ask
   * their user; `stop` ends the mission before any worker starts; `continue` goes on. A check that
   * merely fails on the base never stops the mission. Default: 'stop'.
   */
  ifCheckFails?: IfCheckFails
  /** Concurrent sessions: in all, per role, per provider, per `provider/model`. Default: { total: 3 }. */
  caps?: SchedulerCaps
  /** Todos one worker session may take before it is retired. Default: 3. */
  maxTodosPerSession?: number
  /** Worker attempts per todo (per plan revision) before the planner is asked to re-plan. Default: 2. */
  maxAttempts?: number
  /**
   * Failed reviews after which a todo is cancelled by policy instead of tried again or re-planned
   * (counted across re-plans, from zero again when the user retries it); its dependents wait on it.
   * Default: Infinity (never).
   */
  cancelAfterRejections?: number
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
  /**
   * `worktree`: each todo works in a git worktree of its own, passed work is merged into the
   * mission's integration branch in dependency order, and the check runs there; `shared`: every agent
   * works in the user's tree. Worktree mode needs `MissionDeps.worktrees` and a git base. Default: 'shared'.
   */
  isolation?: Isolation
  /**
   * The session the mission's sessions go under, instead of a root session of its own: the user's
   * session a mission was started from inside OpenCode (`/task`). It is never prompted or aborted.
   */
  rootSessionId?: string
  /**
   * In worktree mode, what reaches the user's tree at the end: `auto` applies the integrated result
   * when the mission completed (its check passed), else keeps the integration branch; `ask` leaves the
   * integration branch and its folder for the host to offer Apply, Review, Keep Branch or Discard.
   * Default: 'auto'.
   */
  applyChanges?: ApplyChanges
}

export type Isolation = 'shared' | 'worktree'
export const ISOLATIONS: readonly Isolation[] = ['shared', 'worktree']
export type ApplyChanges = 'auto' | 'ask'
export const APPLY_CHANGES: readonly ApplyChanges[] = ['auto', 'ask']

export type IfCheckFails = 'ask' | 'continue' | 'stop'

export const IF_CHECK_FAILS: readonly IfCheckFails[] = ['ask', 'continue', 'stop']

/** Defaults of the bounds in {@link MissionOptions}. */
export const MISSION_DEFAULTS = {
  checkTimeoutMs: 300_000,
  ifCheckFails: 'stop' as IfCheckFails,
  caps: { total: 3 } as SchedulerCaps,
  maxTodosPerSession: 3,
  maxAttempts: 2,
  cancelAfterRejections: Infinity,
  maxPlanAttempts: 3,
  retryStuckMs: 60_000,
  askWhenStuck: false,
  breakerThreshold: 5,
  endTurnOnResult: true,
  isolation: 'shared' as Isolation,
  applyChanges: 'auto' as ApplyChanges,
}

/** The options worth keeping for a resume: everything but the identity and the check (journaled apart). */
type KeptOptions = Omit<MissionOptions, 'id' | 'goal' | 'check'>
const KEPT_KEYS = [
  'models',
  'checkTimeoutMs',
  'ifCheckFails',
  'caps',
  'maxTodosPerSession',
  'maxAttempts',
  'cancelAfterRejections',
  'maxPlanAttempts',
  'budgets',
  'retryStuckMs',
  'breakerThreshold',
  'endTurnOnResult',
  'isolation',
  'applyChanges',
] as const satisfies readonly (keyof KeptOptions)[]

/** JSON has no Infinity (a cap or budget "without bound"): it is kept as this string. */
const UNBOUNDED = 'Infinity'

/** The options a mission runs with, JSON-safe, for `mission.started` (the journal redacts secret-named keys). */
export function optionsToJson(options: MissionOptions): { [key: string]: JsonValue } {
  const kept: Record<string, unknown> = {}
  for (const key of KEPT_KEYS) if (options[key] !== undefined) kept[key] = options[key]
  return JSON.parse(JSON.stringify(kept, (_k, v: unknown) => (v === Infinity ? UNBOUNDED : v))) as {
    [key: string]: JsonValue
  }
}

/** The options journaled by {@link optionsToJson}; keys it does not know (or of the wrong kind) are left out. */
export function optionsFromJson(json: { [key: string]: JsonValue }): Partial<KeptOptions> {
  const revived = JSON.parse(JSON.stringify(json), (_k, v: unknown) =>
    v === UNBOUNDED ? Infinity : v,
  ) as Record<string, unknown>
  const out: Record<string, unknown> = {}
  for (const key of KEPT_KEYS) {
    const v = revived[key]
    const kind = typeof MISSION_SHAPES[key]
    if (v !== undefined && v !== null && typeof v === kind) out[key] = v
  }
  // An answer no host would give is not kept: the mission runs with the one it is given now.
  if (!IF_CHECK_FAILS.includes(out.ifCheckFails as IfCheckFails)) delete out.ifCheckFails
  if (!ISOLATIONS.includes(out.isolation as Isolation)) delete out.isolation
  if (!APPLY_CHANGES.includes(out.applyChanges as ApplyChanges)) delete out.applyChanges
  return out as Partial<KeptOptions>
}

/** The kind of value each kept option holds (a number, a boolean or an object). */
const MISSION_SHAPES: Record<(typeof KEPT_KEYS)[number], unknown> = {
  models: {},
  checkTimeoutMs: 0,
  ifCheckFails: '',
  caps: {},
  maxTodosPerSession: 0,
  maxAttempts: 0,
  cancelAfterRejections: 0,
  maxPlanAttempts: 0,
  budgets: {},
  retryStuckMs: 0,
  breakerThreshold: 0,
  endTurnOnResult: true,
  isolation: '',
  applyChanges: '',
}

/**
 * The options to run a mission with: those its journal recorded at `mission.started` when the
 * journal holds an unfinished mission (a resume runs as it started, whatever the settings are now),
 * else the given ones. A journal written before options were journaled resumes with the given ones.
 */
export async function withJournaledOptions(
  journal: JournalStore,
  options: MissionOptions,
): Promise<MissionOptions> {
  const snap = replay(parseEntries(await journal.readAll()).entries)
  if (snap.status !== 'running') return options
  const kept = optionsFromJson(snap.options)
  const check = snap.options.check
  return {
    ...options,
    ...kept,
    // A check journaled redacted is not a command: the mission takes it from what it kept whole.
    ...(check !== undefined &&
      !(typeof check === 'string' && check.includes(REDACTED)) && {
        check: typeof check === 'string' ? check : false,
      }),
  }
}
