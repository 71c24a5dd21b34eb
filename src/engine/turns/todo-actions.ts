// The user acting on one todo while the mission runs: cancel it (its sessions and their child trees
// aborted, the todo journaled as cancelled, the rest carrying on) or send a failed or cancelled todo
// back to the queue with its history kept. Requests that cannot apply are refused with a sentence
// that says why and what to do, never thrown.

import type { Logger } from '../ports'
import type { AgentRoster } from '../record/agent-roster'
import type { MissionRecord } from '../record/mission-record'
import type { MissionSessions } from '../sessions/mission-sessions'
import type { PermissionInbox } from '../sessions/permission-inbox'
import type { Steering } from '../sessions/steering'
import type { Refusal } from '../util/refusal'
import type { TodoAttempts } from './todo-attempts'

export interface TodoActionsDeps {
  record: MissionRecord
  sessions: MissionSessions
  roster: AgentRoster
  inbox: PermissionInbox
  steering: Steering
  attempts: TodoAttempts
  logger: Logger
  /** The mission ended (or never began): nothing can be acted on. */
  over: () => boolean
  /** After a todo moved: republish the ownership and look for work. */
  progressed: () => Promise<void>
  /** The agents changed outside an append. */
  publish: () => void
}

const RETRYABLE = new Set(['failed', 'cancelled'])
const FINISHED = new Set(['passed', 'cancelled'])

export class TodoActions {
  constructor(private readonly d: TodoActionsDeps) {}

  async cancel(todoId: string, reason = 'cancelled by the user'): Promise<Refusal | undefined> {
    const refusal = this.#check(todoId, 'cancel')
    if (refusal) return refusal
    const todo = this.d.record.snap.todos[todoId]
    if (todo && FINISHED.has(todo.status))
      return { refused: `Todo "${todoId}" is already ${todo.status}; there is nothing to cancel.` }
    // Claimed before any await: a result or an idle arriving during the aborts finds no turn.
    const working = [...this.d.sessions.live.values()].filter((l) => l.turn?.todoId === todoId)
    for (const live of working) {
      live.turn = undefined
      live.retired = true // its transcript holds the cancelled work: it takes no other todo
    }
    await this.d.record.append({ type: 'todo.cancelled', todoId, reason })
    this.d.logger.info(`todo ${todoId} ${reason}: aborting ${working.length} session(s)`)
    await Promise.all(
      working.map(async (live) => {
        this.d.steering.drop(live.sessionId, 'the todo was cancelled')
        this.d.inbox.dropTree(live.sessionId)
        await this.d.sessions.abortTree(live.sessionId)
        this.d.roster.patch(live.sessionId, { status: 'aborted', tool: undefined })
        await this.d.record.flushUsage(live)
        this.d.sessions.release(live)
      }),
    )
    this.d.publish()
    await this.d.progressed()
    return undefined
  }

  async retry(todoId: string): Promise<Refusal | undefined> {
    const refusal = this.#check(todoId, 'retry')
    if (refusal) return refusal
    const todo = this.d.record.snap.todos[todoId]
    if (todo && !RETRYABLE.has(todo.status))
      return {
        refused: `Todo "${todoId}" is ${todo.status}; only a failed or cancelled todo can be retried.`,
      }
    // The attempt bound starts again for the retry; the attempts made so far stay counted and shown.
    this.d.attempts.rebase([todoId])
    await this.d.record.append({ type: 'todo.retried', todoId })
    this.d.logger.info(`todo ${todoId} retried by the user`)
    await this.d.progressed()
    return undefined
  }

  #check(todoId: string, verb: string): Refusal | undefined {
    if (this.d.over() || !this.d.record.current)
      return { refused: `The mission is not running: there is no todo to ${verb}. Start a new mission.` }
    if (!this.d.record.snap.todos[todoId]) {
      const known = this.d.record.snap.todoOrder
      return {
        refused: `No todo "${todoId}" in this mission${known.length ? ` (its todos: ${known.join(', ')})` : ''}.`,
      }
    }
    return undefined
  }
}
