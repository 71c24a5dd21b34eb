import { describe, expect, it } from 'vitest'
import { nextStep, roundSpent, type Limits, type Step, type StepFacts } from '../../../src/engine/loop/step'
import type {
  EvidenceRecord,
  MissionSnapshot,
  TodoRecord,
  TodoStatus,
} from '../../../src/engine/record/entries'
import { emptySnapshot } from '../../../src/engine/record/replay'
import { todoRecord } from '../../fixtures/todo-record'

const todo = (id: string, status: TodoStatus, extra: Partial<TodoRecord> = {}): TodoRecord =>
  todoRecord(id, status, { attempts: 1, ...extra })

const snap = (todos: TodoRecord[], over: Partial<MissionSnapshot> = {}): MissionSnapshot => ({
  ...emptySnapshot(),
  status: 'running',
  iteration: 1,
  todoOrder: todos.map((t) => t.id),
  todos: Object.fromEntries(todos.map((t) => [t.id, t])),
  ...over,
})

const NO_USAGE = { tokens: 0, costUsd: 0, elapsedMs: 0 }
/** 120 tokens against the limit of 100. */
const tokensSpent = { tokens: 120, costUsd: 0, elapsedMs: 0 }

const facts = (over: Partial<StepFacts> = {}): StepFacts => ({
  phase: 'working',
  ready: true,
  busy: false,
  startable: false,
  dispatching: false,
  waiting: false,
  planning: false,
  plannerWords: '',
  check: { command: 'npm test', run: 'none' },
  usage: NO_USAGE,
  ...over,
})

const lim = (over: Partial<Limits> = {}): Limits => ({
  maxIterations: 5,
  maxTokens: 100,
  maxCostUsd: Infinity,
  maxWallMs: Infinity,
  stagnationRounds: 3,
  maxPlanAttempts: 3,
  ...over,
})
const limits = lim()

const evidence = (iteration: number, exitCode: number | null, outputTail: string, command = 'npm test') =>
  ({
    iteration,
    at: iteration * 1000,
    command,
    exitCode,
    durationMs: 10,
    outputTail,
  }) satisfies EvidenceRecord

const baseline = (exitCode: number | null, outputTail: string, command = 'npm test') => ({
  command,
  source: 'package.json scripts.test',
  exitCode,
  durationMs: 10,
  outputTail,
  classification: exitCode === 0 ? ('passes' as const) : ('fails' as const),
  at: 0,
})

const FAIL_1 = 'not ok 1 - greets\n# fail 1'
const FAIL_2 = 'not ok 2 - farewell\n# fail 1'
const allPassed = [todo('a', 'passed'), todo('b', 'passed')]
const checked = (run: 'none' | 'running' | 'done', command: string | null = 'npm test') =>
  facts({ phase: 'checking', check: { command, run } })
const ITERATIONS_SPENT = 'budget exhausted (iterations): iteration budget spent: 5 iterations'

type Row = [name: string, snapshot: MissionSnapshot, facts: StepFacts, limits: Limits, step: Step]

