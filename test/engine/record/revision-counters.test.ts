import { describe, expect, it } from 'vitest'
import type { JournalEntry, MissionSnapshot } from '../../../src/engine/record/entries'
import { replay } from '../../../src/engine/record/replay'

type Entry = JournalEntry
const todo = (id: string, dependsOn: string[] = []) => ({
  id,
  title: id,
  description: `do ${id}`,
  files: [],
  dependsOn,
  acceptance: [],
})
const started: Entry = { at: 0, type: 'mission.started', version: 2, goal: 'g', options: {} }
const plan = (at: number, iteration: number, ids = ['a', 'b']): Entry => ({
  at,
  type: 'plan.accepted',
  iteration,
  todos: ids.map((id) => todo(id)),
})
const workerSession: Entry = { at: 1, type: 'session.created', sessionId: 'w1', role: 'worker', todoId: 'a' }
const dispatched = (at: number, attempt: number, todoId = 'a'): Entry => ({
  at,
  type: 'todo.dispatched',
  todoId,
  sessionId: 'w1',
  attempt,
})
const verdict = (at: number, v: 'pass' | 'fail', todoId = 'a'): Entry => ({
  at,
  type: 'todo.verdict',
  todoId,
  verdict: v,
  findings: [],
})
const waiting = (at: number, delayMs: number): Entry => ({
  at,
  type: 'todo.waiting',
  todoId: 'a',
  reason: 'APIError: Too Many Requests',
  delayMs,
})
const unreviewed = (at: number): Entry => ({ at, type: 'todo.unreviewed', todoId: 'a', reason: 'no verdict' })
const base = [started, workerSession, plan(2, 1)]
const run = (...entries: Entry[]) => replay([...base, ...entries])

/** What a row checks of the replayed snapshot. */
type Pick = (s: MissionSnapshot) => unknown
type Row = [name: string, entries: Entry[], pick: Pick, expected: unknown]

const a = (s: MissionSnapshot) => s.todos.a
const counters = (s: MissionSnapshot) => ({
  planRejections: s.planRejections,
  passedAtIteration: s.passedAtIteration,
  roundsWithoutProgress: s.roundsWithoutProgress,
})

