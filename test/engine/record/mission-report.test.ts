import { describe, expect, it } from 'vitest'
import { diffTarget } from '../../../src/engine/record/diff-target'
import type { JournalEntry } from '../../../src/engine/record/entries'
import { replay } from '../../../src/engine/record/replay'
import { missionReport } from '../../../src/engine/record/mission-report'
import { summarizeMission } from '../../../src/engine/record/mission-summary'
import { initialState } from '../../../src/engine/record/published-state'

const entries: JournalEntry[] = [
  { at: 0, type: 'mission.started', version: 1, goal: 'Greet people', options: {} },
  { at: 1, type: 'mission.base', base: { kind: 'git', ref: 'deadbeefcafe1234', untracked: [] } },
  {
    at: 2,
    type: 'plan.accepted',
    iteration: 1,
    todos: [
      {
        id: 'greet',
        title: 'Add greet',
        description: '',
        files: ['greet.ts'],
        dependsOn: [],
        acceptance: [],
      },
    ],
  },
  {
    at: 3,
    type: 'todo.reported',
    todoId: 'greet',
    status: 'done',
    summary: 'greet added',
    filesChanged: ['greet.ts', 'README.md'],
  },
  { at: 4, type: 'todo.verdict', todoId: 'greet', verdict: 'fail', findings: ['no test for greet'] },
  { at: 5, type: 'evidence', command: 'npm test', exitCode: 1, durationMs: 1500, outputTail: '1 failing' },
  { at: 65_000, type: 'mission.ended', status: 'failed', reason: 'budget' },
]

describe("a past mission's report", () => {
  it('shows the outcome, each todo with its report and findings, and the evidence', () => {
    const md = missionReport('m1', replay(entries))
    for (const part of [
      '# Greet people',
      '- Status: **failed** — budget',
      '- Duration: 1m 05s',
      '- Todos: 0/1 passed',
      '- Base: git `deadbeefcafe`',
      '### Add greet (`greet`): failed',
      '- Changed: greet.ts, README.md',
      '- Report: greet added',
      '  - no test for greet',
      '`npm test` → exit 1 in 1.5 s',
      '```\n1 failing\n```',
      '## Timeline\n\n_No timeline was journaled for this mission._',
    ])
      expect(md).toContain(part)
  })
})

describe("a past mission's status", () => {
  it('says a mission with no end did not finish, and how to resume it, never its raw state', () => {
    const md = missionReport('m1', replay(entries.slice(0, 4)))
    expect(md).toContain('- Status: **not finished**: its window or terminal went away')
    expect(md).toContain('orchestrator run --resume')
    expect(md).not.toContain('**running**')
  })

  it('says tokens and cost as the dashboard does, and heads the report with the short title', () => {
    const [started, base, plan, ...rest] = entries
    const md = missionReport(
      'm1',
      replay([
        started!,
        base!,
        { ...(plan as Extract<JournalEntry, { type: 'plan.accepted' }>), title: 'Greeting' },
        ...rest,
        { at: 70_000, type: 'usage', sessionId: 's', role: 'worker', tokens: 142_411, cost: 0 },
      ]),
    )
    expect(md.startsWith('# Greeting\n\n> Greet people\n')).toBe(true)
    expect(md).toContain('- Tokens: 142.4k · cost: $0')
    expect(md).not.toContain('0.0000')
  })

  it('names the untracked files left out of the base', () => {
    const leftOut = 'untracked files over 5.0 MB left out of the base: data.bin (30.0 MB)'
    const base = { kind: 'git' as const, ref: 'deadbeefcafe1234', untracked: ['data.bin'], leftOut }
    const md = missionReport('m1', replay([entries[0]!, { at: 1, type: 'mission.base', base }]))
    expect(md).toContain(`- Base: git \`deadbeefcafe\` (${leftOut})`)
  })

  it('says when a completed mission ran no check, so it never reads as a checked success', () => {
    const [started] = entries
    const ended = (withEvidence: boolean): JournalEntry[] => [
      started!,
      ...(withEvidence
        ? [
            {
              at: 2,
              type: 'evidence',
              command: 'npm test',
              exitCode: 0,
              durationMs: 5,
              outputTail: '',
            } as const,
          ]
        : []),
      { at: 3, type: 'mission.ended', status: 'completed', reason: 'done' },
    ]
    expect(missionReport('m', replay(ended(false)))).toContain(
      '- Status: **completed** (no check ran) — done',
    )
    expect(missionReport('m', replay(ended(true)))).toContain('- Status: **completed** — done')
  })
})

