// What becomes of a todo whose attempt failed: provider trouble waits out a backoff (honouring the
// server's hint) and re-queues, as it is not the todo's fault, a bounded number of times (a provider
// that never recovers would hold the todo forever); any other failure re-queues until the
// todo used its attempts under the current plan revision, and then fails it for the planner to revise.
// A review that ended without a verdict is asked again, as often as a todo has attempts. A failed todo
// is that todo's fault alone: the mission goes on with the others.

import type { CircuitBreaker } from '../guards/circuit-breaker'
import type { MissionRecord } from '../record/mission-record'
import type { HostError } from '../ports'
import { backoff, classify } from '../guards/retry'
import type { TimerSet } from '../util/timer-set'
import { errorMessage } from '../util/error-message'

/** Provider errors (429, 5xx) a todo waits out per plan revision; later ones count as failed attempts. */
export const MAX_PROVIDER_WAITS = 5

export interface TodoAttemptsDeps {
  record: MissionRecord
  timers: TimerSet
  breaker: CircuitBreaker
  /** Worker attempts per todo and plan revision. */
  maxAttempts: number
  /** A todo that waited out a provider backoff is pending again. */
  onRequeued: () => void
  /** Ends the mission as failed: a timer has no caller to hand a failed journal write to. */
  fail: (reason: string) => void
}

export class TodoAttempts {
  /** The attempts each todo had made when its current plan revision began. */
  readonly #base = new Map<string, number>()
  /** Reviews in a row that ended without a verdict, per todo, under the current plan revision. */
  readonly #unreviewed = new Map<string, number>()
  /** Provider errors each todo waited out under the current plan revision. */
  readonly #waits = new Map<string, number>()

  constructor(private readonly d: TodoAttemptsDeps) {}

  /** Counts the attempts of these todos afresh from here (a plan that lists them, or a resume). */
  rebase(todoIds: Iterable<string>): void {
    for (const id of todoIds) {
      this.#base.set(id, this.d.record.snap.todos[id]?.attempts ?? 0)
      this.#unreviewed.delete(id)
      this.#waits.delete(id)
    }
  }

  async failed(todoId: string, reason: string, error?: HostError): Promise<void> {
    const todo = this.d.record.snap.todos[todoId]
    if (!todo) return
    const decision = error ? classify(error) : undefined
    const waits = decision?.retry ? (this.#waits.get(todoId) ?? 0) + 1 : 0
    if (decision?.retry && waits <= MAX_PROVIDER_WAITS) {
      this.#waits.set(todoId, waits)
      const delay = backoff(todo.attempts, decision.delayMs)
      this.d.timers.start(delay, () => {
        void this.d.record.requeue(todoId, reason).then(
          () => this.d.onRequeued(),
          (err: unknown) => this.d.fail(`journal write failed: ${errorMessage(err)}`),
        )
      })
      // Not dispatchable until the backoff timer re-queues it.
      await this.d.record.append({
        type: 'todo.reported',
        todoId,
        status: 'blocked',
        summary: 'waiting for the provider',
        filesChanged: [],
      })
      return
    }
    if (error) this.d.breaker.recordFailure('worker')
    const used = todo.attempts - (this.#base.get(todoId) ?? 0)
    if (used < this.d.maxAttempts) {
      await this.d.record.requeue(todoId, reason)
      return
    }
    // Bounded attempts exhausted: the todo stays failed, and the planner may revise the plan.
    await this.d.record.append({ type: 'todo.failed', todoId, reason: `${reason} (${used} attempts)` })
  }

  /**
   * A review ended without a verdict: the todo goes back to review (the work itself did not fail),
   * until it had as many reviews as it has attempts; then it fails with the reason.
   */
  async noVerdict(todoId: string, reason = 'the reviewer gave no verdict'): Promise<void> {
    this.d.breaker.recordFailure('reviewer')
    const todo = this.d.record.snap.todos[todoId]
    if (!todo) return
    const reviews = (this.#unreviewed.get(todoId) ?? 0) + 1
    this.#unreviewed.set(todoId, reviews)
    if (reviews >= this.d.maxAttempts) {
      this.#unreviewed.delete(todoId)
      await this.d.record.append({ type: 'todo.failed', todoId, reason: `${reason} (${reviews} reviews)` })
      return
    }
    await this.d.record.append({
      type: 'todo.reported',
      todoId,
      status: 'done',
      summary: todo.summary ?? '',
      filesChanged: todo.filesChanged,
    })
  }
}
