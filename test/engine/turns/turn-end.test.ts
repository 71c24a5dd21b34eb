import { describe, expect, it } from 'vitest'
import type { HostError } from '../../../src/engine/ports'
import { TOOL_PLAN, TOOL_REPORT, TOOL_VERDICT } from '../../../src/engine/protocol/mission-protocol'
import { NO_PLAN_CALL } from '../../../src/engine/protocol/prompts'
import {
  addRefusal,
  briefed,
  continueTurn,
  cut,
  deliver,
  fail,
  markCompacted,
  openTurn,
  setPlanErrors,
  setResult,
  type Turn,
  type TurnKind,
} from '../../../src/engine/sessions/turn'
import { decideTurnEnd, type TurnEndFacts, type TurnEndVerdict } from '../../../src/engine/turns/turn-end'

const RATE_LIMITED: HostError = {
  name: 'APIError',
  message: 'Too Many Requests',
  statusCode: 429,
  retryable: true,
}
const BAD_KEY: HostError = { name: 'ProviderAuthError', message: 'invalid api key', retryable: false }
const ABORTED: HostError = {
  name: 'MessageAbortedError',
  message: 'The operation was aborted',
  retryable: false,
}
const LOOP = '3 identical calls of read in a row'

const open = (kind: TurnKind): Turn => openTurn(kind, kind === 'plan' ? undefined : 'a')
const withBrief = (t: Turn) => briefed(t, `brief of the ${t.kind} turn`)
const compacted = (t: Turn) => (markCompacted(t), t)
const cutTurn = (t: Turn, reason = LOOP) => (cut(t, reason), t)
const failed = (t: Turn, error: HostError) => (fail(t, error), t)
const nudged = (t: Turn) => continueTurn(t, 'nudge')
const refused = (t: Turn, line: string) => (addRefusal(t, line), t)
const planErrors = (t: Turn, errors: string[]) => (setPlanErrors(t, errors), t)
function delivered(t: Turn): Turn {
  if (t.kind === 'plan') setResult(t, { plan: { todos: [] } })
  else if (t.kind === 'work')
    setResult(t, { report: { todoId: 'a', status: 'done', summary: 'did it', filesChanged: [] } })
  else setResult(t, { verdict: { todoId: 'a', verdict: 'pass', findings: [] } })
  deliver(t)
  return t
}

const facts = (over: Partial<TurnEndFacts> = {}): TurnEndFacts => ({
  cancelled: false,
  steering: false,
  repeating: false,
  ...over,
})

const ROLE = { plan: 'planner', work: 'worker', review: 'reviewer' } as const
const repeated = (kind: TurnKind) => `the ${ROLE[kind]} repeated the same output 3 turns running`
const TOOL = { plan: TOOL_PLAN, work: TOOL_REPORT, review: TOOL_VERDICT } as const

type Row = [name: string, turn: Turn, facts: TurnEndFacts, verdict: TurnEndVerdict]
const KINDS: TurnKind[] = ['plan', 'work', 'review']
const each = (make: (kind: TurnKind) => Row) => KINDS.map(make)