describe("a past mission's report of a todo tried twice", () => {
  it('lists every attempt: its worker, report, review and why it went back to the queue', () => {
    const [started, , plan] = entries
    const md = missionReport(
      'm2',
      replay([
        started!,
        plan!,
        { at: 3, type: 'session.created', sessionId: 'w1', role: 'worker', todoId: 'greet' },
        { at: 3, type: 'todo.dispatched', todoId: 'greet', sessionId: 'w1', attempt: 1 },
        {
          at: 4,
          type: 'todo.reported',
          todoId: 'greet',
          status: 'done',
          summary: 'greet added',
          filesChanged: [],
        },
        { at: 5, type: 'todo.verdict', todoId: 'greet', verdict: 'fail', findings: ['no test', 'no docs'] },
        { at: 6, type: 'todo.requeued', todoId: 'greet', reason: 'review failed' },
        { at: 7, type: 'todo.dispatched', todoId: 'greet', sessionId: 'w2', attempt: 2 },
        {
          at: 8,
          type: 'todo.reported',
          todoId: 'greet',
          status: 'done',
          summary: 'test added',
          filesChanged: [],
        },
        { at: 9, type: 'todo.verdict', todoId: 'greet', verdict: 'pass', findings: [] },
      ]),
    )
    expect(md).toContain(
      [
        '- Every attempt:',
        '  - 1 (worker `w1`): done: greet added · review failed: no test; no docs · back to the queue: review failed',
        '  - 2 (worker `w2`): done: test added · review passed',
      ].join('\n'),
    )
  })
})

describe('which file a diff may open', () => {
  const state = (() => {
    const snap = replay(entries)
    const s = initialState('m1', 'Greet people', 0)
    const t = snap.todos.greet!
    return { ...s, todos: [{ ...t, findings: t.findings, filesChanged: t.filesChanged }], base: snap.base! }
  })()

  it('opens a file the todo changed or owns, against the recorded base', () => {
    expect(diffTarget(state, '/ws', 'greet', './README.md')).toEqual({
      dir: '/ws',
      path: 'README.md',
      base: state.base,
    })
    expect(diffTarget(state, '/ws', 'greet', 'greet.ts')).toMatchObject({ path: 'greet.ts' })
  })

  it('refuses unknown todos, foreign files and paths out of the workspace, naming what is wrong', () => {
    expect(diffTarget(undefined, undefined, 'greet', 'a.ts')).toEqual({
      error: 'No mission to diff: start one first.',
    })
    expect(diffTarget(state, '/ws', 'nope', 'greet.ts')).toEqual({
      error: 'No todo "nope" in the current mission.',
    })
    expect(diffTarget(state, '/ws', 'greet', 'other.ts')).toEqual({
      error: '"other.ts" is neither changed nor owned by todo "greet".',
    })
    expect(diffTarget(state, '/ws', 'greet', '../greet.ts')).toEqual({
      error: '"../greet.ts" is not a path inside the workspace (expected e.g. src/app.ts)',
    })
    expect(diffTarget(state, '/ws', 'greet', '/etc/passwd')).toHaveProperty('error')
  })
})