const rows: Row[] = [
  // Refused plans count until a plan is accepted.
  ['a fresh mission', [], counters, { planRejections: 0, passedAtIteration: 0, roundsWithoutProgress: 0 }],
  [
    'two refused plans count',
    [
      { at: 3, type: 'plan.rejected', reasons: ['x'] },
      { at: 4, type: 'plan.rejected', reasons: ['y', 'z'] },
    ],
    (s) => s.planRejections,
    2,
  ],
  [
    'an accepted plan resets the refusals',
    [{ at: 3, type: 'plan.rejected', reasons: ['x'] }, plan(4, 2)],
    (s) => s.planRejections,
    0,
  ],
  [
    'a refusal after an accepted plan counts from zero',
    [
      { at: 3, type: 'plan.rejected', reasons: ['x'] },
      plan(4, 2),
      { at: 5, type: 'plan.rejected', reasons: ['y'] },
    ],
    (s) => s.planRejections,
    1,
  ],

  [
    'the latest refusal is kept, with its final reason',
    [
      { at: 3, type: 'plan.rejected', reasons: ['x'] },
      { at: 4, type: 'plan.rejected', reasons: ['y'], final: 'planner: invalid api key' },
    ],
    (s) => s.planRejected,
    { reasons: ['y'], final: 'planner: invalid api key' },
  ],
  [
    'an accepted plan clears the latest refusal',
    [{ at: 3, type: 'plan.rejected', reasons: ['x'] }, plan(4, 2)],
    (s) => s.planRejected,
    undefined,
  ],

  // Provider waits.
  [
    'todo.waiting: waiting, counted, until at + delayMs',
    [dispatched(3, 1), waiting(10, 5_000)],
    (s) => ({
      status: a(s)?.status,
      waits: a(s)?.revision.waits,
      waitReason: a(s)?.waitReason,
      waitUntil: a(s)?.waitUntil,
    }),
    { status: 'waiting', waits: 1, waitReason: 'APIError: Too Many Requests', waitUntil: 5_010 },
  ],
  [
    'todo.requeued clears the wait and keeps the count',
    [
      dispatched(3, 1),
      waiting(10, 5_000),
      { at: 5_010, type: 'todo.requeued', todoId: 'a', reason: 'waited' },
    ],
    (s) => ({
      status: a(s)?.status,
      waits: a(s)?.revision.waits,
      waitReason: a(s)?.waitReason,
      waitUntil: a(s)?.waitUntil,
    }),
    { status: 'pending', waits: 1, waitReason: undefined, waitUntil: undefined },
  ],
  [
    'waits add up across attempts of one revision',
    [dispatched(3, 1), waiting(10, 100), dispatched(200, 2), waiting(300, 100)],
    (s) => [a(s)?.revision.waits, a(s)?.waitUntil],
    [2, 400],
  ],
  [
    'a cancel clears the wait',
    [dispatched(3, 1), waiting(10, 100), { at: 20, type: 'todo.cancelled', todoId: 'a', reason: 'no' }],
    (s) => [a(s)?.status, a(s)?.waitUntil, a(s)?.waitReason],
    ['cancelled', undefined, undefined],
  ],
  [
    'a cancelled todo ignores a wait',
    [{ at: 3, type: 'todo.cancelled', todoId: 'a', reason: 'no' }, waiting(10, 100)],
    (s) => [a(s)?.status, a(s)?.revision.waits, a(s)?.waitUntil],
    ['cancelled', 0, undefined],
  ],

  // Reviews without a verdict.
  [
    'todo.unreviewed: back to reported, counted',
    [dispatched(3, 1), unreviewed(4), unreviewed(5)],
    (s) => [a(s)?.status, a(s)?.revision.unreviewed],
    ['reported', 2],
  ],
  [
    'a pass resets the count',
    [dispatched(3, 1), unreviewed(4), verdict(5, 'pass')],
    (s) => [a(s)?.status, a(s)?.revision.unreviewed],
    ['passed', 0],
  ],
  [
    'a fail resets the count',
    [dispatched(3, 1), unreviewed(4), unreviewed(5), verdict(6, 'fail')],
    (s) => [a(s)?.status, a(s)?.revision.unreviewed],
    ['failed', 0],
  ],

  // A new revision: the user's retry, or a plan that reopens the todo.
  [
    'todo.retried: a fresh revision from the attempts so far',
    [
      dispatched(3, 1),
      waiting(4, 10),
      dispatched(20, 2),
      unreviewed(21),
      { at: 22, type: 'todo.failed', todoId: 'a', reason: 'no report (2 attempts)' },
      { at: 23, type: 'todo.retried', todoId: 'a' },
    ],
    (s) => ({
      status: a(s)?.status,
      attempts: a(s)?.attempts,
      revision: a(s)?.revision,
      failReason: a(s)?.failReason,
    }),
    {
      status: 'pending',
      attempts: 2,
      revision: { attemptsBefore: 2, waits: 0, unreviewed: 0 },
      failReason: undefined,
    },
  ],
  [
    'todo.retried of a running todo changes nothing',
    [dispatched(3, 1), waiting(4, 10), { at: 5, type: 'todo.retried', todoId: 'a' }],
    (s) => [a(s)?.status, a(s)?.revision],
    ['waiting', { attemptsBefore: 0, waits: 1, unreviewed: 0 }],
  ],
  [
    'a plan that reopens the todo gives a fresh revision',
    [dispatched(3, 1), dispatched(4, 2), waiting(5, 10), plan(6, 2, ['a'])],
    (s) => [a(s)?.status, a(s)?.revision],
    ['pending', { attemptsBefore: 2, waits: 0, unreviewed: 0 }],
  ],

  // Failed reviews, which the rejection policy reads: kept across re-plans, reset by the user's retry.
  [
    'failed reviews count, passed ones do not',
    [
      dispatched(3, 1),
      verdict(4, 'fail'),
      dispatched(5, 2),
      verdict(6, 'fail'),
      dispatched(7, 3),
      verdict(8, 'pass'),
    ],
    (s) => a(s)?.rejections,
    2,
  ],
  [
    'a plan that reopens the todo keeps its failed reviews',
    [dispatched(3, 1), verdict(4, 'fail'), plan(5, 2, ['a']), dispatched(6, 2), verdict(7, 'fail')],
    (s) => a(s)?.rejections,
    2,
  ],
  [
    "the user's retry starts the count again",
    [
      dispatched(3, 1),
      verdict(4, 'fail'),
      { at: 5, type: 'todo.cancelled', todoId: 'a', reason: 'by policy', by: 'policy' },
      { at: 6, type: 'todo.retried', todoId: 'a' },
    ],
    (s) => [a(s)?.status, a(s)?.rejections, a(s)?.cancelledBy],
    ['pending', 0, undefined],
  ],
  [
    'a cancel by policy is journaled as such',
    [
      dispatched(3, 1),
      verdict(4, 'fail'),
      { at: 5, type: 'todo.cancelled', todoId: 'a', reason: 'x', by: 'policy' },
    ],
    (s) => [a(s)?.status, a(s)?.cancelledBy, a(s)?.cancelReason],
    ['cancelled', 'policy', 'x'],
  ],

  // Rounds without progress, counted when the next plan is accepted.
  [
    'the first plan: passed 0, no round counted',
    [],
    counters,
    { planRejections: 0, passedAtIteration: 0, roundsWithoutProgress: 0 },
  ],
  [
    'a round in which a todo newly passed: 0',
    [dispatched(3, 1), verdict(4, 'pass'), plan(5, 2, ['b'])],
    counters,
    { planRejections: 0, passedAtIteration: 1, roundsWithoutProgress: 0 },
  ],
  [
    'a round without a new pass: +1',
    [dispatched(3, 1), verdict(4, 'fail'), plan(5, 2, ['a', 'b'])],
    counters,
    { planRejections: 0, passedAtIteration: 0, roundsWithoutProgress: 1 },
  ],
  [
    'two rounds without a new pass: 2',
    [plan(5, 2), plan(6, 3)],
    counters,
    { planRejections: 0, passedAtIteration: 0, roundsWithoutProgress: 2 },
  ],
  [
    'a pass before the plan is not progress of the next round',
    [dispatched(3, 1), verdict(4, 'pass'), plan(5, 2, ['b']), plan(6, 3, ['b'])],
    counters,
    { planRejections: 0, passedAtIteration: 1, roundsWithoutProgress: 1 },
  ],
  [
    'progress after stale rounds resets the count',
    [plan(5, 2), plan(6, 3), dispatched(7, 1), verdict(8, 'pass'), plan(9, 4, ['b'])],
    counters,
    { planRejections: 0, passedAtIteration: 1, roundsWithoutProgress: 0 },
  ],
  [
    'a reopened passed todo no longer counts as passed',
    [dispatched(3, 1), verdict(4, 'pass'), plan(5, 2, ['a'])],
    counters,
    { planRejections: 0, passedAtIteration: 0, roundsWithoutProgress: 0 },
  ],

  // Who cancelled.
  [
    'todo.cancelled without `by`: the user',
    [{ at: 3, type: 'todo.cancelled', todoId: 'a', reason: 'not needed' }],
    (s) => [a(s)?.status, a(s)?.cancelledBy, a(s)?.cancelReason],
    ['cancelled', 'user', 'not needed'],
  ],
  [
    'todo.cancelled by a policy',
    [{ at: 3, type: 'todo.cancelled', todoId: 'a', reason: 'budget', by: 'policy' }],
    (s) => [a(s)?.cancelledBy, a(s)?.cancelReason],
    ['policy', 'budget'],
  ],
  [
    'a retry forgets who cancelled',
    [
      { at: 3, type: 'todo.cancelled', todoId: 'a', reason: 'x', by: 'policy' },
      { at: 4, type: 'todo.retried', todoId: 'a' },
    ],
    (s) => [a(s)?.status, a(s)?.cancelledBy, a(s)?.cancelReason, a(s)?.retries],
    ['pending', undefined, undefined, 1],
  ],

  // Model calls.
  [
    'usage calls sum into modelCalls; usage without calls adds none',
    [
      { at: 3, type: 'usage', sessionId: 'w1', role: 'worker', tokens: 10, cost: 0.1, calls: 2 },
      { at: 4, type: 'usage', sessionId: 'p1', role: 'planner', tokens: 5, cost: 0, calls: 3 },
      { at: 5, type: 'usage', sessionId: 'w1', role: 'worker', tokens: 1, cost: 0 },
    ],
    (s) => [s.modelCalls, s.tokens],
    [5, 16],
  ],
]