const rows: Row[] = [
  // The user's cancel wins over everything.
  ...each((k): Row => [
    `${k}: cancelled, delivered, steered and repeating: retire-cancelled`,
    delivered(open(k)),
    facts({ cancelled: true, steering: true, repeating: true }),
    { do: 'retire-cancelled' },
  ]),
  ...each((k): Row => [
    `${k}: cancelled over a rebrief`,
    compacted(withBrief(open(k))),
    facts({ cancelled: true }),
    { do: 'retire-cancelled' },
  ]),
  [
    'work: cancelled over a failure',
    failed(open('work'), BAD_KEY),
    facts({ cancelled: true }),
    { do: 'retire-cancelled' },
  ],

  // A compaction ate the brief of an open turn: the brief again, once.
  ...each((k): Row => [
    `${k}: compacted with a brief: rebrief`,
    compacted(withBrief(open(k))),
    facts(),
    { do: 'rebrief' },
  ]),
  [
    "work: rebrief over the user's queued message and a loop",
    compacted(withBrief(open('work'))),
    facts({ steering: true, repeating: true }),
    { do: 'rebrief' },
  ],
  [
    'work: compacted without a brief: nudge',
    compacted(open('work')),
    facts(),
    { do: 'nudge', tool: TOOL_REPORT },
  ],
  [
    'work: compacted again after its rebrief: nudge',
    compacted(continueTurn(compacted(withBrief(open('work'))), 'rebrief')),
    facts(),
    { do: 'nudge', tool: TOOL_REPORT },
  ],
  [
    'plan: compacted again after its rebrief: plan-rejected',
    compacted(continueTurn(compacted(withBrief(open('plan'))), 'rebrief')),
    facts(),
    { do: 'plan-rejected', reasons: [NO_PLAN_CALL] },
  ],
  [
    'work: compacted, then delivered: done',
    delivered(compacted(withBrief(open('work')))),
    facts(),
    { do: 'done' },
  ],
  [
    'work: compacted, then cut: attempt-failed',
    cutTurn(compacted(withBrief(open('work')))),
    facts(),
    { do: 'attempt-failed', reason: `no report: ${LOOP}`, retire: true },
  ],
  [
    'work: compacted, then failed: attempt-failed',
    failed(compacted(withBrief(open('work'))), RATE_LIMITED),
    facts(),
    { do: 'attempt-failed', reason: 'APIError: Too Many Requests', error: RATE_LIMITED },
  ],

  // The user's queued message goes out as the next prompt of an open turn.
  ...each((k): Row => [
    `${k}: open with steering: steer`,
    open(k),
    facts({ steering: true }),
    { do: 'steer', tool: TOOL[k] },
  ]),
  [
    'work: nudged already, steering: steer',
    nudged(open('work')),
    facts({ steering: true }),
    { do: 'steer', tool: TOOL_REPORT },
  ],
  [
    'work: steering over a loop',
    open('work'),
    facts({ steering: true, repeating: true }),
    { do: 'steer', tool: TOOL_REPORT },
  ],
  [
    'work: delivered with steering: done, the steering dropped',
    delivered(open('work')),
    facts({ steering: true }),
    { do: 'done', dropSteering: 'the agent delivered its result first' },
  ],
  [
    'plan: delivered with steering: done, the steering dropped',
    delivered(open('plan')),
    facts({ steering: true }),
    { do: 'done', dropSteering: 'the agent delivered its result first' },
  ],
  [
    'work: failed with steering: attempt-failed, the steering dropped',
    failed(open('work'), RATE_LIMITED),
    facts({ steering: true }),
    {
      do: 'attempt-failed',
      reason: 'APIError: Too Many Requests',
      error: RATE_LIMITED,
      dropSteering: 'its turn failed',
    },
  ],
  [
    'plan: failed (retryable) with steering: plan-rejected, the steering dropped',
    failed(open('plan'), RATE_LIMITED),
    facts({ steering: true }),
    { do: 'plan-rejected', reasons: ['APIError: Too Many Requests'], dropSteering: 'its turn failed' },
  ],
  // A cut turn can no longer deliver (deliver() needs an open turn): a steer would prompt the looping
  // agent for nothing, so its attempt fails now and the message is dropped.
  [
    'work: cut with steering: attempt-failed, retired, the steering dropped',
    cutTurn(open('work')),
    facts({ steering: true }),
    { do: 'attempt-failed', reason: `no report: ${LOOP}`, retire: true, dropSteering: 'its turn failed' },
  ],
  [
    'plan: cut with steering: plan-rejected, retired, the steering dropped',
    cutTurn(open('plan')),
    facts({ steering: true }),
    { do: 'plan-rejected', reasons: [LOOP], retire: true, dropSteering: 'its turn failed' },
  ],

  // A looping session fails its attempt and takes no other work.
  ...(['work', 'review'] as const).map((k): Row => [
    `${k}: repeating: attempt-failed, retired`,
    open(k),
    facts({ repeating: true }),
    { do: 'attempt-failed', reason: repeated(k), retire: true },
  ]),
  [
    'work: repeating after its nudge: attempt-failed with the repeat',
    nudged(open('work')),
    facts({ repeating: true }),
    { do: 'attempt-failed', reason: repeated('work'), retire: true },
  ],
  [
    'work: repeating and cut: the repeat is the reason',
    cutTurn(open('work')),
    facts({ repeating: true }),
    { do: 'attempt-failed', reason: repeated('work'), retire: true },
  ],
  [
    'work: repeating and failed: the repeat is the reason (no provider error passed on)',
    failed(open('work'), RATE_LIMITED),
    facts({ repeating: true }),
    { do: 'attempt-failed', reason: repeated('work'), retire: true },
  ],
  [
    'work: repeating but delivered: done',
    delivered(open('work')),
    facts({ repeating: true }),
    { do: 'done' },
  ],
  [
    'plan: repeating: plan-rejected with the repeat, retired',
    open('plan'),
    facts({ repeating: true }),
    { do: 'plan-rejected', reasons: [repeated('plan')], retire: true },
  ],
  [
    'plan: repeating with plan errors: the repeat is the reason',
    planErrors(open('plan'), ['todos[0].id is missing']),
    facts({ repeating: true }),
    { do: 'plan-rejected', reasons: [repeated('plan')], retire: true },
  ],
  [
    'plan: repeating with a permanent error: plan-rejected, final with the error',
    failed(open('plan'), BAD_KEY),
    facts({ repeating: true }),
    {
      do: 'plan-rejected',
      reasons: [repeated('plan')],
      final: 'planner: invalid api key',
      retire: true,
    },
  ],

  // Delivered: the session is free (a delivered turn cannot be cut afterwards).
  ...each((k): Row => [`${k}: delivered: done`, delivered(open(k)), facts(), { do: 'done' }]),
  ...each((k): Row => [
    `${k}: delivered, then cut: done, not retired`,
    cutTurn(delivered(open(k))),
    facts(),
    { do: 'done' },
  ]),
  ...each((k): Row => [
    `${k}: delivered, then failed: done`,
    failed(delivered(open(k)), BAD_KEY),
    facts(),
    { do: 'done' },
  ]),

  // One nudge for an open work or review turn.
  ...(['work', 'review'] as const).map((k): Row => [
    `${k}: open: nudge`,
    open(k),
    facts(),
    { do: 'nudge', tool: TOOL[k] },
  ]),
  [
    'work: nudged: attempt-failed',
    nudged(open('work')),
    facts(),
    { do: 'attempt-failed', reason: 'no report' },
  ],
  [
    'review: nudged: attempt-failed',
    nudged(open('review')),
    facts(),
    { do: 'attempt-failed', reason: 'the reviewer gave no verdict' },
  ],
  [
    'work: opened as nudged (recovered): attempt-failed',
    openTurn('work', 'a', { nudged: true }),
    facts(),
    { do: 'attempt-failed', reason: 'no report' },
  ],
  [
    'work: nudged, its last call refused: attempt-failed naming it',
    refused(nudged(open('work')), 'orchestrator_report: todoId is missing'),
    facts(),
    {
      do: 'attempt-failed',
      reason: 'no report: its last tool call was refused: orchestrator_report: todoId is missing',
    },
  ],

  // Failed and cut work and review turns: no nudge, the attempt fails.
  [
    'work: failed (429): attempt-failed with the error',
    failed(open('work'), RATE_LIMITED),
    facts(),
    { do: 'attempt-failed', reason: 'APIError: Too Many Requests', error: RATE_LIMITED },
  ],
  [
    'review: failed (permanent): attempt-failed with the error',
    failed(open('review'), BAD_KEY),
    facts(),
    { do: 'attempt-failed', reason: 'ProviderAuthError: invalid api key', error: BAD_KEY },
  ],
  [
    'work: failed, then cut: the failure holds',
    cutTurn(failed(open('work'), BAD_KEY)),
    facts(),
    { do: 'attempt-failed', reason: 'ProviderAuthError: invalid api key', error: BAD_KEY },
  ],
  [
    'work: cut: attempt-failed with the cut reason, retired',
    cutTurn(open('work')),
    facts(),
    { do: 'attempt-failed', reason: `no report: ${LOOP}`, retire: true },
  ],
  [
    'review: cut, then failed: the cut holds',
    failed(cutTurn(open('review')), RATE_LIMITED),
    facts(),
    { do: 'attempt-failed', reason: `the reviewer gave no verdict: ${LOOP}`, retire: true },
  ],

  // Plan turns without a plan.
  [
    'plan: open without a plan call: plan-rejected',
    open('plan'),
    facts(),
    { do: 'plan-rejected', reasons: [NO_PLAN_CALL] },
  ],
  [
    'plan: nudged flag makes no difference',
    openTurn('plan', undefined, { nudged: true }),
    facts(),
    { do: 'plan-rejected', reasons: [NO_PLAN_CALL] },
  ],
  [
    'plan: refused plan: plan-rejected with its errors',
    planErrors(open('plan'), ['todos[0].id is missing', 'todos[1] depends on unknown x']),
    facts(),
    { do: 'plan-rejected', reasons: ['todos[0].id is missing', 'todos[1] depends on unknown x'] },
  ],
  [
    'plan: retryable error: plan-rejected with it',
    failed(open('plan'), RATE_LIMITED),
    facts(),
    { do: 'plan-rejected', reasons: ['APIError: Too Many Requests'] },
  ],
  [
    'plan: retryable error after refused plans: the plan errors',
    failed(planErrors(open('plan'), ['todos is empty']), RATE_LIMITED),
    facts(),
    { do: 'plan-rejected', reasons: ['todos is empty'] },
  ],
  [
    'plan: non-retryable error: plan-rejected, final',
    failed(open('plan'), BAD_KEY),
    facts(),
    {
      do: 'plan-rejected',
      reasons: ['ProviderAuthError: invalid api key'],
      final: 'planner: invalid api key',
    },
  ],
  [
    'plan: aborted: plan-rejected, final',
    failed(open('plan'), ABORTED),
    facts(),
    {
      do: 'plan-rejected',
      reasons: ['MessageAbortedError: The operation was aborted'],
      final: 'planner: The operation was aborted',
    },
  ],
  [
    'plan: cut: plan-rejected with the cut reason, retired',
    cutTurn(open('plan')),
    facts(),
    { do: 'plan-rejected', reasons: [LOOP], retire: true },
  ],
]

describe('decideTurnEnd', () => {
  it.each(rows)('%s', (_name, turn, turnFacts, expected) => {
    expect(decideTurnEnd(turn, turnFacts, ROLE[turn.kind])).toEqual(expected)
  })
})
