// Sending work to sessions. The scheduler says which todos may start where (under the caps, the
// breakers and the cooling providers); the mission's loop decides to start them, and every assignment
// starts at once: a session is created for it or an idle one claimed, the dispatch journaled and the
// brief prompted. Every prompt of the mission goes out here.

import type { AgentRoster } from '../record/agent-roster'
import type { CircuitBreaker } from '../guards/circuit-breaker'
import { errorMessage } from '../util/error-message'
import { agentName, type Live } from '../sessions/live-session'
import { briefed, openTurn, type Turn } from '../sessions/turn'
import type { MissionRecord } from '../record/mission-record'
import type { MissionSessions } from '../sessions/mission-sessions'
import type { Logger, ModelRef, Role, SessionPort } from '../ports'
import { reviewBrief, workBrief } from '../protocol/prompts'
import type { ProviderCooling } from '../guards/provider-cooling'
import { backoff } from '../guards/retry'
import { schedule, type Assignment, type SchedulerCaps } from './scheduler'
import { dispatchSlot, fillsCaps, TickSessions, TickTodos, type Dispatching } from './tick-input'
import type { TimerSet } from '../util/timer-set'
import type { TodoStatus } from '../record/entries'

/** A todo in one of these takes no session any more. */
const FINISHED: ReadonlySet<TodoStatus> = new Set(['passed', 'failed', 'cancelled', 'blocked'])

/**
 * Idle sessions that did a todo kept in service: a later todo on the same files may take one of
 * them (its context holds those files), and twice the sessions the mission runs at once covers the
 * recent ones; older ones would only lengthen every step of a mission of thousands of todos.
 */
export const keepIdle = (total: number): number => Math.max(8, 2 * Math.min(total, 32))

export interface DispatcherDeps {
  port: SessionPort
  logger: Logger
  record: MissionRecord
  sessions: MissionSessions
  roster: AgentRoster
  breaker: CircuitBreaker
  cooling: ProviderCooling
  timers: TimerSet
  caps: SchedulerCaps
  maxTodosPerSession: number
  /** Model per role, from the options. */
  models: Partial<Record<Role, ModelRef>> | undefined
  over: () => boolean
  /** Publishes the mission state. */
  publish: () => void
  publishOwnership: () => Promise<void>
  /** A start settled, or a failed prompt's backoff ran out: the loop looks again. */
  request: () => void
  /** Ends the mission as failed. */
  fail: (reason: string) => Promise<void>
  /** The folder a todo's agents work in (its worktree, made on first use); undefined: the shared one. */
  folder: (todoId: string) => Promise<string | undefined>
  /** Worktree mode: the integration branch a reviewer diffs the todo's branch against. */
  integrationBranch: () => string | undefined
}

export class Dispatcher {
  /** The model each role runs on when the options name none, as the server says (for the caps). */
  #roleModels: Partial<Record<Role, ModelRef>> = {}
  #roleModelsRead: Promise<void> = Promise.resolve()
  /** Dispatches under way whose journal entry is not in yet, by todo id. */
  readonly #dispatching = new Map<string, Dispatching>()
  readonly #todos = new TickTodos()
  readonly #sessions = new TickSessions()

  constructor(private readonly d: DispatcherDeps) {}

  /** Asks the server for the roles' default models; ticks wait for the answer. */
  readRoleModels(): void {
    this.#roleModelsRead = this.d.port.roleModels().then(
      (models) => void (this.#roleModels = models),
      (err: unknown) =>
        this.d.logger.warn(
          `agents' models unknown (${errorMessage(err)}): provider and model caps apply only to roles with a model set`,
        ),
    )
  }

  /** Starts under way: a session being created or claimed for a todo. */
  get dispatching(): boolean {
    return this.#dispatching.size > 0
  }

