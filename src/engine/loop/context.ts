// Everything one mission holds, built once in dependency order: the ports and options, the journal's
// record, the sessions and their roster, the guards, the dispatcher, the phase. The loop's files take
// this context; the collaborators in the lower rooms get only what they use. Four hooks lead back up
// into the loop (to request a step, to end the mission, to act on a session stuck in provider retry,
// to open a todo's worktree), given by the mission that builds the context, so that nothing here imports the loop.

import { AgentRoster } from '../record/agent-roster'
import { BaselineGate } from '../turns/baseline-gate'
import { CircuitBreaker } from '../guards/circuit-breaker'
import { Dispatcher } from '../schedule/dispatcher'
import { Emitter } from '../util/emitter'
import { MissionBudgets } from '../guards/mission-budgets'
import { MISSION_DEFAULTS, type MissionDeps, type MissionOptions } from '../mission-options'
import { MissionRecord } from '../record/mission-record'
import { MissionSessions } from '../sessions/mission-sessions'
import { PermissionInbox } from '../sessions/permission-inbox'
import { Phase, type EndStatus } from './phase'
import { ProviderCooling } from '../guards/provider-cooling'
import { RepeatBreaker } from '../guards/repeat-breaker'
import { Steering } from '../sessions/steering'
import { StuckAsk } from '../guards/stuck-ask'
import { Timeline } from '../record/timeline'
import { TimerSet } from '../util/timer-set'
import { TurnCutter } from '../turns/turn-cut'
import { CHECK_KEY, VerbatimTexts } from '../record/verbatim'
import { gaveUpReason } from '../guards/provider-cooling'
import { scrubSecrets } from '../util/scrub-secrets'
import { initialState, withParts } from '../record/published-state'
import { errorMessage } from '../util/error-message'
import { REPEATS } from '../turns/turn-end'
import type { CheckChoice } from '../project/check-command'
import type { Live } from '../sessions/live-session'
import type { MissionState } from '../record/mission-state'
import type { JournalEntry } from '../record/entries'

export interface MissionHooks {
  /** Something moved: the loop decides what the mission does next. */
  request: () => void
  /** The one way a mission ends (loop/end.ts). */
  end: (status: EndStatus, reason?: string) => Promise<void>
  /** A session sat in provider retry past its bound. */
  retryStuck: (live: Live) => Promise<void>
  /** The folder a todo's agents work in (loop/isolation.ts); undefined: the shared one. */
  folder: (todoId: string) => Promise<string | undefined>
}

export type Options = Required<Omit<MissionOptions, 'models' | 'check' | 'budgets' | 'rootSessionId'>> &
  MissionOptions

export class MissionContext {
  readonly o: Options
  readonly changes = new Emitter<MissionState>()
  /** Each entry the mission journals, as written. */
  readonly entries = new Emitter<JournalEntry>()
  readonly roster: AgentRoster
  readonly timeline = new Timeline()
  readonly record: MissionRecord
  readonly timers: TimerSet
  readonly breaker: CircuitBreaker
  readonly budgets: MissionBudgets
  readonly sessions: MissionSessions
  readonly inbox: PermissionInbox
  readonly cooling: ProviderCooling
  readonly stuck: StuckAsk
  readonly dispatcher: Dispatcher
  readonly cutter: TurnCutter
  /** The check command and steering messages as given: the journal keeps them scrubbed. */
  readonly verbatim: VerbatimTexts
  readonly steering: Steering
  /** The check's run on the base: no worker starts before it settled. */
  readonly baseline: BaselineGate
  readonly repeat = new RepeatBreaker({ repeats: REPEATS })
  /** Mission tool calls already acted on (an event can come twice, and again after a reconcile). */
  readonly seenCalls = new Set<string>()
  /** Results being acted on, by session: the turn's end waits for them. */
  readonly deliveries = new Map<string, Promise<void>>()
  /** Aborted when the mission ends. */
  readonly abort = new AbortController()
  /** Aborted by dispose(): the host goes away, the mission is left to its journal. */
  readonly disposed = new AbortController()
  readonly phase: Phase
  #state: MissionState
  plannerId: string | undefined
  /** The check this mission runs, chosen (or read back from the journal) when it begins. */
  check: CheckChoice | undefined
  /** This round's run of the check by this instance. */
  checkRun: 'none' | 'running' | 'done' = 'none'
  /** A planner's prompt is being sent. */
  planning = false
  /** Settles once the mission's base is journaled and its isolation decided (loop/start.ts). */
  baseTaken: Promise<void> = Promise.resolve()
  paused = false
  disconnected = false

