import { foldAgentEvent, UsageLedger } from './agent-fold'
import { Emitter } from './emitter'
import { isTerminal, type AgentState, type MissionState } from './mission-state'
import type { Clock, EventPort, HostEvent, Logger, ModelRef, Role, SessionPort } from './ports'

export interface MissionDeps {
  sessions: SessionPort
  events: EventPort
  clock: Clock
  logger: Logger
}

export interface MissionOptions {
  goal: string
  id: string
  /** Model per role; unset roles inherit OpenCode's default model. */
  models?: Partial<Record<Role, ModelRef>>
}

/** Longest goal excerpt used in a session title. */
const TITLE_GOAL_CHARS = 60

export const sessionTitle = (role: Role, goal: string) => {
  const oneLine = goal.replace(/\s+/g, ' ').trim()
  const excerpt = oneLine.length > TITLE_GOAL_CHARS ? `${oneLine.slice(0, TITLE_GOAL_CHARS - 1)}…` : oneLine
  return `${role[0]?.toUpperCase()}${role.slice(1)}: ${excerpt}`
}

/**
 * One mission: sends the goal to a planner session and folds OpenCode's events into state until
 * the session goes idle. Every change is published through onChange; run() resolves with the final
 * state and never rejects (a failure is a `failed` state with its reason).
 */
export class Mission {
  #state: MissionState
  readonly #changes = new Emitter<MissionState>()
  readonly #ledger = new UsageLedger()
  readonly #prompted = new Set<string>()
  #unsubscribe: (() => void) | undefined
  #finish: ((s: MissionState) => void) | undefined

  constructor(
    private readonly deps: MissionDeps,
    private readonly options: MissionOptions,
  ) {
    if (options.goal.trim() === '') throw new TypeError('Expected a non-empty `goal`')
    const now = deps.clock.now()
    this.#state = { id: options.id, goal: options.goal, phase: 'starting', startedAt: now, agents: [], tokens: 0, cost: 0, modelCalls: 0 }
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
    void this.#start().catch((err: unknown) => this.#end('failed', errorMessage(err)))
    return done
  }

  /** Aborts every session of the mission and ends it as stopped. */
  async stop(reason = 'stopped by the user'): Promise<void> {
    if (isTerminal(this.#state.phase)) return
    const ids = this.#state.agents.map((a) => a.sessionId)
    this.#end('stopped', reason)
    await Promise.allSettled(ids.map((id) => this.#abortTree(id)))
  }

  async #abortTree(sessionId: string): Promise<void> {
    // Abort does not cascade in OpenCode: end the children first, then the session itself.
    const children = await this.deps.sessions.children(sessionId).catch(() => [])
    await Promise.allSettled(children.map((c) => this.#abortTree(c)))
    const aborted = await this.deps.sessions.abort(sessionId).catch(() => false)
    if (!aborted) this.deps.logger.warn(`abort of session ${sessionId} was not confirmed`)
  }

  async #start(): Promise<void> {
    this.#update({ phase: 'planning' })
    const role: Role = 'planner'
    const { id } = await this.deps.sessions.create({ title: sessionTitle(role, this.options.goal) })
    if (isTerminal(this.#state.phase)) {
      await this.#abortTree(id)
      return
    }
    const now = this.deps.clock.now()
    const agent: AgentState = {
      sessionId: id,
      role,
      title: sessionTitle(role, this.options.goal),
      status: 'starting',
      tokens: 0,
      cost: 0,
      startedAt: now,
      lastActivityAt: now,
    }
    this.#update({ agents: [...this.#state.agents, agent] })
    this.#prompted.add(id)
    const model = this.options.models?.[role]
    await this.deps.sessions.prompt({ sessionId: id, agent: role, text: this.options.goal, ...(model && { model }) })
    this.deps.logger.info(`mission ${this.options.id}: goal sent to ${role} session ${id}`)
  }

  #onEvent(event: HostEvent): void {
    if (isTerminal(this.#state.phase) && event.type !== 'message.assistant') return
    if (!('sessionId' in event) || event.sessionId === undefined) return
    const i = this.#state.agents.findIndex((a) => a.sessionId === event.sessionId)
    const agent = this.#state.agents[i]
    if (!agent) return
    const next = foldAgentEvent(agent, event, this.deps.clock.now(), this.#ledger)
    if (next !== agent) {
      const agents = this.#state.agents.with(i, next)
      this.#update({
        agents,
        tokens: this.#state.tokens + (next.tokens - agent.tokens),
        cost: this.#state.cost + (next.cost - agent.cost),
        modelCalls: this.#ledger.size,
      })
    }
    if (!this.#prompted.has(event.sessionId)) return
    if (event.type === 'session.idle') this.#onIdle(next)
    else if (event.type === 'session.error' && event.error.name !== 'MessageAbortedError')
      void this.#settleAfterError(event.sessionId)
  }

  /** Some errors (an unknown agent, a bad request) end a turn without a later idle: ask the server. */
  async #settleAfterError(sessionId: string): Promise<void> {
    const statuses = await this.deps.sessions.statuses().catch(() => undefined)
    if (!statuses || statuses[sessionId]) return // still busy or retrying: its idle will follow
    const agent = this.#state.agents.find((a) => a.sessionId === sessionId)
    if (agent) this.#onIdle(agent)
  }

  #onIdle(agent: AgentState): void {
    if (isTerminal(this.#state.phase)) return
    if (agent.error) this.#end('failed', agent.error)
    else this.#end('completed', undefined, agent.text ?? '')
  }

  #end(phase: 'completed' | 'failed' | 'stopped', reason?: string, result?: string): void {
    if (isTerminal(this.#state.phase)) return
    const agents = this.#state.agents.map((a) =>
      a.status === 'done' || a.status === 'failed' || a.status === 'aborted'
        ? a
        : { ...a, status: phase === 'stopped' ? ('aborted' as const) : phase === 'failed' ? ('failed' as const) : ('done' as const), tool: undefined },
    )
    this.#update({
      phase,
      agents,
      endedAt: this.deps.clock.now(),
      ...(reason !== undefined && { reason }),
      ...(result !== undefined && { result }),
    })
    this.deps.logger.info(`mission ${this.options.id} ${phase}${reason ? `: ${reason}` : ''}`)
    // Late usage figures still count after the end; stop listening only on dispose.
    this.#finish?.(this.#state)
  }

  /** Stops listening to host events. */
  dispose(): void {
    this.#unsubscribe?.()
    this.#changes.clear()
  }

  #update(patch: Partial<MissionState>): void {
    this.#state = { ...this.#state, ...patch }
    this.#changes.emit(this.#state)
  }
}

const errorMessage = (err: unknown) => (err instanceof Error ? err.message : String(err))