describe("a past mission's check runs", () => {
  const [started, , plan] = entries
  const baseline = {
    type: 'check.baseline',
    command: 'npm test',
    source: 'package.json scripts.test',
    cwd: '.',
    exitCode: 1,
    durationMs: 1_200,
    outputTail: '2 failing',
    classification: 'fails',
  } as const
  const run = (at: number, exitCode: number, outputTail: string): JournalEntry => ({
    at,
    type: 'evidence',
    command: 'npm test',
    exitCode,
    durationMs: 2_300,
    outputTail,
    cwd: '..',
  })

  it('lists the baseline, then each round passed or failed against it, in order, each with its output', () => {
    const md = missionReport(
      'm3',
      replay([
        started!,
        plan!,
        { at: 2, ...baseline },
        run(3, 1, '2 failing'),
        { ...(plan as Extract<JournalEntry, { type: 'plan.accepted' }>), at: 4, iteration: 2 },
        run(4, 1, '1 failing\nTypeError: greet is not a function'),
        { ...(plan as Extract<JournalEntry, { type: 'plan.accepted' }>), at: 5, iteration: 3 },
        run(5, 0, '3 passing'),
        { at: 6, type: 'mission.ended', status: 'completed', reason: 'done' },
      ]),
    )
    const section = md.slice(md.indexOf('## Evidence'), md.indexOf('## Timeline'))
    expect(section).toBe(
      [
        '## Evidence',
        '',
        '- Before the mission: `npm test` → exit 1 in 1.2 s: already failed',
        '',
        '```\n2 failing\n```',
        '',
        '- Round 1: `npm test` (in ..) → exit 1 in 2.3 s: failed, unchanged from before the mission',
        '',
        '```\n2 failing\n```',
        '',
        '- Round 2: `npm test` (in ..) → exit 1 in 2.3 s: failed, new failures (not those before the mission)',
        '',
        '```\n1 failing\nTypeError: greet is not a function\n```',
        '',
        '- Round 3: `npm test` (in ..) → exit 0 in 2.3 s: passed, fixed (it failed before the mission)',
        '',
        '```\n3 passing\n```',
        '',
        '',
      ].join('\n'),
    )
  })

  it('says a project that was not set up, that the user let it go on, and that no round ran', () => {
    const notSetUp = {
      ...baseline,
      command: 'nonexistent-tool-xyz --run',
      exitCode: 127,
      outputTail: 'sh: 1: nonexistent-tool-xyz: not found',
      classification: 'not-set-up',
      diagnosis: 'command not found (exit 127)',
    } as const
    const md = missionReport(
      'm4',
      replay([
        started!,
        { at: 2, ...notSetUp },
        { at: 3, type: 'check.continued' },
        { at: 4, type: 'mission.ended', status: 'stopped', reason: 'stopped by the user' },
      ]),
    )
    expect(md).toContain(
      "- Before the mission: `nonexistent-tool-xyz --run` → exit 127 in 1.2 s: the project's environment is not set up (command not found (exit 127)); the mission went on",
    )
    expect(md).toContain('```\nsh: 1: nonexistent-tool-xyz: not found\n```')
    expect(md).toContain('_The check did not run after a round._')
  })
})

describe('the check before the mission, in the report and the history line', () => {
  const withBaseline: JournalEntry[] = [
    entries[0]!,
    {
      at: 1,
      type: 'check.baseline',
      command: 'npm test',
      source: 'package.json scripts.test',
      cwd: '..',
      exitCode: 1,
      durationMs: 900,
      outputTail: '1 failing',
      classification: 'fails',
    },
    ...entries.slice(2, 6),
    { at: 65_000, type: 'mission.ended', status: 'failed', reason: 'no progress' },
  ]

  it('shows the baseline and how each round compares with it', () => {
    const md = missionReport('m1', replay(withBaseline))
    expect(md).toContain('- Before the mission: `npm test` (in ..) → exit 1 in 900 ms: already failed')
    expect(md).toContain('- Round 1: `npm test` → exit 1 in 1.5 s: failed, unchanged from before the mission')
  })

  it('keeps the baseline and the comparison in the history summary', () => {
    const summary = summarizeMission(replay(withBaseline), { status: 'failed', reason: 'x', at: 65_000 })
    expect(summary.baseline).toEqual({ command: 'npm test', exitCode: 1, classification: 'fails' })
    expect(summary.check).toEqual({ command: 'npm test', exitCode: 1, vsBaseline: 'unchanged' })
  })
})