  constructor(
    readonly deps: MissionDeps,
    options: MissionOptions,
    readonly hooks: MissionHooks,
  ) {
    this.o = { ...MISSION_DEFAULTS, ...options }
    const { clock, logger } = deps
    this.phase = new Phase((phase) => this.update({ phase }))
    this.roster = new AgentRoster(() => clock.now())
    this.record = new MissionRecord(
      () => this.publish(),
      (sessionId) => this.roster.list.find((a) => a.sessionId === sessionId),
    )
    this.timers = new TimerSet(clock)
    this.breaker = new CircuitBreaker({ clock, failureThreshold: this.o.breakerThreshold })
    this.breaker.onChange((c) => {
      logger.info(`breaker ${c.key}: ${c.from} → ${c.to}`)
      if (c.to !== 'open') hooks.request()
    })
    this.budgets = new MissionBudgets({
      clock,
      limits: options.budgets,
      timers: this.timers,
      onWallTime: hooks.request,
    })
    this.sessions = new MissionSessions({
      sessions: deps.sessions,
      clock,
      logger,
      roster: this.roster,
      record: this.record,
      goal: this.o.goal,
      models: this.o.models,
      over: () => this.over,
      released: hooks.request,
      ...(this.o.rootSessionId !== undefined && { root: this.o.rootSessionId }),
    })
    this.inbox = new PermissionInbox({
      sessions: this.sessions,
      roster: this.roster,
      publish: () => this.publish(),
    })
    this.cooling = new ProviderCooling({
      live: this.sessions.live,
      timers: this.timers,
      clock,
      retryStuckMs: this.o.retryStuckMs,
      onStuck: (live) => this.orFail(hooks.retryStuck(live)),
      onCooled: hooks.request,
    })
    this.stuck = new StuckAsk({
      clock,
      timers: this.timers,
      graceMs: this.o.retryStuckMs,
      publish: () => this.publish(),
      giveUp: (sessionId) => this.#giveUpOn(sessionId),
    })
    this.dispatcher = new Dispatcher({
      port: deps.sessions,
      logger,
      record: this.record,
      sessions: this.sessions,
      roster: this.roster,
      breaker: this.breaker,
      cooling: this.cooling,
      timers: this.timers,
      caps: this.o.caps,
      maxTodosPerSession: this.o.maxTodosPerSession,
      models: this.o.models,
      over: () => this.over,
      publish: () => this.publish(),
      publishOwnership: () => this.publishOwnership(),
      request: hooks.request,
      fail: (reason) => this.fail(reason),
      folder: hooks.folder,
      integrationBranch: () => {
        const isolation = this.record.current?.isolation
        return isolation?.mode === 'worktree' ? isolation.branch : undefined
      },
    })
    this.cutter = new TurnCutter({
      enabled: this.o.endTurnOnResult,
      sessions: deps.sessions,
      logger,
      // A session whose turn is cut frees its slot under the caps: the loop may start another.
      closing: () => hooks.request(),
    })
    this.verbatim = new VerbatimTexts(deps.verbatim, logger)
    this.steering = new Steering({
      roster: this.roster,
      record: this.record,
      verbatim: this.verbatim,
      logger,
    })
    this.baseline = new BaselineGate({
      record: this.record,
      workspace: deps.workspace,
      timers: this.timers,
      logger,
      checkTimeoutMs: this.o.checkTimeoutMs,
      ifCheckFails: this.o.ifCheckFails,
      // Ended by a stop, and by the host going away (its cut-short result is not recorded).
      signal: AbortSignal.any([this.abort.signal, this.disposed.signal]),
      check: () => this.check,
      setCheck: (check) => {
        this.setCheck(check)
        // The user's command, kept whole: a resume runs it as given, not as the journal scrubs it.
        if (check.command !== null) void this.verbatim.set(CHECK_KEY, check.command)
      },
      over: () => this.over,
      fail: (reason) => this.fail(reason),
      stop: (reason) => hooks.end('stopped', reason),
      publish: () => this.publish(),
      settled: hooks.request,
    })
    this.#state = initialState(options.id, options.goal, clock.now(), this.budgets.view())
  }

