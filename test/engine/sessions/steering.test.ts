import { describe, expect, it } from 'vitest'
import { silentLogger } from '../../../src/engine/ports'
import { AgentRoster } from '../../../src/engine/record/agent-roster'
import { parseEntries } from '../../../src/engine/record/journal'
import { replay } from '../../../src/engine/record/replay'
import { MissionRecord } from '../../../src/engine/record/mission-record'
import { STEER_KEPT } from '../../../src/engine/record/steering-receipts'
import { Steering } from '../../../src/engine/sessions/steering'
import { VerbatimTexts } from '../../../src/engine/record/verbatim'
import { FakeClock } from '../../fixtures/fake-clock'
import { flush } from '../../fixtures/fake-opencode'
import { MemoryStore } from '../../fixtures/memory-journal'
import { agentState } from '../../fixtures/mission-state'

/** Steering for one worker session `s`, journaled in memory. */
async function steeringOn(clock = new FakeClock(5)) {
  const store = new MemoryStore()
  const record = new MissionRecord(() => {})
  await record.open(store, clock)
  await record.append({ type: 'mission.started', goal: 'g', options: {} })
  await record.append({ type: 'session.created', sessionId: 's', role: 'worker', todoId: 'a' })
  const roster = new AgentRoster(() => clock.now())
  roster.add(agentState('s', { title: 'Worker: a' }))
  const steering = new Steering({
    roster,
    record,
    verbatim: new VerbatimTexts(undefined, silentLogger),
    logger: silentLogger,
  })
  const shown = () => roster.list[0]?.steering
  return { store, record, roster, steering, shown, clock }
}

describe('steering receipts', () => {
  it('delivers every queued message once, joined in order', async () => {
    const { steering, shown, clock } = await steeringOn()
    steering.queue('s', ' one ')
    steering.queue('s', 'two')
    clock.advance(2)
    expect(steering.take('s')).toBe('one\n\ntwo')
    expect(steering.take('s')).toBeUndefined()
    expect(shown()?.map((m) => [m.status, m.deliveredAt])).toEqual([
      ['delivered', 7],
      ['delivered', 7],
    ])
  })

  it(`keeps at most ${STEER_KEPT} receipts, dropping the oldest delivered ones, never a queued one`, async () => {
    const { steering, shown } = await steeringOn()
    for (let i = 0; i < STEER_KEPT; i++) steering.queue('s', `old ${i}`)
    steering.take('s')
    steering.queue('s', 'new 1')
    steering.queue('s', 'new 2')
    const kept = shown() ?? []
    expect(kept).toHaveLength(STEER_KEPT)
    expect(kept.at(0)?.text).toBe('old 2')
    expect(kept.filter((m) => m.status === 'queued').map((m) => m.text)).toEqual(['new 1', 'new 2'])
  })

  it('journals every step: a replay holds the receipts the agent shows, with secrets scrubbed', async () => {
    const { steering, shown, store, clock } = await steeringOn()
    steering.queue('s', 'use password: hunter2 to log in')
    clock.advance(10)
    // The agent gets the text as the user typed it; the journal (and the receipt) never hold the secret.
    expect(steering.take('s')).toBe('use password: hunter2 to log in')
    steering.queue('s', 'and the docs')
    steering.drop('s', 'the mission ended')
    await flush() // the lines are written in order, after the calls return
    const { entries } = parseEntries(store.lines)
    expect(entries.map((e) => e.type).slice(2)).toEqual([
      'steering.queued',
      'steering.delivered',
      'steering.queued',
      'steering.dropped',
    ])
    expect(store.lines.join('\n')).not.toContain('hunter2')
    expect(replay(entries).sessions.s?.steering).toStrictEqual(shown())
    expect(shown()).toEqual([
      { id: 'steer_1', text: 'use password: [redacted]', status: 'delivered', queuedAt: 5, deliveredAt: 15 },
      { id: 'steer_2', text: 'and the docs', status: 'dropped', queuedAt: 15, note: 'the mission ended' },
    ])
  })
})