describe('nextStep', () => {
  const rows: Row[] = [
    // Ended phases never move, whatever else holds.
    ...(['completed', 'failed', 'stopped'] as const).map((phase): Row => [
      `${phase}: wait, even with a spent budget and startable work`,
      snap([todo('a', 'pending')]),
      facts({ phase, usage: tokensSpent, startable: true }),
      limits,
      { do: 'wait' },
    ]),
    // A spent budget ends a running mission in any phase.
    ...(['starting', 'planning', 'working', 'checking'] as const).map((phase): Row => [
      `${phase} with a spent budget: end failed`,
      snap([todo('a', 'pending')]),
      facts({ phase, usage: tokensSpent, startable: true }),
      limits,
      {
        do: 'end',
        status: 'failed',
        reason: 'budget exhausted (tokens): token budget spent: 120 of 100 tokens',
      },
    ]),
    ['planning: wait', snap([]), facts({ phase: 'planning', startable: true }), limits, { do: 'wait' }],
    ['starting: wait', snap([]), facts({ phase: 'starting', startable: true }), limits, { do: 'wait' }],

    // The planner's turn ended without a plan: it plans again within its attempts, or the mission ends.
    [
      'planning, a plan refused: plan again, told why',
      snap([], { planRejections: 1, planRejected: { reasons: ['todos is empty'] } }),
      facts({ phase: 'planning' }),
      limits,
      { do: 'plan-again', reasons: ['todos is empty'] },
    ],
    [
      'planning, a plan refused while the next prompt goes out: wait',
      snap([], { planRejections: 1, planRejected: { reasons: ['todos is empty'] } }),
      facts({ phase: 'planning', planning: true }),
      limits,
      { do: 'wait' },
    ],
    [
      'planning, one attempt short of the bound: plan again',
      snap([], { planRejections: 2, planRejected: { reasons: ['a', 'b'] } }),
      facts({ phase: 'planning' }),
      limits,
      { do: 'plan-again', reasons: ['a', 'b'] },
    ],
    [
      "planning, the attempts spent: end failed with the reasons and the planner's words",
      snap([], { planRejections: 3, planRejected: { reasons: ['a', 'b'] } }),
      facts({ phase: 'planning', plannerWords: '; the planner\'s last words: "no"' }),
      limits,
      {
        do: 'end',
        status: 'failed',
        reason: 'no valid plan after 3 attempts: a; b; the planner\'s last words: "no"',
      },
    ],
    [
      'planning, a final refusal: end at once, even while the planner still runs',
      snap([], {
        planRejections: 1,
        planRejected: { reasons: ['x'], final: 'the planner cannot plan: no repository' },
      }),
      facts({ phase: 'planning', planning: true, busy: true }),
      limits,
      { do: 'end', status: 'failed', reason: 'the planner cannot plan: no repository' },
    ],
    [
      'planning, a spent budget wins over a plan again',
      snap([], { planRejections: 1, planRejected: { reasons: ['a'] } }),
      facts({ phase: 'planning', usage: tokensSpent }),
      limits,
      {
        do: 'end',
        status: 'failed',
        reason: 'budget exhausted (tokens): token budget spent: 120 of 100 tokens',
      },
    ],
    [
      'not ready (paused): wait even with startable work',
      snap([todo('a', 'pending', { attempts: 0 })]),
      facts({ ready: false, startable: true }),
      limits,
      { do: 'wait' },
    ],
    [
      'not ready with every todo passed: wait (the check does not start either)',
      snap(allPassed),
      facts({ ready: false }),
      limits,
      { do: 'wait' },
    ],
    [
      'startable work: dispatch',
      snap([todo('a', 'pending', { attempts: 0 })]),
      facts({ startable: true }),
      limits,
      { do: 'dispatch' },
    ],
    [
      'startable work even with the round budget spent: dispatch (the round is not over)',
      snap([todo('a', 'failed'), todo('b', 'pending', { attempts: 0 })], { iteration: 5 }),
      facts({ startable: true }),
      limits,
      { do: 'dispatch' },
    ],
    ['every todo passed: check', snap(allPassed), facts(), limits, { do: 'check' }],
    [
      'every todo passed while agents write their closing words: check',
      snap(allPassed),
      facts({ busy: true, dispatching: true }),
      limits,
      { do: 'check' },
    ],
    [
      'busy: wait',
      snap([todo('a', 'passed'), todo('b', 'failed')]),
      facts({ busy: true }),
      limits,
      { do: 'wait' },
    ],
    [
      'dispatching: wait',
      snap([todo('a', 'passed'), todo('b', 'failed')]),
      facts({ dispatching: true }),
      limits,
      { do: 'wait' },
    ],
    [
      'a provider backoff pending: wait',
      snap([todo('a', 'passed'), todo('b', 'failed')]),
      facts({ waiting: true }),
      limits,
      { do: 'wait' },
    ],
    ...(['running', 'reported', 'reviewing', 'waiting'] as const).map((status): Row => [
      `a todo ${status} (in flight): wait`,
      snap([todo('a', 'failed'), todo('b', status)]),
      facts(),
      limits,
      { do: 'wait' },
    ]),
    [
      'a pending todo that can still start (its dependency is running): wait',
      snap([todo('a', 'running'), todo('b', 'pending', { dependsOn: ['a'] })]),
      facts(),
      limits,
      { do: 'wait' },
    ],
    [
      'only a cancelled todo left: end stopped',
      snap([todo('a', 'passed'), todo('b', 'cancelled')]),
      facts(),
      limits,
      { do: 'end', status: 'stopped', reason: 'cancelled by the user: b' },
    ],
    [
      'a cancelled todo and one waiting on it: end stopped, naming both',
      snap([todo('a', 'cancelled'), todo('b', 'pending', { dependsOn: ['a'], attempts: 0 })]),
      facts(),
      limits,
      { do: 'end', status: 'stopped', reason: 'cancelled by the user: a; b waited on it' },
    ],
    [
      'two cancelled todos and two waiting on them',
      snap([
        todo('a', 'cancelled'),
        todo('b', 'cancelled'),
        todo('c', 'pending', { dependsOn: ['a'] }),
        todo('d', 'ready', { dependsOn: ['c'] }),
      ]),
      facts(),
      limits,
      { do: 'end', status: 'stopped', reason: 'cancelled by the user: a, b; c, d waited on them' },
    ],
    [
      'a todo cancelled by policy and one waiting on it: end failed, with the policy reason',
      snap([
        todo('a', 'passed'),
        todo('b', 'cancelled', {
          cancelledBy: 'policy',
          cancelReason: 'cancelled by policy after 3 failed reviews: review failed: no tests',
        }),
        todo('c', 'pending', { dependsOn: ['b'], attempts: 0 }),
      ]),
      facts(),
      limits,
      {
        do: 'end',
        status: 'failed',
        reason: 'b cancelled by policy after 3 failed reviews: review failed: no tests; c waited on it',
      },
    ],
    [
      'one cancelled by the user, one by policy: end failed, naming both',
      snap([
        todo('a', 'cancelled', { cancelledBy: 'user' }),
        todo('b', 'cancelled', {
          cancelledBy: 'policy',
          cancelReason: 'cancelled by policy after 2 failed reviews',
        }),
      ]),
      facts(),
      limits,
      {
        do: 'end',
        status: 'failed',
        reason: 'cancelled by the user: a; b cancelled by policy after 2 failed reviews',
      },
    ],
    [
      'cancelled and failed todos: replan the failed ones only',
      snap([todo('a', 'cancelled'), todo('b', 'failed'), todo('c', 'passed')]),
      facts(),
      limits,
      { do: 'replan', failed: ['b'] },
    ],
    [
      'failed todos: replan with their ids',
      snap([todo('a', 'failed'), todo('b', 'passed'), todo('c', 'failed')]),
      facts(),
      limits,
      { do: 'replan', failed: ['a', 'c'] },
    ],
    [
      'a blocked todo (a version 1 journal) counts as failed',
      snap([todo('a', 'blocked', { summary: 'waiting for the provider' }), todo('b', 'passed')]),
      facts(),
      limits,
      { do: 'replan', failed: ['a'] },
    ],
    [
      // A blocked todo never passes, so its dependent can never start: the round must not wait on it.
      'a blocked todo (a version 1 journal) and its dependent: replan the blocked one',
      snap([
        todo('a', 'blocked', { summary: 'waiting for the provider' }),
        todo('b', 'pending', { dependsOn: ['a'] }),
      ]),
      facts(),
      limits,
      { do: 'replan', failed: ['a'] },
    ],
    [
      'a failed todo and its dependent: replan the failed one',
      snap([todo('a', 'failed'), todo('b', 'pending', { dependsOn: ['a'], attempts: 0 })]),
      facts(),
      limits,
      { do: 'replan', failed: ['a'] },
    ],
    [
      'failed todos with the iteration budget spent: end failed, naming each todo',
      snap(
        [
          todo('a', 'failed', { failReason: 'no report (3 attempts)' }),
          todo('b', 'pending', { dependsOn: ['a'], attempts: 0 }),
          todo('c', 'passed'),
          todo('d', 'failed', { findings: ['no tests'] }),
        ],
        { iteration: 5, passedAtIteration: 0 },
      ),
      facts(),
      limits,
      {
        do: 'end',
        status: 'failed',
        reason: `a failed (no report (3 attempts)); b blocked by a; d failed (review failed: no tests) — no re-plan left (${ITERATIONS_SPENT})`,
      },
    ],
    [
      'failed todos, the last iteration not spent yet: replan',
      snap([todo('a', 'failed')], { iteration: 4 }),
      facts(),
      limits,
      { do: 'replan', failed: ['a'] },
    ],
    [
      'stagnation: no new pass since the plan and the last allowed stale round',
      snap([todo('a', 'passed'), todo('b', 'failed', { failReason: 'x' })], {
        iteration: 3,
        passedAtIteration: 1,
        roundsWithoutProgress: 2,
      }),
      facts(),
      limits,
      {
        do: 'end',
        status: 'failed',
        reason:
          'b failed (x) — no re-plan left (budget exhausted (stagnation): no todo passed review in 3 rounds in a row)',
      },
    ],
    [
      'no stagnation when a todo newly passed in the round',
      snap([todo('a', 'passed'), todo('b', 'passed'), todo('c', 'failed')], {
        iteration: 3,
        passedAtIteration: 1,
        roundsWithoutProgress: 2,
      }),
      facts(),
      limits,
      { do: 'replan', failed: ['c'] },
    ],
    [
      'no stagnation one stale round short of the bound',
      snap([todo('a', 'passed'), todo('b', 'failed')], {
        iteration: 3,
        passedAtIteration: 1,
        roundsWithoutProgress: 1,
      }),
      facts(),
      limits,
      { do: 'replan', failed: ['b'] },
    ],
    [
      'a pending todo whose dependency passed: wait for the scheduler, even with the budget spent',
      snap([todo('a', 'passed'), todo('b', 'pending', { dependsOn: ['a'] })], { iteration: 5 }),
      facts({ busy: false }),
      limits,
      { do: 'wait' },
    ],

    // The checking phase.
    ['check running: wait', snap(allPassed), checked('running'), limits, { do: 'wait' }],
    ['check not run yet this round: wait', snap(allPassed), checked('none'), limits, { do: 'wait' }],
    [
      'no check command, not busy: complete',
      snap(allPassed, { evidence: [evidence(1, 1, FAIL_1)] }),
      checked('none', null),
      limits,
      { do: 'end', status: 'completed' },
    ],
    [
      'no check command, busy: wait for the closing calls',
      snap(allPassed),
      facts({ phase: 'checking', busy: true, check: { command: null, run: 'none' } }),
      limits,
      { do: 'wait' },
    ],
    [
      'the last check passed: complete',
      snap(allPassed, { evidence: [evidence(1, 1, FAIL_1), evidence(1, 0, 'ok 1')] }),
      checked('done'),
      limits,
      { do: 'end', status: 'completed' },
    ],
    [
      'the last check passed while busy: wait',
      snap(allPassed, { evidence: [evidence(1, 0, 'ok 1')] }),
      facts({ phase: 'checking', busy: true, check: { command: 'npm test', run: 'done' } }),
      limits,
      { do: 'wait' },
    ],
    [
      'the last check passed with the iteration budget spent: complete',
      snap(allPassed, { iteration: 5, evidence: [evidence(5, 0, 'ok 1')] }),
      checked('done'),
      limits,
      { do: 'end', status: 'completed' },
    ],
    [
      'the check failed: replan with the failure',
      snap(allPassed, { evidence: [evidence(1, 1, FAIL_1)] }),
      checked('done'),
      limits,
      { do: 'replan', failed: [], failure: { command: 'npm test', exitCode: 1, outputTail: FAIL_1 } },
    ],
    [
      'the check timed out: replan with a null exit',
      snap(allPassed, { evidence: [evidence(1, null, 'hung')] }),
      checked('done'),
      limits,
      { do: 'replan', failed: [], failure: { command: 'npm test', exitCode: null, outputTail: 'hung' } },
    ],
    [
      'the check failed otherwise than the round before: replan',
      snap(allPassed, { iteration: 2, evidence: [evidence(1, 1, FAIL_1), evidence(2, 1, FAIL_2)] }),
      checked('done'),
      limits,
      { do: 'replan', failed: [], failure: { command: 'npm test', exitCode: 1, outputTail: FAIL_2 } },
    ],
    [
      'the same failure as the previous round: end failed, no progress',
      snap(allPassed, { iteration: 2, evidence: [evidence(1, 1, FAIL_1), evidence(2, 1, FAIL_1)] }),
      checked('done'),
      limits,
      {
        do: 'end',
        status: 'failed',
        reason:
          'check `npm test` failed (exit 1) with the same failure as the round before: no progress — # fail 1',
      },
    ],
    [
      'the same failure as an earlier run of this round (a resume ran it again): replan',
      snap(allPassed, { iteration: 2, evidence: [evidence(2, 1, FAIL_1), evidence(2, 1, FAIL_1)] }),
      checked('done'),
      limits,
      { do: 'replan', failed: [], failure: { command: 'npm test', exitCode: 1, outputTail: FAIL_1 } },
    ],
    [
      'the same failure as a previous round of another command: replan',
      snap(allPassed, {
        iteration: 2,
        evidence: [evidence(1, 1, FAIL_1, 'npm run lint'), evidence(2, 1, FAIL_1)],
      }),
      checked('done'),
      limits,
      { do: 'replan', failed: [], failure: { command: 'npm test', exitCode: 1, outputTail: FAIL_1 } },
    ],
    [
      'the same failure as the baseline: end failed, no progress',
      snap(allPassed, { baseline: baseline(1, FAIL_1), evidence: [evidence(1, 1, FAIL_1)] }),
      checked('done'),
      limits,
      {
        do: 'end',
        status: 'failed',
        reason:
          'check `npm test` failed (exit 1) with the same failure as before the mission made any change: no progress — # fail 1',
      },
    ],
    [
      'the same failure as the baseline of another command: replan',
      snap(allPassed, { baseline: baseline(1, FAIL_1, 'make test'), evidence: [evidence(1, 1, FAIL_1)] }),
      checked('done'),
      limits,
      { do: 'replan', failed: [], failure: { command: 'npm test', exitCode: 1, outputTail: FAIL_1 } },
    ],
    [
      'a failing check with the iteration budget spent: end failed with the last check',
      snap(allPassed, { iteration: 5, evidence: [evidence(4, 1, FAIL_1), evidence(5, 1, FAIL_2)] }),
      checked('done'),
      limits,
      {
        do: 'end',
        status: 'failed',
        reason: `${ITERATIONS_SPENT}; the last check \`npm test\` failed (exit 1) — # fail 1`,
      },
    ],
    [
      'a failing check with the budget spent, after a passing baseline',
      snap(allPassed, {
        iteration: 5,
        baseline: baseline(0, 'ok'),
        evidence: [evidence(5, 2, 'not ok 3 - new')],
      }),
      checked('done'),
      limits,
      {
        do: 'end',
        status: 'failed',
        reason: `${ITERATIONS_SPENT}; the last check \`npm test\` failed (exit 2) — a failure the base did not have — not ok 3 - new`,
      },
    ],
    [
      'a failing check in a stagnating mission: end failed with the last check',
      snap(allPassed, {
        iteration: 3,
        passedAtIteration: 2,
        roundsWithoutProgress: 2,
        evidence: [evidence(3, 1, FAIL_2)],
      }),
      checked('done'),
      limits,
      {
        do: 'end',
        status: 'failed',
        reason:
          'budget exhausted (stagnation): no todo passed review in 3 rounds in a row; the last check `npm test` failed (exit 1) — # fail 1',
      },
    ],
  ]

  it.each(rows)('%s', (_name, snapshot, stepFacts, roundLimits, expected) => {
    expect(nextStep(snapshot, stepFacts, roundLimits)).toEqual(expected)
  })
})

