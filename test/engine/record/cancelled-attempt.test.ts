import { describe, expect, it } from 'vitest'
import type { JournalEntry } from '../../../src/engine/record/entries'
import { missionReport } from '../../../src/engine/record/mission-report'
import { replay } from '../../../src/engine/record/replay'

// A todo cancelled while an attempt was in flight, then retried and passed: the first attempt stays
// in the history as cancelled (it read "no report yet" for good once the retry passed).

const started: JournalEntry = { at: 0, type: 'mission.started', version: 2, goal: 'g', options: {} }
const plan: JournalEntry = {
  at: 1,
  type: 'plan.accepted',
  iteration: 1,
  todos: [{ id: 'a', title: 'a', description: 'do a', files: [], dependsOn: [], acceptance: [] }],
}
const session = (sessionId: string, role: 'worker' | 'reviewer'): JournalEntry => ({
  at: 2,
  type: 'session.created',
  sessionId,
  role,
  todoId: 'a',
})
const dispatched = (at: number, sessionId: string, attempt: number): JournalEntry => ({
  at,
  type: 'todo.dispatched',
  todoId: 'a',
  sessionId,
  attempt,
})
const cancelled: JournalEntry = {
  at: 10,
  type: 'todo.cancelled',
  todoId: 'a',
  reason: 'cancelled by the user',
}
const retried: JournalEntry = { at: 11, type: 'todo.retried', todoId: 'a' }
const reported = (at: number): JournalEntry => ({
  at,
  type: 'todo.reported',
  todoId: 'a',
  status: 'done',
  summary: 'did a',
  filesChanged: [],
})
const passed: JournalEntry = { at: 30, type: 'todo.verdict', todoId: 'a', verdict: 'pass', findings: [] }
const history = (...entries: JournalEntry[]) =>
  replay([
    started,
    plan,
    session('w1', 'worker'),
    session('w2', 'worker'),
    session('r', 'reviewer'),
    ...entries,
  ]).todos.a?.history

describe('an attempt the user cancelled', () => {
  it('says so once the retry passed, while working or in review', () => {
    const retry = [retried, dispatched(12, 'w2', 2), reported(20), dispatched(21, 'r', 2), passed]
    const whileWorking = history(dispatched(3, 'w1', 1), cancelled, ...retry)
    expect(whileWorking?.map((a) => a.cancelled)).toEqual(['cancelled by the user', undefined])
    const inReview = history(dispatched(3, 'w1', 1), reported(5), dispatched(6, 'r', 1), cancelled, ...retry)
    expect(inReview?.[0]).toMatchObject({ report: { summary: 'did a' }, cancelled: 'cancelled by the user' })
  })

  it('leaves an attempt that had ended alone (sent back to the queue before the cancel)', () => {
    const requeued: JournalEntry = { at: 8, type: 'todo.requeued', todoId: 'a', reason: 'review failed' }
    const list = history(dispatched(3, 'w1', 1), requeued, cancelled)
    expect(list?.[0]?.cancelled).toBeUndefined()
    expect(list?.[0]?.requeued).toBe('review failed')
  })
})

describe('the history report', () => {
  it('says the attempt was cancelled', () => {
    const snap = replay([
      started,
      plan,
      session('w1', 'worker'),
      dispatched(3, 'w1', 1),
      cancelled,
      retried,
      session('w2', 'worker'),
      dispatched(12, 'w2', 2),
      reported(20),
    ])
    expect(missionReport('m', snap)).toContain('- 1 (worker `w1`): no report · cancelled by the user')
  })
})
