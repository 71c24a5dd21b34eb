import { foldAgentEvent, UsageLedger } from './agent-fold'
import { BudgetTracker } from './budgets'
import { CircuitBreaker } from './circuit-breaker'
import { Emitter } from './emitter'
import { MissionJournal, outputTail, type MissionSnapshot } from './journal'
import { newLive, type Live, type Turn } from './live-session'
import { MISSION_DEFAULTS, sessionTitle, type MissionDeps, type MissionOptions } from './mission-options'
import {
  checkPlan,
  checkReport,
  checkVerdict,
  TOOL_PLAN,
  TOOL_REPORT,
  TOOL_VERDICT,
  type PlanArgs,
  type ReportArgs,
  type VerdictArgs,
} from './mission-protocol'
import { isTerminal, type AgentState, type MissionState, type PermissionAsk } from './mission-state'
import { todoStates } from './mission-view'
import type { HostError, HostEvent, ModelRef, PermissionReply, Role } from './ports'
import { nudgeBrief, planBrief, planRetryBrief, replanBrief, reviewBrief, workBrief } from './prompts'
import type { CheckFailure } from './prompts'
import { RepeatBreaker } from './repeat-breaker'
import { backoff, classify } from './retry'
import { schedule, type Assignment, type SchedulerSession } from './scheduler'

/**
 * One mission: plan → parallel workers → review → check → re-plan, until the check passes or a
 * budget, a breaker or the user stops it. Driven by OpenCode's events (never by polling or sleeps);
 * every decision is journaled so a new instance resumes where this one stopped. run() resolves
 * with the final state and never rejects.
 */
export class Mission {
  readonly #changes = new Emitter<MissionState>()
  readonly #ledger = new UsageLedger()
  /** Assistant messages that completed with an answer: the model calls the mission paid for in full. */
  readonly #answered = new Set<string>()
  readonly #live = new Map<string, Live>()
  /** Children spawned inside our sessions (OpenCode `task`), mapped to the mission session above them. */
  readonly #rootOf = new Map<string, string>()
  readonly #seenCalls = new Set<string>()
  readonly #attemptBase = new Map<string, number>()
  readonly #timers = new Set<() => void>()
  readonly #abort = new AbortController()
  readonly #repeat = new RepeatBreaker()
  readonly #breaker: CircuitBreaker
  #budgets: BudgetTracker
  readonly #o: Required<Omit<MissionOptions, 'models' | 'check' | 'budgets'>> & MissionOptions
  #journal!: MissionJournal
  #snap!: MissionSnapshot
  #state: MissionState
  #agents: AgentState[] = []
  #inbox: PermissionAsk[] = []
  #plannerId: string | undefined
  #planAttempts = 0
  #paused = false
  #ticking = false
  /** The model each role runs on when the options name none, as the server says (for the caps). */
  #roleModels: Partial<Record<Role, ModelRef>> = {}
  #roleModelsRead: Promise<void> = Promise.resolve()
  /**
   * Dispatches under way whose journal entry is not in yet, by todo id, with the slot of the
   * session being created for it (an existing session is marked busy at once instead).
   */
  readonly #dispatching = new Map<string, { role: Role; creating?: SchedulerSession }>()
  #tickAgain = false
  #cooling = new Set<string>()
  #disconnected = false
  #passedAtIterationStart = 0
  /** Resolved whenever a session of the mission finishes a turn. */
  #idleWaiters: (() => void)[] = []
  #unsubscribe: (() => void) | undefined
  #finish: ((s: MissionState) => void) | undefined

