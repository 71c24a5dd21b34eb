// The mission's public face: run, stop, pause and resume it, answer its questions, act on its todos
// and agents, listen to it. Everything it does lives in the engine's rooms, lowest first (ESLint
// keeps the arrows pointing down):
//   util/      timers, serial runs, coalescing, the emitter: no mission knowledge
//   project/   the project's check command and how its runs compare
//   protocol/  the mission tools' arguments, the briefs, file ownership, model names
//   preflight/ what is checked before a mission starts
//   record/    the journal, its reducer and what it folds into: todos, agents, the published state
//   sessions/  the mission's sessions, their turns and trees, the permission inbox, steering
//   guards/    budgets, breakers, retry policy, cooling providers
//   schedule/  who runs what next under the caps, and the prompts that start it
//   turns/     pure verdicts: what a finished turn means, what becomes of a todo, the check's progress
//   loop/      the one loop: what the mission does next (step.ts), its phase and its end, and the
//              handlers that act on events, turns and plans

import { begin } from './loop/start'
import { endMission } from './loop/end'
import { errorMessage } from './util/error-message'
import { isTerminal, type BaselineAnswer, type MissionState } from './record/mission-state'
import { MissionContext } from './loop/context'
import { onHostEvent } from './loop/host-events'
import { retryStuck } from './loop/turn-ends'
import { folderFor } from './loop/isolation'
import { runStep } from './loop/runner'
import { SerialRunner } from './util/serial-runner'
import { steerRefusal } from './sessions/steering'
import { TodoActions } from './loop/todo-actions'
import { MISSION_DEFAULTS, type MissionDeps, type MissionOptions } from './mission-options'
import type { JournalEntry } from './record/entries'
import type { PermissionReply } from './ports'
import type { Refusal } from './util/refusal'

export { NO_CHECK } from './loop/end'

/**
 * One mission: plan → parallel workers → review → check → re-plan, until the check passes or a
 * budget, a breaker or the user stops it. Driven by OpenCode's events (never by polling or sleeps);
 * every decision is journaled so a new instance resumes where this one stopped. run() resolves
 * with the final state and never rejects.
 */
export class Mission {
  readonly #ctx: MissionContext
  readonly #loop: SerialRunner
  readonly #actions: TodoActions
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
    this.#loop = new SerialRunner(
      () => runStep(this.#ctx),
      (err) => this.#ctx.fail(`the mission's loop failed: ${errorMessage(err)}`),
    )
    this.#ctx = new MissionContext(deps, options, {
      request: () => this.#loop.request(),
      end: (status, reason) => endMission(this.#ctx, (s) => this.#finish?.(s), status, reason),
      retryStuck: (live) => retryStuck(this.#ctx, live),
      folder: (todoId) => folderFor(this.#ctx, todoId),
    })
    this.#actions = new TodoActions(this.#ctx)
  }

  get state(): MissionState {
    return this.#ctx.state
  }

  onChange(listener: (state: MissionState) => void): () => void {
    return this.#ctx.changes.on(listener)
  }

  /**
   * Hears each entry the mission journals from now on (stamped, secrets scrubbed), in journal order,
   * as it is applied (before `state` and `onChange` show it, and before it is on disk); entries a
   * resume read back are not repeated. A listener that throws is logged and kept.
   */
  onEntry(listener: (entry: JournalEntry) => void): () => void {
    return this.#ctx.entries.on((entry) => {
      try {
        listener(entry)
      } catch (err) {
        this.deps.logger.warn(`an entry listener failed: ${errorMessage(err)}`)
      }
    })
  }

  run(): Promise<MissionState> {
    const done = new Promise<MissionState>((resolve) => (this.#finish = resolve))
    this.#unsubscribe = this.deps.events.subscribe((e) => onHostEvent(this.#ctx, e))
    void begin(this.#ctx).catch((err: unknown) => this.#ctx.fail(errorMessage(err)))
    return done
  }

  /** Aborts every session of the mission, children included, and ends it as stopped. */
  async stop(reason = 'stopped by the user'): Promise<void> {
    if (isTerminal(this.state.phase)) return
    await this.#ctx.hooks.end('stopped', reason)
  }

  /** Stops dispatching new work; running turns finish. */
  pause(): void {
    if (this.#ctx.over || this.#ctx.paused) return
    this.#ctx.paused = true
    this.#ctx.publish()
  }

  resume(): void {
    if (!this.#ctx.paused) return
    this.#ctx.paused = false
    this.#ctx.publish()
    this.#loop.request()
  }

  /**
   * Answers `state.needsYou`: the stuck agent gets one more retry bound. Stop answers it the other
   * way. Does nothing when no question is open.
   */
  keepWaiting(): void {
    const ask = this.#ctx.stuck.close()
    const live = ask && this.#ctx.sessions.live.get(ask.sessionId)
    if (live) this.#ctx.cooling.extend(live)
  }

  /**
   * Answers a `baseline` question (`state.needsYou.kind === 'baseline'`): `continue` lets the workers
   * start, `stop` ends the mission, `changeCheck` runs the given command as the check from now on,
   * starting with its own baseline. Resolves with the refusal when no such question is open or the
   * command is empty.
   */
  answerBaseline(answer: BaselineAnswer): Promise<Refusal | undefined> {
    return this.#ctx.baseline.answer(answer)
  }

  /** Answers a permission request from the inbox. */
  async replyPermission(requestId: string, reply: PermissionReply): Promise<void> {
    const { inbox, sessions } = this.#ctx
    const ask = inbox.find(requestId)
    if (!ask) throw new Error(`no open permission request ${requestId}`)
    await this.deps.sessions.replyPermission(requestId, ask.sessionId, reply)
    inbox.answered(requestId, sessions.rootAbove(ask.sessionId) ?? ask.sessionId)
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
    const { sessions, roster, steering, over } = this.#ctx
    if (over) return { refused: 'The mission is not running: there is no agent to steer.' }
    const live = sessions.live.get(sessionId)
    const refusal = steerRefusal(live, roster, sessionId, text)
    if (refusal) return refusal
    steering.queue(sessionId, text)
    this.deps.logger.info(`steering queued for ${live?.role ?? ''} ${sessionId}`)
    this.#ctx.publish()
    return undefined
  }

  /** Stops listening to host events, clears timers and ends a running check. */
  dispose(): void {
    this.#ctx.disposed.abort()
    this.#unsubscribe?.()
    this.#ctx.clearTimers()
    this.#ctx.breaker.dispose()
    this.#ctx.changes.clear()
    this.#ctx.entries.clear()
  }
}
