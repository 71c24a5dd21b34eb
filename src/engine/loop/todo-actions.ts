// The user acting on one todo while the mission runs: cancel it (its sessions and their child trees
// aborted, the todo journaled as cancelled, the rest carrying on) or send a failed or cancelled todo
// back to the queue with its history kept. Requests that cannot apply are refused with a sentence
// that says why and what to do, never thrown.

import { discardIfSettled } from './isolation'
import { progressed } from './turn-ends'
import type { MissionContext } from './context'
import type { Refusal } from '../util/refusal'

const RETRYABLE = new Set(['failed', 'cancelled'])
const FINISHED = new Set(['passed', 'cancelled'])

export class TodoActions {
  constructor(private readonly d: MissionContext) {}

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
      this.d.sessions.retire(live) // its transcript holds the cancelled work: it takes no other todo
    }
    await this.d.record.append({ type: 'todo.cancelled', todoId, reason, by: 'user' })
    this.d.deps.logger.info(`todo ${todoId} ${reason}: aborting ${working.length} session(s)`)
    await Promise.all(
      working.map(async (live) => {
        this.d.steering.drop(live.sessionId, 'the todo was cancelled')
        this.d.inbox.dropTree(live.sessionId)
        // Shown as aborted at once: the server's abort can take as long as the call it ends.
        this.d.roster.patch(live.sessionId, { status: 'aborted', tool: undefined })
        this.d.publish()
        await this.d.sessions.abortTree(live.sessionId)
        await this.d.record.flushUsage(live)
        this.d.sessions.release(live)
      }),
    )
    await discardIfSettled(this.d, todoId)
    this.d.publish()
    await progressed(this.d)
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
    await this.d.record.append({ type: 'todo.retried', todoId })
    this.d.deps.logger.info(`todo ${todoId} retried by the user`)
    await progressed(this.d)
    return undefined
  }

  #check(todoId: string, verb: string): Refusal | undefined {
    if (this.d.over || !this.d.record.current)
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
