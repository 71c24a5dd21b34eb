// The mission loop: the story of one mission, from the plan to its end. Everything else lives in
// the engine's rooms, lowest first (ESLint keeps the arrows pointing down):
//   util/      timers, serial runs, coalescing, the emitter: no mission knowledge
//   protocol/  the mission tools' arguments, the briefs, file ownership, model names
//   record/    the journal and what it folds into: todos, agents, the published state
//   sessions/  the mission's sessions and their trees, the permission inbox
//   guards/    budgets, breakers, retry policy, cooling providers
//   schedule/  who runs what next under the caps, and the prompts that start it
//   turns/     what a finished turn means: its result, a failed attempt, the iteration's end
// Collaborators that only call back here are separate so that their state has one owner: the
// dispatcher owns the tick loop, TodoAttempts the backoffs, TurnCutter the pending cuts.

import { AgentRoster } from './record/agent-roster'
import { CircuitBreaker } from './guards/circuit-breaker'
import { Dispatcher } from './schedule/dispatcher'
import { Emitter } from './util/emitter'
import { errorMessage } from './util/error-message'
import { checkOutcome, failedTodosReason, iterationStep } from './turns/iteration-end'
import { checkProgress, lastCheckNote, noProgressReason } from './turns/check-progress'
import { BaselineGate } from './turns/baseline-gate'
import { agentName, type Live, type Turn } from './sessions/live-session'
import { MissionBudgets } from './guards/mission-budgets'
import { countEmptyStep, EMPTY_STEPS_REASON } from './guards/empty-steps'
import { repeatedCall } from './guards/repeated-calls'
import { MISSION_DEFAULTS, optionsToJson, type MissionDeps, type MissionOptions } from './mission-options'
import { chooseCheck, type CheckChoice } from './project/check-command'
import { TOOL_PLAN, TOOL_REPORT, TOOL_VERDICT, type PlanArgs } from './protocol/mission-protocol'
import { MissionRecord } from './record/mission-record'
import { emptySnapshot } from './record/replay'
import { excerpt } from './util/excerpt'
import { summarizeMission } from './record/mission-summary'
import { MissionSessions } from './sessions/mission-sessions'
import { isTerminal, type BaselineAnswer, type MissionState } from './record/mission-state'
import { PermissionInbox } from './sessions/permission-inbox'
import type { HostError, HostEvent, PermissionReply, WorkspaceBase } from './ports'
import {
  NO_PLAN_CALL,
  nudgeBrief,
  planBrief,
  planRetryBrief,
  replanBrief,
  steerBrief,
} from './protocol/prompts'
import type { CheckFailure } from './protocol/prompts'
import { gaveUpReason, ProviderCooling } from './guards/provider-cooling'
import { initialState, withParts } from './record/published-state'
import { reconcile } from './turns/reconcile'
import { RepeatBreaker } from './guards/repeat-breaker'
import { classify } from './guards/retry'
import { Timeline, timelineEntry } from './record/timeline'
import { StuckAsk } from './guards/stuck-ask'
import { TimerSet } from './util/timer-set'
import { CHECK_KEY, VerbatimTexts } from './record/verbatim'
import { resumedCheck } from './project/resumed-check'
import { scrubSecrets } from './util/scrub-secrets'
import { TodoActions } from './turns/todo-actions'
import { TodoAttempts } from './turns/todo-attempts'
import type { Refusal } from './util/refusal'
import { LOST_TURN_NOTE, RELOAD_NOTE, Steering, steerRefusal } from './sessions/steering'
import { TurnCutter } from './turns/turn-cut'
import {
  captureResult,
  noResultReason,
  recordRefusal,
  refusedReason,
  refusalOf,
  turnOutcome,
} from './turns/turn-results'

/** Identical turns in a row that mark a session as looping. */
const REPEATS = 3

/**
 * How long the first plan brief waits for the check's run on the base, so that the planner learns of
 * a failing check; past it the planner starts without it (it learns at the first re-plan).
 */
const BASELINE_HEAD_START_MS = 3_000

/** What a mission that ran no check says when it completes: never plain verified success. */
export const NO_CHECK = 'completed — no check ran'

/**
 * One mission: plan → parallel workers → review → check → re-plan, until the check passes or a
 * budget, a breaker or the user stops it. Driven by OpenCode's events (never by polling or sleeps);
 * every decision is journaled so a new instance resumes where this one stopped. run() resolves
 * with the final state and never rejects.
 */
