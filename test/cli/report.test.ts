import { describe, expect, it } from 'vitest'
import { notStartedReport, progressLine, toReport } from '../../src/cli/report'
import type { AgentState, MissionState } from '../../src/engine/record/mission-state'
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