  /** What may start now, once the roles' models are known. */
  async assignments(): Promise<Assignment[]> {
    await this.#roleModelsRead
    if (this.#slotsTaken()) return []
    const snap = this.d.record.snap
    // A long mission's idle sessions beyond the recent ones take no todo any more (see keepIdle).
    this.d.sessions.retireIdleBeyond(keepIdle(this.d.caps.total), (live) => {
      const todoId = snap.sessions[live.sessionId]?.todoId
      const todo = todoId === undefined ? undefined : snap.todos[todoId]
      return todo !== undefined && !FINISHED.has(todo.status)
    })
    return schedule({
      todos: this.#todos.of(snap, this.d.record, this.#dispatching),
      sessions: this.#sessions.of(this.d.sessions.serving, this.#roleModels, this.#dispatching),
      caps: this.d.caps,
      maxTodosPerSession: this.d.maxTodosPerSession,
      coolingProviders: this.d.cooling.providers,
      // New sessions count against provider and model caps under the model they will run on.
      models: { ...this.#roleModels, ...this.d.models },
    }).filter((a) => this.d.breaker.canRun(a.role))
  }

  /**
   * Every slot is taken, as the scheduler would find once it read every todo and session (busy
   * workers and reviewers whose turn was not cut, and sessions being made, against the total cap):
   * most steps of a long mission, which holds thousands of both, end here at the cost of a count.
   */
  #slotsTaken(): boolean {
    let busy = 0
    for (const d of this.#dispatching.values()) if (d.creating) busy++
    for (const l of this.d.sessions.serving) if (fillsCaps(l)) busy++
    return busy >= this.d.caps.total
  }

  /**
   * Starts every assignment at once, and returns without waiting for them: children are never
   * launched one at a time.
   */
  start(assignments: readonly Assignment[]): void {
    for (const a of assignments) this.#start(a)
  }

  /** Starts a dispatch; until it has claimed its session, the todo and a session slot count as taken. */
  #start(a: Assignment): void {
    this.#dispatching.set(a.todoId, dispatchSlot(a))
    void this.#dispatch(a)
      .catch((err: unknown) => this.d.fail(`dispatch failed: ${errorMessage(err)}`))
      .finally(() => {
        this.#dispatching.delete(a.todoId)
        this.d.request()
      })
  }

  async #dispatch(a: Assignment): Promise<void> {
    const todo = this.d.record.snap.todos[a.todoId]
    if (!todo) return
    // Made (or made again) before any session works there.
    const directory = await this.d.folder(todo.id)
    const live =
      a.sessionId === 'new'
        ? await this.d.sessions.create(a.role, todo.id, todo.title, directory)
        : this.d.sessions.live.get(a.sessionId)
    if (!live || this.d.over()) return
    // The user may have cancelled the todo while its session was being created: the session is free.
    if (this.d.record.snap.todos[a.todoId]?.status === 'cancelled') {
      live.busy = false
      return
    }
    live.busy = true // claimed before any await below, so the next tick cannot pick it again
    this.#dispatching.set(todo.id, { role: a.role }) // the live session now holds the slot
    const attempt = a.role === 'worker' ? todo.attempts + 1 : todo.attempts
    await this.d.record.append({
      type: 'todo.dispatched',
      todoId: todo.id,
      sessionId: live.sessionId,
      attempt,
    })
    await this.d.publishOwnership()
    const current = this.d.record.snap.todos[todo.id] ?? todo
    const branch = current.worktree?.branch
    const integration = this.d.integrationBranch()
    const sentBack = current.verdict === 'fail' || current.merge?.result === 'conflict'
    const brief =
      a.role === 'worker'
        ? workBrief(todo, this.d.record.dependencySummaries(todo.dependsOn), sentBack ? current.findings : [])
        : reviewBrief(
            todo,
            current.summary ?? '',
            current.filesChanged,
            branch !== undefined && integration !== undefined ? { branch, integration } : undefined,
          )
    await this.prompt(live, openTurn(a.role === 'worker' ? 'work' : 'review', todo.id), brief)
  }

  /** Never writes into a busy session: the caller holds the session (busy) until its idle arrives. */
  async prompt(live: Live, turn: Turn, text: string): Promise<void> {
    if (this.d.over()) return
    live.busy = true
    live.turn = briefed(turn, text)
    this.d.roster.patch(live.sessionId, {
      status: 'busy',
      ...(turn.todoId !== undefined && { todoId: turn.todoId }),
    })
    this.d.publish()
    live.starting = true
    try {
      await this.d.port.prompt({
        sessionId: live.sessionId,
        agent: live.role,
        text,
        ...(live.model && { model: live.model }),
      })
    } catch (err) {
      live.starting = false
      live.turn = undefined
      this.d.sessions.release(live)
      this.d.logger.warn(`prompt to the ${agentName(live)} failed: ${errorMessage(err)}`)
      this.d.breaker.recordFailure(live.role)
      if (turn.todoId) await this.d.record.requeue(turn.todoId, `prompt failed: ${errorMessage(err)}`)
      if (turn.kind === 'plan')
        return void this.d.fail(`the planner could not be prompted: ${errorMessage(err)}`)
      this.d.timers.start(backoff(1), () => this.d.request())
    }
  }
}
