import { describe, expect, it } from 'vitest'
import { AgentRoster } from '../../src/engine/record/agent-roster'
import { STEER_KEPT, Steering } from '../../src/engine/sessions/steering'
import { agentState } from '../fixtures/mission-state'

const roster = () => {
  const r = new AgentRoster(() => 0)
  r.add(agentState('s', { title: 'Worker: a' }))
  return r
}

describe('steering receipts', () => {
  it('delivers every queued message once, joined in order', () => {
    const r = roster()
    const steering = new Steering({ roster: r, now: () => 7 })
    steering.queue('s', ' one ')
    steering.queue('s', 'two')
    expect(steering.take('s')).toBe('one\n\ntwo')
    expect(steering.take('s')).toBeUndefined()
    expect(r.list[0]?.steering?.map((m) => [m.status, m.deliveredAt])).toEqual([
      ['delivered', 7],
      ['delivered', 7],
    ])
  })

  it(`keeps at most ${STEER_KEPT} receipts, dropping the oldest delivered ones, never a queued one`, () => {
    const r = roster()
    const steering = new Steering({ roster: r, now: () => 0 })
    for (let i = 0; i < STEER_KEPT; i++) steering.queue('s', `old ${i}`)
    steering.take('s')
    steering.queue('s', 'new 1')
    steering.queue('s', 'new 2')
    const kept = r.list[0]?.steering ?? []
    expect(kept).toHaveLength(STEER_KEPT)
    expect(kept.at(0)?.text).toBe('old 2')
    expect(kept.filter((m) => m.status === 'queued').map((m) => m.text)).toEqual(['new 1', 'new 2'])
  })
})