  constructor(
    private readonly deps: MissionDeps,
    options: MissionOptions,
  ) {
    if (options.goal.trim() === '') throw new TypeError('Expected a non-empty `goal`')
    this.#o = { ...MISSION_DEFAULTS, ...options }
    const now = deps.clock.now()
    this.#breaker = new CircuitBreaker({ clock: deps.clock, failureThreshold: this.#o.breakerThreshold })
    this.#breaker.onChange((c) => {
      deps.logger.info(`breaker ${c.key}: ${c.from} → ${c.to}`)
      if (c.to !== 'open') this.#requestTick()
    })
    this.#budgets = new BudgetTracker({ clock: deps.clock, ...options.budgets })
    this.#state = {
      id: options.id,
      goal: options.goal,
      phase: 'starting',
      iteration: 0,
      paused: false,
      startedAt: now,
      agents: [],
      todos: [],
      evidence: [],
      inbox: [],
      tokens: 0,
      cost: 0,
      modelCalls: 0,
    }
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
    void this.#begin().catch((err: unknown) => this.#end('failed', message(err)))
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

  /** Answers a permission request from the inbox. */
  async replyPermission(requestId: string, reply: PermissionReply): Promise<void> {
    const ask = this.#inbox.find((a) => a.requestId === requestId)
    if (!ask) throw new Error(`no open permission request ${requestId}`)
    await this.deps.sessions.replyPermission(requestId, ask.sessionId, reply)
    this.#askAnswered(requestId, this.#rootOf.get(ask.sessionId) ?? ask.sessionId)
  }

  /** Removes an answered ask; its agent works again once no other ask of its tree is open. */
  #askAnswered(requestId: string, rootId: string): void {
    this.#inbox = this.#inbox.filter((a) => a.requestId !== requestId)
    const stillAsking = this.#inbox.some(
      (a) => a.sessionId === rootId || this.#rootOf.get(a.sessionId) === rootId,
    )
    if (!stillAsking && this.#live.get(rootId)?.busy) this.#setAgent(rootId, { status: 'busy' })
    this.#publish()
  }

  /** Stops listening to host events and clears timers. */
  dispose(): void {
    this.#unsubscribe?.()
    this.#clearTimers()
    this.#breaker.dispose()
    this.#changes.clear()
  }

  // --- start and resume ---------------------------------------------------------------------------

  async #begin(): Promise<void> {
    const { journal } = await MissionJournal.open({ store: this.deps.journal, clock: this.deps.clock })
    this.#journal = journal
    if (this.#over()) {
      // Stopped while the journal opened: record the end, start nothing.
      await journal.append({
        type: 'mission.ended',
        status: this.#state.phase === 'failed' ? 'failed' : 'stopped',
        reason: this.#state.reason ?? '',
      })
      return
    }
    this.#snap = journal.snapshot()
    // A resumed mission keeps its budgets: wall time from its first start, usage and iterations so far.
    this.#budgets = new BudgetTracker({
      clock: this.deps.clock,
      ...this.#o.budgets,
      ...(this.#snap.startedAt !== undefined && { startedAt: this.#snap.startedAt }),
    })
    for (const rec of Object.values(this.#snap.sessions))
      this.#budgets.recordUsage(rec.sessionId, { tokens: rec.tokens, costUsd: rec.cost })
    for (let i = 1; i < this.#snap.iteration; i++) this.#budgets.recordIteration()
    this.#startWallTimer()
    this.#roleModelsRead = this.deps.sessions.roleModels().then(
      (models) => void (this.#roleModels = models),
      (err: unknown) =>
        this.deps.logger.warn(
          `agents' models unknown (${message(err)}): provider and model caps apply only to roles with a model set`,
        ),
    )
    if (this.#snap.status === 'new') {
      await this.#append({ type: 'mission.started', goal: this.#o.goal, options: {} })
      await this.#plan(planBrief(this.#o.goal, await this.deps.workspace.listFiles().catch(() => [])))
      return
    }
    if (this.#snap.status !== 'running') {
      this.#end(this.#snap.status, this.#snap.reason ?? 'already ended')
      return
    }
    this.deps.logger.info(
      `mission ${this.#o.id}: resuming from the journal at iteration ${this.#snap.iteration}`,
    )
    for (const s of Object.values(this.#snap.sessions)) {
      const live = this.#addLive(s.sessionId, s.role)
      const todo = s.todoId !== undefined ? this.#snap.todos[s.todoId] : undefined
      this.#setAgent(s.sessionId, {
        title: sessionTitle(s.role, todo?.title ?? this.#o.goal),
        tokens: s.tokens,
        cost: s.cost,
        startedAt: s.createdAt,
        ...(s.todoId !== undefined && { todoId: s.todoId }),
      })
      if (s.role === 'planner') this.#plannerId = s.sessionId
      const todosOf = Object.values(this.#snap.todos).filter((t) => t.sessionId === s.sessionId)
      live.todosDone = todosOf.length
      live.lastFiles = todosOf.at(-1)?.files ?? []
    }
    for (const id of this.#snap.todoOrder) this.#attemptBase.set(id, this.#snap.todos[id]?.attempts ?? 0)
    this.#update({
      phase: this.#snap.todoOrder.length ? 'working' : 'planning',
      iteration: this.#snap.iteration,
    })
    await this.#reconcile('resumed')
    if (this.#snap.todoOrder.length === 0) {
      await this.#plan(planBrief(this.#o.goal, await this.deps.workspace.listFiles().catch(() => [])))
      return
    }
    this.#requestTick()
  }

  /**
   * Brings the journal in line with the server after a restart or a dropped event stream: turns
   * that ended while we were away are read back from the stored messages; todos whose session is
   * gone or idle without a result are re-queued. Passed todos are never touched.
   */
  async #reconcile(why: string): Promise<void> {
    const statuses = await this.deps.sessions.statuses().catch(() => ({}) as Record<string, unknown>)
    for (const todoId of this.#snap.todoOrder) {
      const todo = this.#snap.todos[todoId]
      if (!todo || (todo.status !== 'running' && todo.status !== 'reviewing')) continue
      const sessionId = todo.status === 'running' ? todo.sessionId : todo.reviewerSessionId
      const live = sessionId ? this.#live.get(sessionId) : undefined
      if (live && sessionId && statuses[sessionId]) {
        live.busy = true
        live.turn ??= { kind: todo.status === 'running' ? 'work' : 'review', todoId, nudged: false }
        continue
      }
      const calls = sessionId
        ? await this.deps.sessions.missionToolCalls(sessionId).catch(() => undefined)
        : undefined
      if (live) this.#release(live)
      const tool = todo.status === 'running' ? TOOL_REPORT : TOOL_VERDICT
      const last = calls?.filter((c) => c.tool === tool && c.status === 'completed').at(-1)
      const known = new Set(this.#snap.todoOrder)
      const parsed =
        last && (tool === TOOL_REPORT ? checkReport(last.input, known) : checkVerdict(last.input, known))
      if (live && last && parsed?.ok && parsed.value.todoId === todoId) {
        this.#seenCalls.add(last.callId)
        live.turn = {
          kind: todo.status === 'running' ? 'work' : 'review',
          todoId,
          nudged: true,
          ...(tool === TOOL_REPORT
            ? { report: parsed.value as ReportArgs }
            : { verdict: parsed.value as VerdictArgs }),
        }
        await this.#onTurnEnd(live)
      } else {
        if (live) {
          live.retired = live.retired || !calls
          live.turn = undefined
        }
        await this.#append({ type: 'todo.requeued', todoId, reason: `${why}: its session had no result` })
      }
    }
    // Sessions we saw busy that the server now reports idle ended their turn unseen: finish it
    // (the planner's plan, if it made one, is read back from its messages).
    for (const live of [...this.#live.values()]) {
      if (!live.busy || !live.turn || statuses[live.sessionId]) continue
      if (live.turn.kind === 'plan' && !live.turn.delivered) {
        const calls = await this.deps.sessions.missionToolCalls(live.sessionId).catch(() => [])
        const plan = calls.filter((c) => c.tool === TOOL_PLAN && c.status === 'completed').at(-1)
        if (plan) this.#capture(live, TOOL_PLAN, plan.callId, plan.input)
      }
      await this.#onTurnEnd(live)
    }
  }

  // --- planning ----------------------------------------------------------------------------------

  async #plan(brief: string): Promise<void> {
    if (this.#over()) return
    this.#update({ phase: 'planning' })
    let planner = this.#plannerId ? this.#live.get(this.#plannerId) : undefined
    if (!planner || planner.retired) planner = await this.#createSession('planner')
    if (!planner) return
    this.#plannerId = planner.sessionId
    this.#planAttempts++
    await this.#prompt(planner, { kind: 'plan', nudged: false }, brief)
  }

  async #acceptPlan(plan: PlanArgs): Promise<void> {
    const iteration = this.#snap.iteration + 1
    for (const t of plan.todos) this.#attemptBase.set(t.id, this.#snap.todos[t.id]?.attempts ?? 0)
    await this.#append({ type: 'plan.accepted', iteration, todos: plan.todos })
    this.#passedAtIterationStart = this.#passedCount()
    this.#planAttempts = 0
    this.deps.logger.info(`mission ${this.#o.id}: plan ${iteration} accepted with ${plan.todos.length} todos`)
    this.#update({ phase: 'working', iteration })
    await this.#publishOwnership()
    this.#requestTick()
  }

  // --- dispatch ----------------------------------------------------------------------------------

  #requestTick(): void {
    if (this.#ticking) {
      this.#tickAgain = true
      return
    }
    this.#ticking = true
    void this.#tick()
      .catch((err: unknown) => this.#end('failed', `dispatch failed: ${message(err)}`))
      .finally(() => {
        this.#ticking = false
        if (this.#tickAgain) {
          this.#tickAgain = false
          this.#requestTick()
        }
      })
  }

  async #tick(): Promise<void> {
    await this.#roleModelsRead
    if (this.#over() || this.#paused || this.#disconnected || this.#state.phase !== 'working') return
    const todos = this.#snap.todoOrder.flatMap((id) => {
      const t = this.#snap.todos[id]
      if (!t) return []
      const affinity = t.status === 'pending' && t.sessionId ? [t.sessionId] : []
      const starting = this.#dispatching.get(id)
      const status = starting ? (starting.role === 'worker' ? 'running' : 'reviewing') : t.status
      return [{ id, files: t.files, dependsOn: t.dependsOn, status, affinity }]
    })
    const sessions: SchedulerSession[] = [...this.#live.values()]
      .filter((l) => !l.retired && (l.role === 'worker' || l.role === 'reviewer'))
      .map((l) => {
        const model = l.model ?? this.#roleModels[l.role]
        return {
          sessionId: l.sessionId,
          role: l.role,
          busy: l.busy,
          todosDone: l.todosDone,
          lastFiles: l.lastFiles,
          ...(model && { model }),
        }
      })
    // Sessions still being created hold their slot under every cap.
    for (const d of this.#dispatching.values()) if (d.creating) sessions.push(d.creating)
    const assignments = schedule({
      todos,
      sessions,
      caps: this.#o.caps,
      maxTodosPerSession: this.#o.maxTodosPerSession,
      coolingProviders: this.#cooling,
      // New sessions count against provider and model caps under the model they will run on.
      models: { ...this.#roleModels, ...this.#o.models },
    }).filter((a) => this.#breaker.canRun(a.role))
    if (assignments.length === 0) return this.#dispatching.size ? undefined : this.#maybeIterationEnd()
    // Sessions are created and prompted in parallel, and the next tick does not wait for them:
    // children are never launched one at a time.
    for (const a of assignments) this.#startDispatch(a)
  }

  /** Starts a dispatch; until it has claimed its session, the todo and a session slot count as taken. */
  #startDispatch(a: Assignment): void {
    const creating: SchedulerSession | undefined =
      a.sessionId === 'new'
        ? {
            sessionId: `new:${a.todoId}`,
            role: a.role,
            busy: true,
            todosDone: 0,
            lastFiles: [],
            ...(a.model && { model: a.model }),
          }
        : undefined
    this.#dispatching.set(a.todoId, { role: a.role, ...(creating && { creating }) })
    void this.#dispatch(a)
      .catch((err: unknown) => this.#end('failed', `dispatch failed: ${message(err)}`))
      .finally(() => {
        this.#dispatching.delete(a.todoId)
        this.#requestTick()
      })
  }

  async #dispatch(a: Assignment): Promise<void> {
    const todo = this.#snap.todos[a.todoId]
    if (!todo) return
    const live =
      a.sessionId === 'new'
        ? await this.#createSession(a.role, todo.id, todo.title)
        : this.#live.get(a.sessionId)
    if (!live || this.#over()) return
    live.busy = true // claimed before any await below, so the next tick cannot pick it again
    this.#dispatching.set(todo.id, { role: a.role }) // the live session now holds the slot
    const attempt = a.role === 'worker' ? todo.attempts + 1 : todo.attempts
    await this.#append({ type: 'todo.dispatched', todoId: todo.id, sessionId: live.sessionId, attempt })
    await this.#publishOwnership()
    const brief =
      a.role === 'worker'
        ? workBrief(
            todo,
            this.#dependencySummaries(todo.dependsOn),
            todo.verdict === 'fail' ? todo.findings : [],
          )
        : reviewBrief(todo, todo.summary ?? '', todo.filesChanged)
    await this.#prompt(
      live,
      { kind: a.role === 'worker' ? 'work' : 'review', todoId: todo.id, nudged: false },
      brief,
    )
  }

  #dependencySummaries(ids: readonly string[]) {
    return ids.map((id) => ({ id, summary: this.#snap.todos[id]?.summary ?? '' }))
  }

  async #createSession(role: Role, todoId?: string, what?: string): Promise<Live | undefined> {
    const title = sessionTitle(role, what ?? this.#o.goal)
    const { id } = await this.deps.sessions.create({ title })
    if (this.#over()) {
      await this.#abortTree(id)
      return undefined
    }
    await this.#append({
      type: 'session.created',
      sessionId: id,
      role,
      ...(todoId !== undefined && { todoId }),
    })
    const now = this.deps.clock.now()
    this.#agents = [
      ...this.#agents,
      {
        sessionId: id,
        role,
        title,
        status: 'starting',
        tokens: 0,
        cost: 0,
        startedAt: now,
        lastActivityAt: now,
      },
    ]
    return this.#addLive(id, role)
  }

  #addLive(sessionId: string, role: Role): Live {
    const live = newLive(sessionId, role, this.#o.models?.[role])
    this.#live.set(sessionId, live)
    if (!this.#agents.some((a) => a.sessionId === sessionId)) {
      const now = this.deps.clock.now()
      const title = sessionTitle(role, this.#o.goal)
      this.#agents = [
        ...this.#agents,
        { sessionId, role, title, status: 'idle', tokens: 0, cost: 0, startedAt: now, lastActivityAt: now },
      ]
    }
    return live
  }

  /** Never writes into a busy session: the caller holds the session (busy) until its idle arrives. */
  async #prompt(live: Live, turn: Turn, text: string): Promise<void> {
    if (this.#over()) return
    live.busy = true
    live.turn = turn
    this.#setAgent(live.sessionId, {
      status: 'busy',
      ...(turn.todoId !== undefined && { todoId: turn.todoId }),
    })
    this.#publish()
    try {
      await this.deps.sessions.prompt({
        sessionId: live.sessionId,
        agent: live.role,
        text,
        ...(live.model && { model: live.model }),
      })
    } catch (err) {
      live.turn = undefined
      this.#release(live)
      this.deps.logger.warn(`prompt to ${live.role} ${live.sessionId} failed: ${message(err)}`)
      this.#breaker.recordFailure(live.role)
      if (turn.todoId)
        await this.#append({
          type: 'todo.requeued',
          todoId: turn.todoId,
          reason: `prompt failed: ${message(err)}`,
        })
      if (turn.kind === 'plan')
        return void this.#end('failed', `the planner could not be prompted: ${message(err)}`)
      this.#scheduleRetry(1)
    }
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
      if (!this.#over() && this.#journal) void this.#reconcile('reconnected').then(() => this.#requestTick())
      return
    }
    if (!('sessionId' in event) || event.sessionId === undefined) return
    if (event.type === 'session.created' && event.parentId) {
      const root = this.#live.has(event.parentId) ? event.parentId : this.#rootOf.get(event.parentId)
      if (root) this.#rootOf.set(event.sessionId, root)
      return
    }
    const rootId = this.#live.has(event.sessionId) ? event.sessionId : this.#rootOf.get(event.sessionId)
    if (!rootId) return
    if (event.type === 'permission.asked') return this.#onPermission(event, rootId)
    if (event.type === 'permission.replied') {
      this.#inbox = this.#inbox.filter((a) => a.requestId !== event.requestId)
      const stillAsking = this.#inbox.some(
        (a) => a.sessionId === rootId || this.#rootOf.get(a.sessionId) === rootId,
      )
      if (!stillAsking && this.#live.get(rootId)?.busy) this.#setAgent(rootId, { status: 'busy' })
      this.#publish()
      return
    }
    if (event.sessionId !== rootId) return // child sessions: only their permissions matter here
    const live = this.#live.get(rootId)
    if (!live) return
    this.#foldAgent(event)
    if (this.#over()) return
    switch (event.type) {
      case 'message.assistant':
        return this.#onUsage(live, event)
      case 'part.tool':
        if (event.status === 'completed' && this.#capture(live, event.tool, event.callId, event.input)) {
          if (live.turn) live.turn.resultMessageId = event.messageId
          void this.#deliver(live).catch((err: unknown) => this.#end('failed', message(err)))
        }
        return
      case 'session.status':
        return this.#onStatus(live, event.status)
      case 'session.error':
        return void this.#onError(live, event.error)
      case 'session.idle':
        if (live.busy && live.turn)
          void this.#onTurnEnd(live).catch((err: unknown) => this.#end('failed', message(err)))
        return
      default:
        return
    }
  }

  #foldAgent(event: HostEvent): void {
    const i = this.#agents.findIndex((a) => 'sessionId' in event && a.sessionId === event.sessionId)
    const agent = this.#agents[i]
    if (!agent) return
    const next = foldAgentEvent(agent, event, this.deps.clock.now(), this.#ledger)
    if (next === agent) return
    this.#agents = this.#agents.with(i, next)
    this.#publish()
  }

  #onUsage(live: Live, e: Extract<HostEvent, { type: 'message.assistant' }>): void {
    if (e.providerId) live.provider = e.providerId
    if (e.completed) {
      live.completedMessages.add(e.messageId)
      if (e.error?.name !== 'MessageAbortedError') this.#answered.add(e.messageId)
      if (live.turn?.endRequested && live.turn.resultMessageId === e.messageId) this.#abortTurn(live)
    }
    const added = this.#budgets.recordUsage(
      live.sessionId,
      { tokens: e.tokens, costUsd: e.cost },
      e.messageId,
    )
    live.unjournaled.tokens += added.tokens
    live.unjournaled.cost += added.costUsd
    this.#checkBudgets()
  }

  /** Records a completed mission tool call of the open turn; true when it carries a usable result. */
  #capture(live: Live, tool: string, callId: string, input: unknown): boolean {
    if (this.#seenCalls.has(callId) || !live.turn || live.turn.delivered) return false
    this.#seenCalls.add(callId)
    const known = new Set(this.#snap.todoOrder)
    if (tool === TOOL_PLAN && live.turn.kind === 'plan') {
      const checked = checkPlan(input, { knownIds: known })
      if (checked.ok) live.turn.plan = checked.value
      else live.turn.planErrors = checked.errors
    } else if (tool === TOOL_REPORT && live.turn.kind === 'work') {
      const checked = checkReport(input, known)
      if (checked.ok && checked.value.todoId === live.turn.todoId) live.turn.report = checked.value
    } else if (tool === TOOL_VERDICT && live.turn.kind === 'review') {
      const checked = checkVerdict(input, known)
      if (checked.ok && checked.value.todoId === live.turn.todoId) live.turn.verdict = checked.value
    }
    return Boolean(live.turn.plan ?? live.turn.report ?? live.turn.verdict)
  }

  #onPermission(e: Extract<HostEvent, { type: 'permission.asked' }>, rootId: string): void {
    const live = this.#live.get(rootId)
    if (!live || this.#inbox.some((a) => a.requestId === e.requestId)) return
    const todoId = live.turn?.todoId
    this.#inbox = [
      ...this.#inbox,
      {
        requestId: e.requestId,
        sessionId: e.sessionId,
        role: live.role,
        permission: e.permission,
        patterns: e.patterns,
        ...(todoId !== undefined && { todoId }),
      },
    ]
    // The agent waits on the user, whether it asked itself or a child of its did.
    this.#setAgent(rootId, { status: 'waiting' })
    this.#publish()
  }

  #onStatus(live: Live, status: Extract<HostEvent, { type: 'session.status' }>['status']): void {
    if (status.type === 'retry') {
      // OpenCode retries 429/5xx forever: stop feeding that provider, and give up on this turn if
      // the retry outlasts the limit (the todo is re-queued, not failed).
      if (live.provider) this.#cooling.add(live.provider)
      live.retryTimer ??= this.#timer(this.#o.retryStuckMs, () => void this.#onRetryStuck(live))
      return
    }
    live.retryTimer?.()
    live.retryTimer = undefined
    this.#refreshCooling()
  }

  #refreshCooling(): void {
    const retrying = new Set(
      [...this.#live.values()].filter((l) => l.retryTimer && l.provider).map((l) => l.provider),
    )
    const before = this.#cooling.size
    this.#cooling = new Set([...this.#cooling].filter((p) => retrying.has(p)))
    if (this.#cooling.size < before) this.#requestTick()
  }

  async #onRetryStuck(live: Live): Promise<void> {
    live.retryTimer = undefined
    if (this.#over() || !live.turn) return
    const todoId = live.turn.todoId
    this.deps.logger.warn(
      `${live.role} ${live.sessionId} stuck in provider retry: aborting, re-queueing ${todoId ?? ''}`,
    )
    live.turn = undefined
    live.retired = true
    await this.#abortTree(live.sessionId)
    this.#release(live)
    this.#refreshCooling()
    if (todoId) await this.#append({ type: 'todo.requeued', todoId, reason: 'provider kept retrying' })
    else if (live.role === 'planner')
      return void this.#end('failed', 'the planner is stuck in provider retries')
    this.#requestTick()
  }

  async #onError(live: Live, error: Extract<HostEvent, { type: 'session.error' }>['error']): Promise<void> {
    const decision = classify(error)
    if (decision.retry === false && decision.reason === 'aborted') return
    this.deps.logger.warn(`${live.role} ${live.sessionId}: ${error.name}: ${error.message}`)
    if (live.turn) {
      live.turn.nudged = true // a failed turn gets no nudge: it is retried or failed below
      live.turn.error = error
    }
    // Some errors end a turn without a later idle (an unknown agent, a bad request): ask the server.
    const statuses = await this.deps.sessions.statuses().catch(() => undefined)
    if (statuses && !statuses[live.sessionId] && live.busy && live.turn) await this.#onTurnEnd(live)
  }

  // --- turn ends ---------------------------------------------------------------------------------

  /**
   * Acts on a mission tool result as soon as its call completes: the agent's closing model call
   * still runs in its own session, but the plan, the review or the dependents need not wait for it.
   */
  async #deliver(live: Live, turn = live.turn): Promise<void> {
    if (!turn || turn.delivered || this.#over()) return
    const todoId = turn.todoId ?? ''
    if (turn.kind === 'plan' && turn.plan) {
      turn.delivered = true
      this.#endTurn(live)
      this.#breaker.recordSuccess('planner')
      return this.#acceptPlan(turn.plan)
    }
    if (turn.kind === 'work' && turn.report) {
      turn.delivered = true
      this.#endTurn(live)
      this.#breaker.recordSuccess('worker')
      await this.#append({ type: 'todo.reported', ...turn.report })
      if (turn.report.status !== 'done')
        await this.#attemptFailed(todoId, `worker reported ${turn.report.status}`)
    } else if (turn.kind === 'review' && turn.verdict) {
      turn.delivered = true
      this.#endTurn(live)
      this.#breaker.recordSuccess('reviewer')
      await this.#append({ type: 'todo.verdict', ...turn.verdict })
      if (turn.verdict.verdict !== 'pass')
        await this.#attemptFailed(todoId, `review failed: ${turn.verdict.findings.join('; ')}`)
    } else return
    await this.#publishOwnership()
    this.#checkBudgets()
    this.#requestTick()
  }

  /** The session is free again: the scheduler may use it, and a waiting completion may proceed. */
  #release(live: Live): void {
    live.busy = false
    for (const wake of this.#idleWaiters.splice(0)) wake()
  }

  /**
   * Cuts the closing model call of a turn whose result is in; its idle then arrives within ms. The
   * cut waits for the step that made the tool call to complete, so its usage is counted.
   */
  #endTurn(live: Live): void {
    const turn = live.turn
    if (!this.#o.endTurnOnResult || !live.busy || !turn?.resultMessageId) return
    turn.endRequested = true
    if (live.completedMessages.has(turn.resultMessageId)) this.#abortTurn(live)
  }

  #abortTurn(live: Live): void {
    if (live.turn) live.turn.endRequested = false
    void this.deps.sessions.abort(live.sessionId).catch((err: unknown) => {
      this.deps.logger.warn(`could not end the turn of ${live.sessionId}: ${message(err)}`)
    })
  }

  async #onTurnEnd(live: Live): Promise<void> {
    const turn = live.turn
    if (!turn || this.#over()) return
    // The turn is ours to finish from here: a repeated idle finds no turn. The session stays busy
    // until we decide below, so no tick can hand it new work in between.
    live.turn = undefined
    // The root is idle, so asks left in its tree are stale (abort does not cascade to children).
    const stale = this.#inbox.filter(
      (a) => a.sessionId === live.sessionId || this.#rootOf.get(a.sessionId) === live.sessionId,
    )
    if (stale.length) this.#inbox = this.#inbox.filter((a) => !stale.includes(a))
    await this.#deliver(live, turn) // a result whose completion event was missed (e.g. recovered after a restart)
    await this.#flushUsage(live)
    this.#setAgent(live.sessionId, { status: 'idle' })
    const text = this.#agents.find((a) => a.sessionId === live.sessionId)?.text
    if (text && this.#repeat.record(`${live.sessionId}:${turn.todoId ?? turn.kind}`, text)) {
      this.#release(live)
      return void this.#end('failed', `the ${live.role} repeated the same output three turns running`)
    }
    const error = turn.error
    if (turn.kind === 'plan') {
      this.#release(live)
      if (!turn.delivered) await this.#onPlanTurn(turn, error)
      return this.#requestTick()
    }
    const todoId = turn.todoId ?? ''
    if (!turn.delivered && !error && !turn.nudged) {
      // One nudge, then the attempt fails. The session is still held, so nothing else was sent to it.
      const tool = turn.kind === 'work' ? TOOL_REPORT : TOOL_VERDICT
      return this.#prompt(live, { ...turn, nudged: true }, nudgeBrief(tool, todoId))
    }
    this.#release(live)
    live.todosDone++
    live.lastFiles = this.#snap.todos[todoId]?.files ?? []
    if (!turn.delivered && turn.kind === 'work')
      await this.#attemptFailed(todoId, error ? `${error.name}: ${error.message}` : 'no report', error)
    else if (!turn.delivered) {
      // No verdict: the review is asked again (the work itself did not fail).
      this.#breaker.recordFailure('reviewer')
      await this.#append({
        type: 'todo.reported',
        todoId,
        status: 'done',
        summary: this.#snap.todos[todoId]?.summary ?? '',
        filesChanged: this.#snap.todos[todoId]?.filesChanged ?? [],
      })
    }
    await this.#publishOwnership()
    this.#checkBudgets()
    this.#requestTick()
  }

  async #onPlanTurn(turn: Turn, error?: HostError): Promise<void> {
    if (error && !classify(error).retry) return void this.#end('failed', `planner: ${error.message}`)
    const reasons = turn.planErrors ?? [`no ${TOOL_PLAN} call was made`]
    if (this.#planAttempts >= this.#o.maxPlanAttempts)
      return void this.#end(
        'failed',
        `no valid plan after ${this.#planAttempts} attempts: ${reasons.join('; ')}`,
      )
    await this.#plan(planRetryBrief(reasons))
  }

  async #attemptFailed(todoId: string, reason: string, error?: HostError): Promise<void> {
    const todo = this.#snap.todos[todoId]
    if (!todo) return
    const decision = error ? classify(error) : undefined
    if (decision?.retry) {
      // Provider trouble is not the todo's fault: back off (honouring the server's hint) and re-queue.
      const delay = backoff(todo.attempts, decision.delayMs)
      this.#timer(
        delay,
        () => void this.#append({ type: 'todo.requeued', todoId, reason }).then(() => this.#requestTick()),
      )
      await this.#setTodoWaiting(todoId)
      return
    }
    if (error) this.#breaker.recordFailure('worker')
    const used = todo.attempts - (this.#attemptBase.get(todoId) ?? 0)
    if (used < this.#o.maxAttempts) {
      await this.#append({ type: 'todo.requeued', todoId, reason })
      return
    }
    // Bounded attempts exhausted: the todo stays failed, and the planner revises the plan.
    if (todo.status !== 'failed')
      await this.#append({ type: 'todo.verdict', todoId, verdict: 'fail', findings: [reason] })
  }

  /** Marks a todo as not dispatchable until its backoff timer re-queues it. */
  async #setTodoWaiting(todoId: string): Promise<void> {
    await this.#append({
      type: 'todo.reported',
      todoId,
      status: 'blocked',
      summary: 'waiting for the provider',
      filesChanged: [],
    })
  }

  // --- iteration end, check, re-plan --------------------------------------------------------------

  #maybeIterationEnd(): void {
    const todos = this.#snap.todoOrder.map((id) => this.#snap.todos[id])
    // Every todo passed review: agents may still be writing their closing words, but the work is in.
    if (todos.every((t) => t?.status === 'passed')) return void this.#runCheck()
    const anyBusy = [...this.#live.values()].some((l) => l.busy)
    if (anyBusy || this.#timers.size > this.#wallTimers) return
    const inFlight = todos.some((t) => t && ['running', 'reported', 'reviewing'].includes(t.status))
    if (inFlight) return
    const failed = todos
      .filter((t) => t && (t.status === 'failed' || t.status === 'blocked'))
      .map((t) => t?.id ?? '')
    if (failed.length === 0 && todos.some((t) => t?.status === 'pending')) return // waiting for a breaker or caps
    void this.#replan(undefined, failed)
  }

  async #runCheck(): Promise<void> {
    if (this.#over()) return
    const command = this.#o.check
    this.#update({ phase: 'checking' })
    if (!command) return this.#complete()
    const result = await this.deps.workspace.runCheck(command, {
      timeoutMs: this.#o.checkTimeoutMs,
      signal: this.#abort.signal,
    })
    if (this.#over()) return
    const tail = outputTail(result.output)
    await this.#append({
      type: 'evidence',
      command,
      exitCode: result.exitCode,
      durationMs: result.durationMs,
      outputTail: tail,
    })
    if (result.exitCode === 0 && !result.timedOut) return this.#complete()
    await this.#replan({ command, exitCode: result.timedOut ? null : result.exitCode, outputTail: tail }, [])
  }

  /** Ends the mission as completed once the agents' closing model calls are in (so usage is whole). */
  async #complete(): Promise<void> {
    while (!this.#over() && [...this.#live.values()].some((l) => l.busy))
      await new Promise<void>((resolve) => this.#idleWaiters.push(resolve))
    await this.#end('completed', undefined, this.#summary())
  }

  async #replan(failure: CheckFailure | undefined, failedTodos: string[]): Promise<void> {
    // A round is one plan iteration; it made progress if a todo newly passed review during it.
    const passed = this.#passedCount()
    this.#budgets.recordRound(passed > this.#passedAtIterationStart)
    this.#budgets.recordIteration()
    if (this.#checkBudgets()) return
    await this.#plan(replanBrief(this.#snap.iteration + 1, failure, failedTodos))
  }

  #passedCount(): number {
    return this.#snap.todoOrder.filter((id) => this.#snap.todos[id]?.status === 'passed').length
  }

  #summary(): string {
    const todos = this.#snap.todoOrder.map((id) => this.#snap.todos[id]).filter((t) => t !== undefined)
    const lines = todos.map((t) => `✓ ${t.title}${t.summary ? ` — ${t.summary}` : ''}`)
    const check = this.#snap.evidence.at(-1)
    if (check) lines.push(`Check \`${check.command}\` passed in ${check.durationMs} ms.`)
    return lines.join('\n')
  }

  // --- budgets, stop, end -------------------------------------------------------------------------

  #wallTimers = 0
  #startWallTimer(): void {
    const remaining = this.#budgets.remainingMs()
    if (!Number.isFinite(remaining)) return
    this.#wallTimers = 1
    this.#timer(Math.max(0, remaining), () => {
      this.#wallTimers = 0
      this.#checkBudgets()
    })
  }

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
    for (const wake of this.#idleWaiters.splice(0)) wake()
    const busy = new Set(
      [...this.#live.values()].filter((l) => l.busy || l.retryTimer).map((l) => l.sessionId),
    )
    this.#abort.abort()
    this.#clearTimers()
    const cut = phase === 'stopped' ? 'aborted' : 'failed'
    this.#agents = this.#agents.map((a) => ({
      ...a,
      status: busy.has(a.sessionId) ? cut : 'done',
      tool: undefined,
    }))
    this.#update({
      phase,
      endedAt: this.deps.clock.now(),
      ...(reason !== undefined && { reason }),
      ...(result !== undefined && { result }),
    })
    this.deps.logger.info(`mission ${this.#o.id} ${phase}${reason ? `: ${reason}` : ''}`)
    // Abort does not cascade in OpenCode: every session and every child, in parallel (an abort of
    // an idle session is a no-op, and cheaper than missing one that just became busy).
    if (phase !== 'completed') {
      // A server that stopped answering must not hold the stop: give the aborts one second.
      let cancel = () => {}
      const aborts = Promise.allSettled([...this.#live.keys()].map((id) => this.#abortTree(id)))
      await Promise.race([aborts, new Promise<void>((r) => (cancel = this.deps.clock.setTimeout(r, 1_000)))])
      cancel()
    }
    for (const l of this.#live.values()) await this.#flushUsage(l).catch(() => undefined)
    if (this.#journal)
      await this.#journal
        .append({ type: 'mission.ended', status: phase, reason: reason ?? '' })
        .catch((err: unknown) => this.deps.logger.error(`journal write failed: ${message(err)}`))
    await this.deps.workspace.publishOwnership(undefined).catch(() => undefined)
    this.#finish?.(this.#state)
  }

  async #abortTree(sessionId: string): Promise<void> {
    const known = [...this.#rootOf.entries()].filter(([, root]) => root === sessionId).map(([child]) => child)
    const asked = await this.deps.sessions.children(sessionId).catch(() => [] as string[])
    const children = [...new Set([...known, ...asked])]
    await Promise.allSettled([
      ...children.map((c) => this.#abortTree(c)),
      this.deps.sessions.abort(sessionId).then(
        (ok) => ok || this.deps.logger.warn(`abort of ${sessionId} was not confirmed`),
        () => undefined,
      ),
    ])
  }

  // --- helpers -------------------------------------------------------------------------------------

  async #append(entry: Parameters<MissionJournal['append']>[0]): Promise<void> {
    const write = this.#journal.append(entry)
    this.#snap = this.#journal.snapshot()
    this.#publish()
    await write
  }

  async #flushUsage(live: Live): Promise<void> {
    const { tokens, cost } = live.unjournaled
    if (tokens === 0 && cost === 0) return
    live.unjournaled = { tokens: 0, cost: 0 }
    await this.#append({ type: 'usage', sessionId: live.sessionId, role: live.role, tokens, cost })
  }

  async #publishOwnership(): Promise<void> {
    const sessions: Record<string, { todoId: string; files: string[] }> = {}
    for (const id of this.#snap.todoOrder) {
      const t = this.#snap.todos[id]
      if (t?.status === 'running' && t.sessionId) sessions[t.sessionId] = { todoId: id, files: t.files }
    }
    await this.deps.workspace
      .publishOwnership({
        missionId: this.#o.id,
        todos: [...this.#snap.todoOrder],
        sessions,
        ...(this.#o.endTurnOnResult && { endsTurnOnResult: true }),
      })
      .catch((err: unknown) => this.deps.logger.warn(`ownership not published: ${message(err)}`))
  }

  #scheduleRetry(attempt: number): void {
    this.#timer(backoff(attempt), () => this.#requestTick())
  }

  #timer(ms: number, fn: () => void): () => void {
    const cancel = this.deps.clock.setTimeout(() => {
      this.#timers.delete(cancel)
      fn()
    }, ms)
    this.#timers.add(cancel)
    return () => {
      cancel()
      this.#timers.delete(cancel)
    }
  }

  #clearTimers(): void {
    for (const cancel of this.#timers) cancel()
    this.#timers.clear()
    this.#wallTimers = 0
    for (const l of this.#live.values()) l.retryTimer = undefined
  }

  #setAgent(sessionId: string, patch: Partial<AgentState>): void {
    this.#agents = this.#agents.map((a) => (a.sessionId === sessionId ? { ...a, ...patch } : a))
  }

  #update(patch: Partial<MissionState>): void {
    this.#state = { ...this.#state, ...patch }
    this.#publish()
  }

  #publish(): void {
    const snap = this.#snap
    this.#state = {
      ...this.#state,
      paused: this.#paused,
      agents: this.#agents,
      inbox: this.#inbox,
      tokens: this.#agents.reduce((n, a) => n + a.tokens, 0),
      cost: this.#agents.reduce((n, a) => n + a.cost, 0),
      modelCalls: this.#answered.size,
      ...(snap && {
        iteration: snap.iteration,
        todos: todoStates(snap),
        evidence: snap.evidence,
      }),
    }
    this.#changes.emit(this.#state)
  }
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err))