export class Mission {
  readonly #changes = new Emitter<MissionState>()
  readonly #roster: AgentRoster
  readonly #timeline = new Timeline()
  readonly #record = new MissionRecord(
    () => this.#publish(),
    (sessionId) => this.#roster.list.find((a) => a.sessionId === sessionId),
  )
  readonly #sessions: MissionSessions
  readonly #inbox: PermissionInbox
  readonly #timers: TimerSet
  readonly #cooling: ProviderCooling
  readonly #stuck: StuckAsk
  readonly #dispatcher: Dispatcher
  readonly #attempts: TodoAttempts
  readonly #cutter: TurnCutter
  readonly #steering: Steering
  /** The check command and steering messages as given: the journal keeps them scrubbed. */
  readonly #verbatim: VerbatimTexts
  readonly #actions: TodoActions
  /** The check's run on the base: no worker starts before it settled. */
  readonly #baseline: BaselineGate
  readonly #seenCalls = new Set<string>()
  readonly #abort = new AbortController()
  /** Aborted by dispose(): the host goes away, the mission is left to its journal. */
  readonly #disposed = new AbortController()
  readonly #repeat = new RepeatBreaker({ repeats: REPEATS })
  readonly #breaker: CircuitBreaker
  readonly #budgets: MissionBudgets
  readonly #o: Required<Omit<MissionOptions, 'models' | 'check' | 'budgets'>> & MissionOptions
  #state: MissionState
  #plannerId: string | undefined
  /** The check this mission runs, chosen (or read back from the journal) when it begins. */
  #check: CheckChoice | undefined
  #planAttempts = 0
  #paused = false
  #disconnected = false
  #passedAtIterationStart = 0
  #unsubscribe: (() => void) | undefined
  #finish: ((s: MissionState) => void) | undefined

  constructor(
    private readonly deps: MissionDeps,
    options: MissionOptions,
  ) {
    if (options.goal.trim() === '') throw new TypeError('Expected a non-empty `goal`')
    // No session could ever start under a total of 0: refused here, before a model call is spent.
    const total = options.caps?.total ?? MISSION_DEFAULTS.caps.total
    if (!(total === Infinity || (Number.isInteger(total) && total >= 1)))
      throw new TypeError(`Expected \`caps.total\` to be a whole number >= 1, got ${String(total)}`)
    this.#roster = new AgentRoster(() => deps.clock.now())
    this.#o = { ...MISSION_DEFAULTS, ...options }
    const now = deps.clock.now()
    this.#breaker = new CircuitBreaker({ clock: deps.clock, failureThreshold: this.#o.breakerThreshold })
    this.#breaker.onChange((c) => {
      deps.logger.info(`breaker ${c.key}: ${c.from} → ${c.to}`)
      if (c.to !== 'open') this.#requestTick()
    })
    this.#timers = new TimerSet(deps.clock)
    this.#budgets = new MissionBudgets({
      clock: deps.clock,
      limits: options.budgets,
      timers: this.#timers,
      onWallTime: () => this.#checkBudgets(),
    })
    this.#sessions = new MissionSessions({
      sessions: deps.sessions,
      clock: deps.clock,
      logger: deps.logger,
      roster: this.#roster,
      record: this.#record,
      goal: this.#o.goal,
      models: this.#o.models,
      over: () => this.#over(),
    })
    this.#inbox = new PermissionInbox({
      sessions: this.#sessions,
      roster: this.#roster,
      publish: () => this.#publish(),
    })
    this.#cooling = new ProviderCooling({
      live: this.#sessions.live,
      timers: this.#timers,
      clock: deps.clock,
      retryStuckMs: this.#o.retryStuckMs,
      onStuck: (live) => this.#orFail(this.#onRetryStuck(live)),
      onCooled: () => this.#requestTick(),
    })
    this.#stuck = new StuckAsk({
      clock: deps.clock,
      timers: this.#timers,
      graceMs: this.#o.retryStuckMs,
      publish: () => this.#publish(),
      giveUp: (sessionId) => this.#giveUpOn(sessionId),
    })
    this.#dispatcher = new Dispatcher({
      port: deps.sessions,
      logger: deps.logger,
      record: this.#record,
      sessions: this.#sessions,
      roster: this.#roster,
      breaker: this.#breaker,
      cooling: this.#cooling,
      timers: this.#timers,
      caps: this.#o.caps,
      maxTodosPerSession: this.#o.maxTodosPerSession,
      models: this.#o.models,
      over: () => this.#over(),
      ready: () =>
        !this.#over() &&
        !this.#paused &&
        !this.#disconnected &&
        this.#baseline.settled &&
        this.#state.phase === 'working',
      publish: () => this.#publish(),
      publishOwnership: () => this.#publishOwnership(),
      idle: () => this.#maybeIterationEnd(),
      fail: (reason) => this.#end('failed', reason),
    })
    this.#attempts = new TodoAttempts({
      record: this.#record,
      timers: this.#timers,
      breaker: this.#breaker,
      maxAttempts: this.#o.maxAttempts,
      onRequeued: () => this.#requestTick(),
      fail: (reason) => void this.#end('failed', reason),
    })
    this.#cutter = new TurnCutter({
      enabled: this.#o.endTurnOnResult,
      sessions: deps.sessions,
      logger: deps.logger,
    })
    this.#verbatim = new VerbatimTexts(deps.verbatim, deps.logger)
    this.#steering = new Steering({
      roster: this.#roster,
      record: this.#record,
      verbatim: this.#verbatim,
      logger: deps.logger,
    })
    this.#actions = new TodoActions({
      record: this.#record,
      sessions: this.#sessions,
      roster: this.#roster,
      inbox: this.#inbox,
      steering: this.#steering,
      attempts: this.#attempts,
      logger: deps.logger,
      over: () => this.#over(),
      progressed: () => this.#progressed(),
      publish: () => this.#publish(),
    })
    this.#baseline = new BaselineGate({
      record: this.#record,
      workspace: deps.workspace,
      timers: this.#timers,
      logger: deps.logger,
      checkTimeoutMs: this.#o.checkTimeoutMs,
      ifCheckFails: this.#o.ifCheckFails,
      // Ended by a stop, and by the host going away (its cut-short result is not recorded).
      signal: AbortSignal.any([this.#abort.signal, this.#disposed.signal]),
      check: () => this.#check,
      setCheck: (check) => {
        this.#setCheck(check)
        // The user's command, kept whole: a resume runs it as given, not as the journal scrubs it.
        if (check.command !== null) void this.#verbatim.set(CHECK_KEY, check.command)
      },
      over: () => this.#over(),
      fail: (reason) => this.#end('failed', reason),
      stop: (reason) => this.stop(reason),
      publish: () => this.#publish(),
      settled: () => this.#requestTick(),
    })
    this.#state = initialState(options.id, options.goal, now, this.#budgets.view())
  }

  get state(): MissionState {
    return this.#state
  }

  onChange(listener: (state: MissionState) => void): () => void {
    return this.#changes.on(listener)
  }

  run(): Promise<MissionState> {
    const done = new Promise<MissionState>((resolve) => (this.#finish = resolve))
    this.#unsubscribe = this.deps.events.subscribe((e) => this.#onEvent(e))
    void this.#begin().catch((err: unknown) => this.#end('failed', errorMessage(err)))
    return done
  }

  /** Aborts every session of the mission, children included, and ends it as stopped. */
  async stop(reason = 'stopped by the user'): Promise<void> {
    if (isTerminal(this.#state.phase)) return
    await this.#end('stopped', reason)
  }

  /** Stops dispatching new work; running turns finish. */
  pause(): void {
    if (isTerminal(this.#state.phase) || this.#paused) return
    this.#paused = true
    this.#publish()
  }

  resume(): void {
    if (!this.#paused) return
    this.#paused = false
    this.#publish()
    this.#requestTick()
  }

  /**
   * Answers `state.needsYou`: the stuck agent gets one more retry bound. Stop answers it the other
   * way. Does nothing when no question is open.
   */
  keepWaiting(): void {
    const ask = this.#stuck.close()
    const live = ask && this.#sessions.live.get(ask.sessionId)
    if (live) this.#cooling.extend(live)
  }

  /**
   * Answers a `baseline` question (`state.needsYou.kind === 'baseline'`): `continue` lets the workers
   * start, `stop` ends the mission, `changeCheck` runs the given command as the check from now on,
   * starting with its own baseline. Resolves with the refusal when no such question is open or the
   * command is empty.
   */
  answerBaseline(answer: BaselineAnswer): Promise<Refusal | undefined> {
    return this.#baseline.answer(answer)
  }

  /** Answers a permission request from the inbox. */
  async replyPermission(requestId: string, reply: PermissionReply): Promise<void> {
    const ask = this.#inbox.find(requestId)
    if (!ask) throw new Error(`no open permission request ${requestId}`)
    await this.deps.sessions.replyPermission(requestId, ask.sessionId, reply)
    this.#inbox.answered(requestId, this.#sessions.rootAbove(ask.sessionId) ?? ask.sessionId)
  }

  /**
   * Cancels one todo: aborts the sessions working on it (with their children), journals it as
   * cancelled; its dependents wait as blocked, everything else carries on. Resolves with the refusal
   * when the todo is unknown or finished, or the mission is not running.
   */
  cancelTodo(todoId: string): Promise<Refusal | undefined> {
    return this.#actions.cancel(todoId)
  }

  /** Sends a failed or cancelled todo back to the queue, its history kept (running missions only). */
  retryTodo(todoId: string): Promise<Refusal | undefined> {
    return this.#actions.retry(todoId)
  }

  /**
   * Queues a message for a running agent, delivered as its next prompt once its turn reaches idle
   * (never written into the busy turn). Refused for an unknown session or one that is not running.
   */
  steer(sessionId: string, text: string): Refusal | undefined {
    if (this.#over()) return { refused: 'The mission is not running: there is no agent to steer.' }
    const live = this.#sessions.live.get(sessionId)
    const refusal = steerRefusal(live, this.#roster, sessionId, text)
    if (refusal) return refusal
    this.#steering.queue(sessionId, text)
    this.deps.logger.info(`steering queued for ${live?.role ?? ''} ${sessionId}`)
    this.#publish()
    return undefined
  }

  /** Stops listening to host events, clears timers and ends a running check. */
  dispose(): void {
    this.#disposed.abort()
    this.#unsubscribe?.()
    this.#clearTimers()
    this.#breaker.dispose()
    this.#changes.clear()
  }

  // --- start and resume ---------------------------------------------------------------------------

  async #begin(): Promise<void> {
    await this.#record.open(this.deps.journal, this.deps.clock)
    if (this.#over()) {
      // Stopped while the journal opened: record the end, start nothing.
      await this.#record.appendQuietly({
        type: 'mission.ended',
        status: this.#state.phase === 'failed' ? 'failed' : 'stopped',
        reason: this.#state.reason ?? '',
      })
      return
    }
    this.#record.sync()
    const snap = this.#record.snap
    this.#budgets.begin(snap)
    this.#timeline.seed(snap.timeline)
    this.#dispatcher.readRoleModels()
    this.#readModelLimits()
    if (snap.status === 'new') {
      this.#sessions.prepareRoot()
      const check = await this.#chooseCheck()
      if (check.command !== null) await this.#verbatim.set(CHECK_KEY, check.command)
      // Before anything can edit the workspace; a base that cannot be taken is recorded as unknown.
      const base = await this.#captureBase()
      // Stopped while the base was taken: the end is recorded, nothing starts.
      if (this.#over()) return
      // The options it runs with, so that a resume runs the same way (mission-options.ts).
      const options = {
        ...optionsToJson(this.#o),
        check: check.command,
        checkSource: check.source,
        ...(check.cwd !== undefined && { checkCwd: check.cwd }),
      }
      const { directory } = this.deps.workspace
      await this.#record.append({
        type: 'mission.started',
        goal: this.#o.goal,
        options,
        ...(directory !== undefined && { directory }),
      })
      // The journaled start is the mission's start, for this instance and any that resumes it.
      const at = this.#record.snap.startedAt
      if (at !== undefined) this.#update({ startedAt: at })
      if (base) await this.#record.append({ type: 'mission.base', base })
      // The root first: every agent session is created under it.
      await this.#sessions.ensureRoot()
      // The check runs on the base while the planner plans; the planner waits for it a little.
      this.#baseline.start()
      await this.#baseline.settledOrAfter(BASELINE_HEAD_START_MS)
      const files = await this.deps.workspace.listFiles().catch(() => [])
      await this.#plan(planBrief(this.#o.goal, files, this.#baseline.failure()))
      return
    }
    if (snap.status !== 'running') {
      this.#end(snap.status, snap.reason ?? 'already ended')
      return
    }
    this.deps.logger.info(`mission ${this.#o.id}: resuming from the journal at iteration ${snap.iteration}`)
    await this.#verbatim.load()
    // The check in use: the latest baseline's when the user changed it, else the one it started with;
    // either way the whole text kept beside the journal, never the journal's scrubbed copy.
    const b = snap.baseline
    const journaled = b ? { check: b.command, checkSource: b.source } : snap.options
    const check = await resumedCheck(journaled, this.#verbatim.get(CHECK_KEY), () =>
      chooseCheck(this.#o.check, this.deps.workspace),
    )
    if ('refused' in check) return void this.#end('failed', check.refused)
    const cwd = b ? b.cwd : typeof snap.options.checkCwd === 'string' ? snap.options.checkCwd : undefined
    this.#setCheck({ ...check, ...(check.cwd === undefined && cwd !== undefined && { cwd }) })
    this.#plannerId = this.#sessions.restore(snap) ?? this.#plannerId
    this.#steering.resume()
    this.#attempts.rebase(snap.todoOrder)
    this.#update({
      phase: snap.todoOrder.length ? 'working' : 'planning',
      iteration: snap.iteration,
      // Its own start, not this instance's: durations and the timeline count from there.
      ...(snap.startedAt !== undefined && { startedAt: snap.startedAt }),
    })
    // A message still waiting was meant for a turn of the instance that went away: it goes out only
    // when that turn still runs on the server (its next idle is the one it waited for).
    await this.#reconcile('resumed', (adopted) => this.#steering.dropAllBut(adopted, RELOAD_NOTE))
    // Once the sessions still running are adopted: only then may the workers start again.
    await this.#baseline.resume()
    if (this.#over()) return
    if (this.#record.snap.todoOrder.length === 0) {
      await this.#plan(planBrief(this.#o.goal, await this.deps.workspace.listFiles().catch(() => [])))
      return
    }
    this.#requestTick()
  }

  /** The configured check, none when opted out, else the project's own (detected from its files). */
  async #chooseCheck(): Promise<CheckChoice> {
    const check = await chooseCheck(this.#o.check, this.deps.workspace)
    this.#setCheck(check)
    return check
  }

  #setCheck(check: CheckChoice): void {
    this.#check = check
    // What is shown and reported is scrubbed like the journal; the command as given only runs.
    const shown = check.command === null ? null : scrubSecrets(check.command)
    const where = check.cwd ? `, runs in ${check.cwd}` : ''
    this.deps.logger.info(`mission ${this.#o.id}: check: ${shown ?? 'none'} (${check.source}${where})`)
    this.#update({
      check: {
        command: shown,
        source: check.source,
        ...(check.cwd !== undefined && { cwd: check.cwd }),
      },
    })
  }

  /** Brings the journal in line with the server after a restart or a dropped event stream. */
  #reconcile(why: string, adopted?: (sessionIds: ReadonlySet<string>) => void): Promise<void> {
    return reconcile(
      {
        port: this.deps.sessions,
        record: this.#record,
        sessions: this.#sessions,
        seen: (callId) => this.#seenCalls.add(callId),
        capture: (live, tool, callId, input) => this.#capture(live, tool, callId, input),
        turnEnded: (live) => this.#onTurnEnd(live),
        // What waits for that turn's idle has no turn to go to: its todo starts over.
        lost: (sessionId) => this.#steering.drop(sessionId, LOST_TURN_NOTE),
        ...(adopted && { adopted }),
      },
      why,
    )
  }

  // --- planning ----------------------------------------------------------------------------------

  async #plan(brief: string): Promise<void> {
    if (this.#over()) return
    this.#update({ phase: 'planning' })
    let planner = this.#plannerId ? this.#sessions.live.get(this.#plannerId) : undefined
    if (!planner || planner.retired) planner = await this.#sessions.create('planner')
    if (!planner) return
    this.#plannerId = planner.sessionId
    this.#planAttempts++
    // Published before the planner runs, so the plugin holds the planner's closing call too.
    await this.#publishOwnership()
    await this.#dispatcher.prompt(planner, { kind: 'plan', nudged: false }, brief)
  }

  async #acceptPlan(plan: PlanArgs): Promise<void> {
    if (plan.cannotPlan !== undefined)
      return void this.#end('failed', `the planner cannot plan: ${plan.cannotPlan}`)
    const iteration = this.#record.snap.iteration + 1
    this.#attempts.rebase(plan.todos.map((t) => t.id))
    await this.#record.append({ type: 'plan.accepted', iteration, todos: plan.todos })
    this.#passedAtIterationStart = this.#record.passedCount()
    this.#planAttempts = 0
    this.deps.logger.info(`mission ${this.#o.id}: plan ${iteration} accepted with ${plan.todos.length} todos`)
    this.#update({ phase: 'working', iteration })
    await this.#publishOwnership()
    this.#requestTick()
  }

  // --- events ------------------------------------------------------------------------------------

  #onEvent(event: HostEvent): void {
    if (event.type === 'disconnected') {
      this.#disconnected = true
      if (event.permanent) void this.#end('failed', `lost the OpenCode server: ${event.reason}`)
      return
    }
    if (event.type === 'connected') {
      if (!this.#disconnected) return
      this.#disconnected = false
      if (!this.#over() && this.#record.opened)
        this.#orFail(this.#reconcile('reconnected').then(() => this.#requestTick()))
      return
    }
    if (!('sessionId' in event) || event.sessionId === undefined) return
    if (event.type === 'session.created' && event.parentId)
      return this.#sessions.adopt(event.sessionId, event.parentId)
    const rootId = this.#sessions.rootOf(event.sessionId)
    if (!rootId) return
    // A child's permission ask holds its root's agent; the inbox's publish carries the lane's change.
    const timelineChanged =
      !this.#over() &&
      (event.sessionId === rootId || event.type.startsWith('permission.')) &&
      this.#timeline.fold(rootId, event, this.deps.clock.now())
    if (event.type === 'permission.asked') return this.#inbox.asked(event, rootId)
    if (event.type === 'permission.replied') return this.#inbox.answered(event.requestId, rootId)
    if (event.sessionId !== rootId) return // child sessions: only their permissions matter here
    const live = this.#sessions.live.get(rootId)
    if (!live) return
    if (this.#roster.fold(event, this.deps.clock.now()) || timelineChanged) this.#publish()
    if (this.#over()) return
    switch (event.type) {
      case 'message.assistant':
        return this.#onUsage(live, event)
      case 'part.tool':
        if (this.#refused(live, event) || this.#repeatsCall(live, event)) return
        if (event.status === 'completed' && this.#capture(live, event.tool, event.callId, event.input)) {
          if (live.turn) live.turn.resultMessageId = event.messageId
          this.#orFail(this.#deliver(live))
        }
        return
      case 'session.status':
        this.#cooling.onStatus(live, event.status)
        if (event.status.type !== 'retry') this.#stuck.close(live.sessionId)
        return
      case 'session.error':
        return this.#orFail(this.#onError(live, event.error))
      case 'session.compacted':
        if (live.turn && !live.turn.delivered) live.turn.compacted = true
        return
      case 'session.idle':
        if (live.busy && live.turn) this.#orFail(this.#rebrief(live) ?? this.#onTurnEnd(live))
        return
      default:
        return
    }
  }

  #onUsage(live: Live, e: Extract<HostEvent, { type: 'message.assistant' }>): void {
    if (e.providerId) live.provider = e.providerId
    if (e.completed) {
      const first = !live.completedMessages.has(e.messageId)
      live.completedMessages.add(e.messageId)
      if (first && live.turn && countEmptyStep(live.turn, e)) this.#cutShort(live, EMPTY_STEPS_REASON)
      if (e.error?.name !== 'MessageAbortedError') this.#roster.recordAnswer(e.messageId)
      this.#cutter.messageCompleted(live, e.messageId)
    }
    this.#budgets.recordUsage(live, e)
    this.#checkBudgets()
  }

  /** Records a completed mission tool call of the open turn; true when it carries a usable result. */
  #capture(live: Live, tool: string, callId: string, input: unknown): boolean {
    if (this.#seenCalls.has(callId) || !live.turn || live.turn.delivered) return false
    this.#seenCalls.add(callId)
    return captureResult(live.turn, tool, input, this.#record.knownIds())
  }

  /**
   * Records a refused tool call of the open turn; true when the call was one. A turn that reaches
   * the bound of refusals is ended (its agent loops on them): it fails like one without its result.
   */
  #refused(live: Live, call: Extract<HostEvent, { type: 'part.tool' }>): boolean {
    const refusal = refusalOf(call)
    if (refusal === undefined) return false
    const turn = live.turn
    if (this.#seenCalls.has(call.callId) || !turn || turn.delivered) return true
    this.#seenCalls.add(call.callId)
    if (recordRefusal(turn, refusal)) this.#cutShort(live, refusedReason(turn))
    return true
  }

  /** Counts a finished call of the open turn; true when it ended the turn (the same call again and again). */
  #repeatsCall(live: Live, call: Extract<HostEvent, { type: 'part.tool' }>): boolean {
    const turn = live.turn
    if ((call.status !== 'completed' && call.status !== 'error') || !turn || turn.delivered) return false
    const reason = repeatedCall(turn, call, live.role)
    if (reason !== undefined) this.#cutShort(live, reason)
    return reason !== undefined
  }

  /** Ends a turn its agent would not end (it loops): the attempt fails at its idle, with the reason. */
  #cutShort(live: Live, reason: string): void {
    const turn = live.turn
    if (!turn || turn.cutShort !== undefined) return
    turn.cutShort = reason
    turn.nudged = true // ended, not nudged
    this.deps.logger.warn(`${agentName(live)}: ${reason}: ending its turn`)
    // A server out of reach keeps the turn: the reconcile after the reconnect finds how it ended.
    void this.deps.sessions
      .abort(live.sessionId)
      .catch((err: unknown) =>
        this.deps.logger.warn(`could not end the turn of the ${agentName(live)}: ${errorMessage(err)}`),
      )
  }

  /**
   * A session sat in provider retry past the bound. The planner's mission ends with the provider's
   * message (after asking, where the host can answer); a worker's or reviewer's attempt fails, so its
   * todo is tried again, within its attempts, on a fresh session.
   */
  async #onRetryStuck(live: Live): Promise<void> {
    const turn = live.turn
    if (this.#over() || !turn) return
    const reason = `${live.role}: ${gaveUpReason(live, this.deps.clock.now())}`
    if (turn.kind === 'plan') {
      if (this.#o.askWhenStuck) return this.#stuck.open(live, reason)
      return void this.#end('failed', reason)
    }
    this.deps.logger.warn(`${agentName(live)}: ${reason}: aborting, trying ${turn.todoId ?? ''} again`)
    live.turn = undefined
    live.retired = true
    this.#steering.drop(live.sessionId, 'its provider kept retrying')
    await this.#sessions.abortTree(live.sessionId)
    this.#sessions.release(live)
    this.#cooling.refresh()
    await this.#attemptFailed(turn, reason)
    await this.#progressed()
  }

  /** Nobody answered whether to keep waiting on a session stuck in retry: the mission gives up. */
  #giveUpOn(sessionId: string): void {
    const live = this.#sessions.live.get(sessionId)
    if (!live?.turn || this.#over()) return
    void this.#end('failed', `${live.role}: ${gaveUpReason(live, this.deps.clock.now())}`)
  }

  /** A work or review turn failed for `reason`: that todo's attempt (or review) fails, nothing more. */
  async #attemptFailed(turn: Turn, reason: string, error?: HostError): Promise<void> {
    const todoId = turn.todoId ?? ''
    if (turn.kind === 'work') await this.#attempts.failed(todoId, reason, error)
    else if (turn.kind === 'review') await this.#attempts.noVerdict(todoId, reason)
  }

  async #onError(live: Live, error: HostError): Promise<void> {
    const decision = classify(error)
    if (decision.retry === false && decision.reason === 'aborted') return
    this.deps.logger.warn(`${agentName(live)}: ${error.name}: ${error.message}`)
    if (live.turn) {
      live.turn.nudged = true // a failed turn gets no nudge: it is retried or failed below
      live.turn.error = error
    }
    // Some errors end a turn without a later idle (an unknown agent, a bad request): ask the server.
    const statuses = await this.deps.sessions.statuses().catch(() => undefined)
    if (statuses && !statuses[live.sessionId] && live.busy && live.turn) await this.#onTurnEnd(live)
  }

  /**
   * A session compacted mid-turn has its history, the brief with it, replaced by a summary (and
   * continuations decided before `session.compacted` are stale). When it then stops without its
   * result, it gets its brief again, once, rather than a nudge that names only the tool.
   */
  #rebrief(live: Live): Promise<void> | undefined {
    const turn = live.turn
    const brief = turn?.brief
    if (!turn?.compacted || turn.rebriefed || turn.delivered || turn.error || brief === undefined)
      return undefined
    live.turn = undefined // a repeated idle finds no turn
    this.deps.logger.info(
      `${live.role} ${live.sessionId} compacted before its result: sending its brief again`,
    )
    this.#inbox.dropTree(live.sessionId)
    const next: Turn = { ...turn, compacted: false, rebriefed: true }
    // Its turn ended like any other: its usage and lane are journaled before the brief goes out.
    return this.#record
      .flushUsage(live)
      .then(() => this.#flushTimeline(live.sessionId))
      .then(() => this.#dispatcher.prompt(live, next, brief))
  }

  // --- turn ends ---------------------------------------------------------------------------------

  /**
   * Acts on a mission tool result as soon as its call completes: the agent's closing model call
   * still runs in its own session, but the plan, the review or the dependents need not wait for it.
   */
  async #deliver(live: Live, turn = live.turn): Promise<void> {
    if (!turn || turn.delivered || this.#over()) return
    const outcome = turnOutcome(turn)
    if (!outcome) return
    turn.delivered = true
    this.#cutter.resultIn(live)
    this.#breaker.recordSuccess(outcome.role)
    if ('plan' in outcome) return this.#acceptPlan(outcome.plan)
    await this.#record.append(outcome.entry)
    if (outcome.failure) await this.#attempts.failed(turn.todoId ?? '', outcome.failure)
    await this.#progressed()
  }

  /** After a todo moved: republish the ownership, check the budgets, look for work to start. */
  async #progressed(): Promise<void> {
    await this.#publishOwnership()
    this.#checkBudgets()
    this.#requestTick()
  }

  async #onTurnEnd(live: Live): Promise<void> {
    const turn = live.turn
    if (!turn || this.#over()) return
    // The turn is ours to finish from here: a repeated idle finds no turn. The session stays busy
    // until we decide below, so no tick can hand it new work in between.
    live.turn = undefined
    // The root is idle, so asks left in its tree are stale (abort does not cascade to children).
    this.#inbox.dropTree(live.sessionId)
    await this.#deliver(live, turn) // a result whose completion event was missed (e.g. recovered after a restart)
    await this.#record.flushUsage(live)
    await this.#flushTimeline(live.sessionId)
    if (this.#cancelledMeanwhile(live, turn)) return this.#requestTick()
    if (await this.#deliverSteering(live, turn)) return
    this.#roster.patch(live.sessionId, { status: 'idle' })
    if (this.#repeating(live, turn)) return this.#onRepeating(live, turn)
    // A turn the engine ended holds the loop in its history: the next attempt gets a fresh session.
    if (turn.cutShort !== undefined) live.retired = true
    const error = turn.error
    if (turn.kind === 'plan') {
      this.#sessions.release(live)
      if (!turn.delivered) await this.#onPlanTurn(turn, error)
      return this.#requestTick()
    }
    const todoId = turn.todoId ?? ''
    if (!turn.delivered && !error && !turn.nudged) {
      // One nudge, then the attempt fails. The session is still held, so nothing else was sent to it.
      const tool = turn.kind === 'work' ? TOOL_REPORT : TOOL_VERDICT
      return this.#dispatcher.prompt(live, { ...turn, nudged: true }, nudgeBrief(tool, todoId))
    }
    this.#sessions.release(live)
    live.todosDone++
    live.lastFiles = this.#record.snap.todos[todoId]?.files ?? []
    if (!turn.delivered)
      await this.#attemptFailed(turn, error ? `${error.name}: ${error.message}` : noResultReason(turn), error)
    await this.#progressed()
  }

  /** The turn ended without its result, with the same text as the session's last turns on it. */
  #repeating(live: Live, turn: Turn): boolean {
    const text = this.#roster.text(live.sessionId)
    const key = `${live.sessionId}:${turn.todoId ?? turn.kind}`
    if (!text || !this.#repeat.record(key, text) || turn.delivered) return false
    this.#repeat.reset(key)
    return true
  }

  /**
   * A session that repeats itself is looping: it is retired, and the turn fails like one without a
   * result (that todo's attempt, or the plan attempt). The rest of the mission goes on.
   */
  async #onRepeating(live: Live, turn: Turn): Promise<void> {
    const reason = `the ${live.role} repeated the same output ${REPEATS} turns running`
    this.deps.logger.warn(`${agentName(live, turn.todoId)}: ${reason}`)
    live.retired = true
    this.#sessions.release(live)
    if (turn.kind === 'plan') {
      await this.#onPlanTurn({ ...turn, planErrors: [reason] })
      return this.#requestTick()
    }
    await this.#attemptFailed(turn, reason)
    await this.#progressed()
  }

  /** The user cancelled the turn's todo while its end was being decided: the session just retires. */
  #cancelledMeanwhile(live: Live, turn: Turn): boolean {
    if (!turn.todoId || this.#record.snap.todos[turn.todoId]?.status !== 'cancelled') return false
    live.retired = true
    this.#steering.drop(live.sessionId, 'the todo was cancelled')
    this.#roster.patch(live.sessionId, { status: 'aborted', tool: undefined })
    this.#sessions.release(live)
    return true
  }

  /**
   * The user's queued messages go out as the next prompt of a turn that ended without its result, in
   * place of the nudge and without counting as a failed attempt; a turn that is over drops them.
   */
  async #deliverSteering(live: Live, turn: Turn): Promise<boolean> {
    if (!this.#steering.has(live.sessionId)) return false
    if (turn.delivered || turn.error) {
      this.#steering.drop(
        live.sessionId,
        turn.delivered ? 'the agent delivered its result first' : 'its turn failed',
      )
      return false
    }
    const text = this.#steering.take(live.sessionId)
    if (text === undefined) return false
    const tool = turn.kind === 'plan' ? TOOL_PLAN : turn.kind === 'work' ? TOOL_REPORT : TOOL_VERDICT
    this.deps.logger.info(`steering delivered to ${live.role} ${live.sessionId}`)
    await this.#dispatcher.prompt(live, { ...turn }, steerBrief(text, tool, turn.todoId))
    return true
  }

  async #onPlanTurn(turn: Turn, error?: HostError): Promise<void> {
    if (error && !classify(error).retry) return void this.#end('failed', `planner: ${error.message}`)
    const failure = turn.cutShort ?? (error && `${error.name}: ${error.message}`)
    const reasons = turn.planErrors ?? [failure || NO_PLAN_CALL]
    if (this.#planAttempts >= this.#o.maxPlanAttempts)
      return void this.#end(
        'failed',
        `no valid plan after ${this.#planAttempts} attempts: ${reasons.join('; ')}${this.#plannerWords()}`,
      )
    await this.#plan(planRetryBrief(reasons))
  }

  /** Runs work started from an event or a timer: whatever it throws ends the mission with the reason. */
  #orFail(work: Promise<unknown>): void {
    void work.catch((err: unknown) => this.#end('failed', errorMessage(err)))
  }

  // --- iteration end, check, re-plan --------------------------------------------------------------

  #maybeIterationEnd(): void {
    const step = iterationStep(this.#record.todos(), {
      busy: this.#sessions.anyBusy(),
      waiting: this.#timers.waiting,
    })
    if (step.next === 'check') this.#orFail(this.#runCheck())
    else if (step.next === 'replan') this.#orFail(this.#replan(undefined, step.failed))
    else if (step.next === 'end') void this.#end('stopped', cancelledReason(step.cancelled, step.blocked))
  }

  async #runCheck(): Promise<void> {
    if (this.#over()) return
    const check = this.#check
    const command = check?.command
    this.#update({ phase: 'checking' })
    if (!command) return this.#complete()
    // A check still running when the host goes away is ended, and its cut-short result not recorded:
    // the resumed mission runs it again.
    const result = await this.deps.workspace.runCheck(command, {
      timeoutMs: this.#o.checkTimeoutMs,
      signal: AbortSignal.any([this.#abort.signal, this.#disposed.signal]),
      ...(check.cwd !== undefined && { cwd: check.cwd }),
    })
    if (this.#over() || this.#disposed.signal.aborted) return
    // The journal holds commands scrubbed: runs of this check are found by its scrubbed text. Only an
    // earlier round's run counts as "the round before": a resumed mission may run this round's again.
    const journaled = scrubSecrets(command)
    const round = this.#record.snap.iteration
    const previous = this.#record.snap.evidence.findLast(
      (e) => e.command === journaled && e.iteration < round,
    )
    const { evidence, failure } = checkOutcome(command, result, {
      source: check.source,
      ...(check.cwd !== undefined && { cwd: check.cwd }),
    })
    await this.#record.append(evidence)
    if (!failure) return this.#complete()
    const baseline = this.#record.snap.baseline
    const progress = checkProgress(failure, {
      ...(previous && { previous }),
      ...(baseline?.command === journaled && { baseline }),
    })
    if (progress.next === 'stop') {
      this.#budgets.endIteration(false)
      return void this.#end('failed', noProgressReason(journaled, failure, progress.since))
    }
    await this.#replan(failure, [])
  }

  /** Ends the mission as completed once the agents' closing model calls are in (so usage is whole). */
  async #complete(): Promise<void> {
    while (!this.#over() && this.#sessions.anyBusy()) await this.#sessions.nextRelease()
    await this.#end('completed', undefined, this.#record.summary(this.#check?.command ? undefined : NO_CHECK))
  }

  async #replan(failure: CheckFailure | undefined, failedTodos: string[]): Promise<void> {
    // A round is one plan iteration; it made progress if a todo newly passed review during it.
    this.#budgets.endIteration(this.#record.passedCount() > this.#passedAtIterationStart)
    const exceeded = failedTodos.length ? this.#budgets.exceeded() : undefined
    if (exceeded && !this.#over())
      return void this.#end(
        'failed',
        failedTodosReason(this.#record.todos(), `budget exhausted (${exceeded.reason}): ${exceeded.message}`),
      )
    // The check is why the round did not end the mission: the reason names its last result.
    const overBudget = failure && this.#budgets.exceeded()
    if (overBudget && !this.#over())
      return void this.#end(
        'failed',
        `budget exhausted (${overBudget.reason}): ${overBudget.message}; ${lastCheckNote(this.#record.snap)}`,
      )
    if (this.#checkBudgets()) return
    const baseline = this.#baseline.failure()
    await this.#plan(replanBrief(this.#record.snap.iteration + 1, failure, failedTodos, baseline))
  }

  // --- budgets, stop, end -------------------------------------------------------------------------

  /** Ends the mission when a budget is exhausted; returns whether it did. */
  #checkBudgets(): boolean {
    if (this.#over()) return true
    const exceeded = this.#budgets.exceeded()
    if (!exceeded) return false
    void this.#end('failed', `budget exhausted (${exceeded.reason}): ${exceeded.message}`)
    return true
  }

  #over(): boolean {
    return isTerminal(this.#state.phase)
  }

  async #end(phase: 'completed' | 'failed' | 'stopped', reason?: string, result?: string): Promise<void> {
    if (this.#over()) return
    this.#sessions.wake()
    const live = [...this.#sessions.live.values()]
    const busy = new Set(live.filter((l) => l.busy || l.retryTimer).map((l) => l.sessionId))
    this.#abort.abort()
    this.#clearTimers()
    for (const l of live) this.#steering.drop(l.sessionId, 'the mission ended')
    this.#roster.endAll(busy, phase === 'stopped' ? 'aborted' : 'failed')
    this.#timeline.closeAll(this.deps.clock.now())
    this.#update({
      phase,
      endedAt: this.deps.clock.now(),
      ...(reason !== undefined && { reason }),
      ...(result !== undefined && { result }),
    })
    this.deps.logger.info(`mission ${this.#o.id} ${phase}${reason ? `: ${reason}` : ''}`)
    // Abort does not cascade in OpenCode: every session and every child, in parallel.
    if (phase !== 'completed') await this.#sessions.abortAll(1_000)
    for (const l of this.#sessions.live.values()) await this.#record.flushUsage(l).catch(() => undefined)
    for (const batch of this.#timeline.take())
      await this.#record.appendQuietly({ type: 'timeline', ...timelineEntry(batch) }).catch(() => undefined)
    const end = { status: phase, reason: reason ?? '', at: this.deps.clock.now() }
    await this.#record
      .appendQuietly({ type: 'mission.ended', status: end.status, reason: end.reason })
      // Once the end is journaled no resume can come: the whole texts go (not before, a resume needs them).
      .then(() => (this.#record.opened ? this.#verbatim.clear() : undefined))
      .then(() => this.#record.appendQuietly({ type: 'mission.summary', summary: this.#summary(end) }))
      .catch((err: unknown) => this.deps.logger.error(`journal write failed: ${errorMessage(err)}`))
    await this.deps.workspace.publishOwnership(undefined, this.#o.id).catch(() => undefined)
    this.#finish?.(this.#state)
  }

  // --- helpers -------------------------------------------------------------------------------------

  async #captureBase(): Promise<WorkspaceBase | undefined> {
    if (!this.deps.workspace.captureBase) return undefined
    try {
      const base = await this.deps.workspace.captureBase({ signal: this.#abort.signal })
      if (base.kind === 'git' && base.leftOut) this.deps.logger.warn(`mission ${this.#o.id}: ${base.leftOut}`)
      return base
    } catch (err) {
      this.deps.logger.warn(`mission ${this.#o.id}: no base recorded: ${errorMessage(err)}`)
      return { kind: 'none', reason: errorMessage(err) }
    }
  }

  /** What the planner last wrote, for a reason that ends the mission without a plan. */
  #plannerWords(): string {
    const text = this.#plannerId && this.#roster.text(this.#plannerId)?.trim()
    return text ? `; the planner's last words: "${excerpt(text, 600)}"` : ''
  }

  /** The history line of this mission: the journal's state with the end applied. */
  #summary(end: { status: 'completed' | 'failed' | 'stopped'; reason: string; at: number }) {
    return summarizeMission(this.#record.current ?? emptySnapshot(), end)
  }

  /** Journals what a lane gathered during the turn that just ended. */
  async #flushTimeline(sessionId: string): Promise<void> {
    for (const batch of this.#timeline.take(sessionId))
      await this.#record.append({ type: 'timeline', ...timelineEntry(batch) })
  }

  /** Context windows for the agents' meters; a server that cannot tell leaves them without one. */
  #readModelLimits(): void {
    void this.deps.sessions
      .modelLimits?.()
      .then((limits) => this.#roster.setLimits(limits))
      .catch((err: unknown) => this.deps.logger.warn(`no model limits: ${errorMessage(err)}`))
  }

  /** Looks for work to start (after the tick under way, if any). */
  #requestTick(): void {
    this.#dispatcher.request()
  }

  async #publishOwnership(): Promise<void> {
    await this.deps.workspace
      .publishOwnership(this.#record.ownership(this.#o.id, this.#o.endTurnOnResult), this.#o.id)
      .catch((err: unknown) => this.deps.logger.warn(`ownership not published: ${errorMessage(err)}`))
  }

  #clearTimers(): void {
    this.#timers.clear()
    for (const l of this.#sessions.live.values()) l.retryTimer = undefined
  }

  #update(patch: Partial<MissionState>): void {
    this.#state = { ...this.#state, ...patch }
    this.#publish()
  }

  #publish(): void {
    this.#state = withParts(this.#state, {
      paused: this.#paused,
      roster: this.#roster,
      inbox: this.#inbox.asks,
      timeline: this.#timeline,
      needsYou: this.#stuck.current ?? this.#baseline.question,
      snap: this.#record.current,
    })
    this.#changes.emit(this.#state)
  }
}

/** Why a mission left with only cancelled todos (and those waiting on them) ends. */
function cancelledReason(cancelled: string[], blocked: string[]): string {
  const waiting = blocked.length
    ? `; ${blocked.join(', ')} waited on ${cancelled.length > 1 ? 'them' : 'it'}`
    : ''
  return `cancelled by the user: ${cancelled.join(', ')}${waiting}`
}
