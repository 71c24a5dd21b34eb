import { describe, expect, it } from 'vitest'
import { isolationLine, notStartedReport, progressLine, toReport } from '../../src/cli/report'
import { checkLine, checkRunLines, unsaidRuns } from '../../src/shared/check-lines'
import type { AgentState, CheckRunState, MissionState } from '../../src/engine/record/mission-state'
import { initialState } from '../../src/engine/record/published-state'
import { agentState, todoState } from '../fixtures/mission-state'

const agent = (patch: Partial<AgentState>): AgentState =>
  agentState('s1', { role: 'planner', title: 'Planner: x', ...patch })
const state = (patch: Partial<MissionState>): MissionState => ({ ...initialState('m1', 'x', 0), ...patch })

describe('CLI progress line', () => {
  it('says what an agent in provider retry waits on, with the seconds left at the time of printing', () => {
    const s = state({
      phase: 'planning',
      agents: [
        agent({
          status: 'retry',
          provider: 'fake',
          retry: { attempt: 3, message: 'Internal Server Error', next: 14_200 },
        }),
      ],
    })
    expect(progressLine(s, 10_000)).toBe(
      '[planning] · planner (waiting on fake: Internal Server Error — retry 3 in 5 s)',
    )
    expect(progressLine(s, 14_000)).toBe(
      '[planning] · planner (waiting on fake: Internal Server Error — retry 3 in 1 s)',
    )
  })

  it('shows busy agents plainly, and a question for the user', () => {
    const s = state({
      phase: 'planning',
      agents: [agent({})],
      needsYou: {
        kind: 'stuck',
        role: 'planner',
        sessionId: 's1',
        reason: 'planner: waiting on fake',
        deadline: 1,
      },
    })
    expect(progressLine(s, 0)).toBe('[planning] · planner · needs you: planner: waiting on fake')
  })
})

describe('CLI --json report', () => {
  it('keeps id, status, attempts and evidence per todo, and adds why it failed or what blocks it', () => {
    const r = toReport(
      state({
        phase: 'failed',
        reason: 'd failed',
        endedAt: 5,
        todos: [
          todoState('a', 'passed', { attempts: 1 }),
          todoState('d', 'failed', { attempts: 2, reason: 'the worker repeated itself' }),
          todoState('e', 'blocked', { attempts: 0, reason: 'blocked by failed d', blockedBy: ['d'] }),
        ],
      }),
    )
    expect(r.todos).toEqual([
      {
        id: 'a',
        status: 'passed',
        attempts: 1,
        evidence: [{ type: 'review', verdict: 'pass', findings: [] }],
      },
      { id: 'd', status: 'failed', attempts: 2, evidence: [], reason: 'the worker repeated itself' },
      {
        id: 'e',
        status: 'blocked',
        attempts: 0,
        evidence: [],
        reason: 'blocked by failed d',
        blockedBy: ['d'],
      },
    ])
    expect(r).toMatchObject({ status: 'failed', reason: 'd failed', durationMs: 5 })
  })

  it('carries no key that a provider echoed into a reason, a summary or a finding', () => {
    const KEY = 'sk-proj-0123456789abcdefghij'
    const r = toReport(
      state({
        phase: 'failed',
        reason: `worker failed: Incorrect API key provided: ${KEY}`,
        todos: [
          todoState('a', 'failed', {
            reason: `provider said 401 (Authorization: Bearer ${KEY})`,
            summary: 'set DB_PASS=hunter2 in .env',
            findings: ['the test prints --password hunter2'],
          }),
        ],
      }),
    )
    const json = JSON.stringify(r)
    expect(json).not.toContain(KEY)
    expect(json).not.toContain('hunter2')
    expect(r.reason).toBe('worker failed: Incorrect API key provided: [redacted]')
    expect(r.todos[0]?.reason).toContain('provider said 401')
    const early = notStartedReport('failed', `preflight failed: key ${KEY} refused`, 1)
    expect(early.reason).toBe('preflight failed: key [redacted] refused')
  })
})

const baselineRun: CheckRunState = {
  kind: 'baseline',
  iteration: 0,
  command: 'npm test',
  source: 'package.json scripts.test',
  cwd: '..',
  exitCode: 1,
  durationMs: 300,
  outputTail: 'not ok 1 - greets\n# fail 1',
  passed: false,
  classification: 'fails',
}
const roundRun: CheckRunState = {
  kind: 'round',
  iteration: 1,
  command: 'npm test',
  source: 'package.json scripts.test',
  cwd: '..',
  exitCode: 0,
  durationMs: 1_200,
  outputTail: '# pass 1',
  passed: true,
  vsBaseline: 'fixed',
}