describe('the reducer: revision counters', () => {
  it.each(rows)('%s', (_name, entries, pick, expected) => {
    expect(pick(run(...entries))).toEqual(expected)
  })
})

describe('a version 1 journal', () => {
  // No waits, unreviewed, rejected plans, `by` or `calls`: a provider wait was a blocked report.
  const v1: Entry[] = [
    { at: 0, type: 'mission.started', version: 1, goal: 'old', options: { maxAttempts: 3 } },
    { at: 1, type: 'session.created', sessionId: 'w1', role: 'worker', todoId: 'a' },
    { at: 2, type: 'plan.accepted', iteration: 1, todos: [todo('a'), todo('b', ['a'])] },
    { at: 3, type: 'todo.dispatched', todoId: 'a', sessionId: 'w1', attempt: 1 },
    {
      at: 4,
      type: 'todo.reported',
      todoId: 'a',
      status: 'blocked',
      summary: 'waiting for the provider',
      filesChanged: [],
    },
    { at: 5, type: 'usage', sessionId: 'w1', role: 'worker', tokens: 100, cost: 0.5 },
    { at: 6, type: 'todo.cancelled', todoId: 'b', reason: 'not needed' },
  ]

  const rowsV1: [name: string, pick: Pick, expected: unknown][] = [
    [
      'the blocked todo stays blocked with its summary',
      (s) => [s.todos.a?.status, s.todos.a?.summary],
      ['blocked', 'waiting for the provider'],
    ],
    [
      'its revision starts from zero',
      (s) => s.todos.a?.revision,
      { attemptsBefore: 0, waits: 0, unreviewed: 0 },
    ],
    ['no wait is recorded', (s) => [s.todos.a?.waitUntil, s.todos.a?.waitReason], [undefined, undefined]],
    ["the cancel is the user's", (s) => s.todos.b?.cancelledBy, 'user'],
    [
      'no model calls counted; tokens and cost as journaled',
      (s) => [s.modelCalls, s.tokens, s.cost],
      [0, 100, 0.5],
    ],
    ['counters from zero', counters, { planRejections: 0, passedAtIteration: 0, roundsWithoutProgress: 0 }],
    [
      'still running, in iteration 1',
      (s) => [s.status, s.iteration, s.todoOrder],
      ['running', 1, ['a', 'b']],
    ],
  ]

  it.each(rowsV1)('%s', (_name, pick, expected) => {
    expect(pick(replay(v1))).toEqual(expected)
  })
})