  get state(): MissionState {
    return this.#state
  }

  get over(): boolean {
    return this.phase.over
  }

  /** Ends the mission as failed: an error it cannot go on from. */
  fail(reason: string): Promise<void> {
    return this.hooks.end('failed', reason)
  }

  /** Runs work started from an event or a timer: whatever it throws ends the mission with the reason. */
  orFail(work: Promise<unknown>): void {
    void work.catch((err: unknown) => this.fail(errorMessage(err)))
  }

  /** Sets the check in use: what is shown and reported is scrubbed like the journal, the command as given only runs. */
  setCheck(check: CheckChoice): void {
    this.check = check
    const shown = check.command === null ? null : scrubSecrets(check.command)
    const where = check.cwd ? `, runs in ${check.cwd}` : ''
    this.deps.logger.info(`mission ${this.o.id}: check: ${shown ?? 'none'} (${check.source}${where})`)
    this.update({
      check: { command: shown, source: check.source, ...(check.cwd !== undefined && { cwd: check.cwd }) },
    })
  }

  update(patch: Partial<MissionState>): void {
    this.#state = { ...this.#state, ...patch }
    this.publish()
  }

  publish(): void {
    this.#state = withParts(this.#state, {
      paused: this.paused,
      roster: this.roster,
      inbox: this.inbox.asks,
      timeline: this.timeline,
      needsYou: this.stuck.current ?? this.baseline.question,
      snap: this.record.current,
      changes: this.record,
    })
    this.changes.emit(this.#state)
  }

  /**
   * Republishes the plugin's ownership file; nothing once the mission is over (its end withdrew it).
   * A write not started yet reads the state when it starts, so asks that come meanwhile (a wave of
   * dispatches) share it instead of queueing a write each.
   */
  publishOwnership(): Promise<void> {
    this.#ownershipQueued ??= this.#ownershipWrite(() => {
      this.#ownershipQueued = undefined
      return this.over
        ? undefined
        : this.deps.workspace.publishOwnership(
            this.record.ownership(this.o.id, this.o.endTurnOnResult),
            this.o.id,
          )
    })
    return this.#ownershipQueued
  }

  /** Withdraws the ownership file, after any write still under way (which would bring it back). */
  withdrawOwnership(): Promise<void> {
    return this.#ownershipWrite(() => this.deps.workspace.publishOwnership(undefined, this.o.id))
  }

  #ownershipWrites: Promise<void> = Promise.resolve()
  /** A publishing queued behind the write under way, not started yet. */
  #ownershipQueued: Promise<void> | undefined

  #ownershipWrite(write: () => Promise<void> | undefined): Promise<void> {
    const next = this.#ownershipWrites.then(write).catch((err: unknown) => {
      this.deps.logger.warn(`ownership not published: ${errorMessage(err)}`)
    })
    this.#ownershipWrites = next
    return next
  }

  clearTimers(): void {
    this.timers.clear()
    for (const l of this.sessions.live.values()) l.retryTimer = undefined
  }

  /** Nobody answered whether to keep waiting on a session stuck in retry: the mission gives up. */
  #giveUpOn(sessionId: string): void {
    const live = this.sessions.live.get(sessionId)
    if (!live?.turn || this.over) return
    void this.fail(`${live.role}: ${gaveUpReason(live, this.deps.clock.now())}`)
  }
}