describe('roundSpent', () => {
  const rows: [
    name: string,
    snapshot: MissionSnapshot,
    limits: Limits,
    spent: ReturnType<typeof roundSpent>,
  ][] = [
    ['a fresh mission', snap([todo('a', 'pending')], { iteration: 0 }), limits, undefined],
    ['the last iteration left', snap([todo('a', 'failed')], { iteration: 4 }), limits, undefined],
    [
      'every iteration spent',
      snap([todo('a', 'failed')], { iteration: 5 }),
      limits,
      { reason: 'iterations', message: 'iteration budget spent: 5 iterations' },
    ],
    [
      'iterations before stagnation',
      snap([todo('a', 'failed')], { iteration: 5, roundsWithoutProgress: 9 }),
      limits,
      { reason: 'iterations', message: 'iteration budget spent: 5 iterations' },
    ],
    [
      'this round stale makes the bound',
      snap([todo('a', 'failed')], { iteration: 2, roundsWithoutProgress: 2 }),
      limits,
      { reason: 'stagnation', message: 'no todo passed review in 3 rounds in a row' },
    ],
    [
      'a bound of one: the first stale round',
      snap([todo('a', 'failed')], { iteration: 1 }),
      lim({ maxIterations: 5, stagnationRounds: 1 }),
      { reason: 'stagnation', message: 'no todo passed review in 1 rounds in a row' },
    ],
    [
      'a newly passed todo resets the count',
      snap([todo('a', 'passed'), todo('b', 'failed')], {
        iteration: 2,
        roundsWithoutProgress: 2,
        passedAtIteration: 0,
      }),
      lim({ maxIterations: 5, stagnationRounds: 1 }),
      undefined,
    ],
    [
      'a todo that passed before the plan is no progress',
      snap([todo('a', 'passed'), todo('b', 'failed')], {
        iteration: 2,
        roundsWithoutProgress: 1,
        passedAtIteration: 1,
      }),
      lim({ maxIterations: 5, stagnationRounds: 2 }),
      { reason: 'stagnation', message: 'no todo passed review in 2 rounds in a row' },
    ],
  ]

  it.each(rows)('%s', (_name, snapshot, roundLimits, expected) => {
    expect(roundSpent(snapshot, { usage: NO_USAGE }, roundLimits)).toEqual(expected)
  })
})