describe('CLI --json report of the check', () => {
  it('has the last check and the baseline at the top, and no copy of the check in a todo', () => {
    const r = toReport(
      state({
        phase: 'completed',
        check: { command: 'npm test', source: 'package.json scripts.test', cwd: '..' },
        todos: [todoState('a', 'passed', { summary: 'done a' })],
        evidence: [
          { iteration: 1, command: 'npm test', exitCode: 0, durationMs: 1_200, outputTail: '# pass 1' },
        ],
        checks: [baselineRun, roundRun],
      }),
    )
    expect(r.check).toEqual({
      command: 'npm test',
      source: 'package.json scripts.test',
      cwd: '..',
      exitCode: 0,
      durationMs: 1_200,
      outputTail: '# pass 1',
      vsBaseline: 'fixed',
    })
    expect(r.baseline).toEqual({
      command: 'npm test',
      source: 'package.json scripts.test',
      cwd: '..',
      exitCode: 1,
      durationMs: 300,
      outputTail: 'not ok 1 - greets\n# fail 1',
      classification: 'fails',
    })
    expect(r.todos[0]?.evidence).toEqual([
      { type: 'report', summary: 'done a' },
      { type: 'review', verdict: 'pass', findings: [] },
    ])
  })

  it('says null for a check that never ran', () => {
    expect(toReport(state({ phase: 'completed' }))).toMatchObject({ check: null, baseline: null })
  })
})

describe('CLI check lines', () => {
  it('prints every run once, and the baseline of a check the user changed, which replaces the first in place', () => {
    const said = new Set<string>()
    expect(unsaidRuns([baselineRun], said)).toEqual([baselineRun])
    expect(unsaidRuns([baselineRun], said)).toEqual([])
    const changed = { ...baselineRun, command: 'node --test', durationMs: 90 }
    expect(unsaidRuns([changed], said)).toEqual([changed])
    expect(unsaidRuns([changed, roundRun], said)).toEqual([roundRun])
  })

  it('says where a check found above the mission folder runs', () => {
    expect(checkLine({ command: 'npm test', source: 'package.json scripts.test', cwd: '../..' })).toBe(
      'check: npm test (package.json scripts.test, found in ../.. and run there)',
    )
    expect(checkLine({ command: 'npm test', source: 'configured' })).toBe('check: npm test (configured)')
  })

  it('prints each run with its exit code and time, and a failure with its last lines', () => {
    expect(checkRunLines(baselineRun)).toEqual([
      '✗ check before any change: npm test failed (exit 1, 300 ms) — it already fails before any change: the mission goes on, and the planner is told',
      '    not ok 1 - greets',
      '    # fail 1',
    ])
    expect(checkRunLines(roundRun)).toEqual([
      '✓ check after round 1: npm test passed (exit 0, 1.2 s) — fixed (it failed before the mission)',
    ])
    const notSetUp: CheckRunState = {
      ...baselineRun,
      exitCode: 127,
      outputTail: 'sh: 1: xo: not found',
      classification: 'not-set-up',
      diagnosis: 'command not found',
    }
    expect(checkRunLines(notSetUp)[0]).toBe(
      "✗ check before any change: npm test failed (exit 127, 300 ms) — the project's environment is not set up (command not found)",
    )
    const long = {
      ...roundRun,
      passed: false,
      exitCode: 1,
      outputTail: Array.from({ length: 40 }, (_, i) => `l${i}`).join('\n'),
    }
    expect(checkRunLines(long).slice(1)).toEqual(Array.from({ length: 12 }, (_, i) => `    l${28 + i}`))
  })
})

describe("the CLI line on a worktree mission's result", () => {
  const worktree = {
    mode: 'worktree' as const,
    branch: 'orchestrator/m1/integration',
    dir: '/wt',
    baseCommit: 'b0',
  }

  it('says what was applied, what was left as the user changed it, and the branch kept', () => {
    const closed = { applied: ['a.ts'], skipped: ['b.ts'], keptBranch: worktree.branch }
    expect(isolationLine(state({ isolation: { ...worktree, closed } }))).toBe(
      'worktrees: applied 1 file to your folder; left b.ts as you changed it; the merged work is on branch orchestrator/m1/integration (git diff HEAD orchestrator/m1/integration)',
    )
    const two = { applied: ['a.ts', 'c.ts'], skipped: [] }
    expect(isolationLine(state({ isolation: { ...worktree, closed: two } }))).toBe(
      'worktrees: applied 2 files to your folder',
    )
    expect(isolationLine(state({ isolation: { mode: 'shared', reason: 'no git' } }))).toBeUndefined()
  })
})
