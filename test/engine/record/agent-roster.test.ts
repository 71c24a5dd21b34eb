import { describe, expect, it } from 'vitest'
import { AgentRoster } from '../../../src/engine/record/agent-roster'
import { agentState } from '../../fixtures/mission-state'

// The roster at the mission's end: no agent is active after it, whatever arrives late.

describe('the roster at the end', () => {
  it('keeps every agent ended: a late patch or a session created as the mission stopped is not active', () => {
    const roster = new AgentRoster(() => 5)
    roster.add(agentState('w1', { status: 'busy' }))
    roster.add(agentState('w2', { status: 'idle' }))
    roster.endAll(new Set(['w1']), 'aborted')
    expect(roster.list.map((a) => a.status)).toEqual(['aborted', 'done'])

    // A permission ask or a prompt that lands after the end.
    roster.patch('w2', { status: 'waiting', tool: 'bash' })
    // A session whose creation was under way when the mission stopped.
    roster.add(agentState('w3', { status: 'starting' }))
    expect(roster.list.map((a) => [a.sessionId, a.status])).toEqual([
      ['w1', 'aborted'],
      ['w2', 'done'],
      ['w3', 'aborted'],
    ])
    expect(roster.list.every((a) => a.busySince === undefined)).toBe(true)
  })
})
