import { describe, expect, it } from 'vitest'
import { foldAgentEvent, UsageLedger, withBusySpan } from '../../../src/engine/record/agent-fold'
import { AgentRoster } from '../../../src/engine/record/agent-roster'
import type { AgentState } from '../../../src/engine/record/mission-state'
import type { HostEvent } from '../../../src/engine/ports'
import { agentState } from '../../fixtures/mission-state'

const agent = (patch: Partial<AgentState> = {}): AgentState =>
  agentState('s1', { role: 'planner', title: 'Planner: x', status: 'starting', ...patch })
const fold = (events: HostEvent[], start = agent()) => {
  const ledger = new UsageLedger()
  return events.reduce((a, e, i) => foldAgentEvent(a, e, i + 1, ledger), start)
}
const usage = (messageId: string, tokens: number, cost = 0): HostEvent => ({
  type: 'message.assistant',
  sessionId: 's1',
  messageId,
  providerId: 'p',
  modelId: 'm',
  tokens,
  cost,
  completed: false,
})

describe('foldAgentEvent', () => {
  it('follows busy → tool → final text → idle', () => {
    const a = fold([
      { type: 'session.status', sessionId: 's1', status: { type: 'busy' } },
      {
        type: 'part.tool',
        sessionId: 's1',
        messageId: 'm1',
        callId: 'c',
        tool: 'read',
        status: 'running',
        input: {},
      },
    ])
    expect(a).toMatchObject({ status: 'busy', tool: 'read' })
    const b = fold(
      [
        {
          type: 'part.tool',
          sessionId: 's1',
          messageId: 'm1',
          callId: 'c',
          tool: 'read',
          status: 'completed',
          input: {},
        },
        { type: 'part.text', sessionId: 's1', messageId: 'm2', partId: 'p', text: 'partial', final: false },
        { type: 'part.text', sessionId: 's1', messageId: 'm2', partId: 'p', text: 'All done.', final: true },
        { type: 'session.idle', sessionId: 's1' },
      ],
      a,
    )
    expect(b).toMatchObject({ status: 'idle', text: 'All done.' })
    expect(b.tool).toBeUndefined()
  })

  it('shows a real session error, but not the abort that ends a turn', () => {
    const err = (name: string, message: string): HostEvent => ({
      type: 'session.error',
      sessionId: 's1',
      error: { name, message, retryable: false },
    })
    expect(fold([err('MessageAbortedError', 'Aborted')]).error).toBeUndefined()
    expect(fold([err('APIError', 'quota exceeded')]).error).toBe('quota exceeded')
  })

  it('ignores events of other sessions and returns the same object', () => {
    const a = agent()
    expect(foldAgentEvent(a, { type: 'session.idle', sessionId: 'other' }, 1, new UsageLedger())).toBe(a)
  })

  it('counts the growing usage of a message once, and sums across messages', () => {
    const a = fold([usage('m1', 100, 0.01), usage('m1', 250, 0.02), usage('m2', 50, 0.005)])
    expect(a.tokens).toBe(300)
    expect(a.cost).toBeCloseTo(0.025)
  })

  it('shows retry with the attempt, and waiting while a permission is open', () => {
    const r = fold([
      {
        type: 'session.status',
        sessionId: 's1',
        status: { type: 'retry', attempt: 2, message: '429', next: 5 },
      },
    ])
    expect(r).toMatchObject({ status: 'retry', retry: { attempt: 2, message: '429' } })
    const w = fold([
      { type: 'permission.asked', requestId: 'per_1', sessionId: 's1', permission: 'bash', patterns: [] },
    ])
    expect(w.status).toBe('waiting')
  })

  it('keeps a terminal status but still counts late usage', () => {
    const a = fold(
      [{ type: 'session.status', sessionId: 's1', status: { type: 'busy' } }, usage('m1', 10)],
      agent({ status: 'aborted' }),
    )
    expect(a).toMatchObject({ status: 'aborted', tokens: 10 })
  })

  it('records provider errors but not aborts as the agent error', () => {
    const err = (name: string): HostEvent =>
      ({ ...usage('m1', 0), error: { name, message: `${name} happened`, retryable: false } }) as HostEvent
    expect(fold([err('APIError')]).error).toBe('APIError happened')
    expect(fold([err('MessageAbortedError')]).error).toBeUndefined()
  })
})

describe('busy spans', () => {
  it('counts only the time an agent is active, not the idle wait between attempts', () => {
    const roster = new AgentRoster(() => now)
    let now = 0
    roster.add(agent({ status: 'starting', startedAt: 0, lastActivityAt: 0 }))
    now = 5_000
    roster.fold({ type: 'session.idle', sessionId: 's1' }, now)
    expect(roster.list[0]).toMatchObject({ status: 'idle', busyMs: 5_000, busySince: undefined })
    now = 65_000 // a minute waiting for the review
    roster.patch('s1', { status: 'busy' })
    expect(roster.list[0]).toMatchObject({ busyMs: 5_000, busySince: 65_000 })
    now = 68_000
    roster.fold({ type: 'session.status', sessionId: 's1', status: { type: 'idle' } }, now)
    expect(roster.list[0]?.busyMs).toBe(8_000)
    now = 90_000
    roster.endAll(new Set(), 'aborted')
    expect(roster.list[0]).toMatchObject({ status: 'done', busyMs: 8_000 })
  })

  it('closes an open span when the mission ends the agent', () => {
    const open = agent({ status: 'busy', busySince: 1_000 })
    expect(withBusySpan(open, 4_000)).toBe(open)
    const ended = withBusySpan({ ...agent({ status: 'busy', busySince: 1_000 }), status: 'aborted' }, 4_000)
    expect(ended).toMatchObject({ busyMs: 3_000, busySince: undefined })
  })
})
