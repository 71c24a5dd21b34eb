import { describe, expect, it } from 'vitest'
import { parseEntries } from '../../../src/engine/record/journal'
import { replay } from '../../../src/engine/record/replay'
import { LOST_TURN_NOTE, RELOAD_NOTE } from '../../../src/engine/sessions/steering'
import { fakeMission } from '../../fixtures/fake-mission'
import { flush } from '../../fixtures/fake-opencode'
import { MemoryStore } from '../../fixtures/memory-journal'
import { agentOn, planned, promptsTo, todo } from '../../fixtures/mission-play'

const steeringOf = (m: ReturnType<typeof fakeMission>['mission'], sessionId: string) =>
  m.state.agents.find((a) => a.sessionId === sessionId)?.steering

/**
 * A first instance whose worker on `a` got one message delivered and has a second one queued when the
 * host goes away; returns the journal and the worker's session.
 */
async function steeredThenGone() {
  const store = new MemoryStore()
  const first = fakeMission({ caps: { total: 3 } }, store)
  await planned(first.mission, first.oc, [todo('a', ['a.ts'])])
  const worker = agentOn(first.mission, 'worker', 'a')
  expect(first.mission.steer(worker, 'keep the API')).toBeUndefined()
  first.oc.turn(worker, undefined) // idle without a report: the message goes out
  await flush()
  expect(first.mission.steer(worker, 'and the docs')).toBeUndefined()
  await flush()
  first.mission.dispose() // the window reloads mid-turn
  return { store, worker }
}

describe('steering across a resume', () => {
  it('shows the journaled receipts; a message still queued whose turn is gone is dropped, never sent', async () => {
    const { store, worker } = await steeredThenGone()
    const second = fakeMission({ caps: { total: 3 } }, store) // the worker is idle on the server now
    void second.mission.run()
    await flush()
    expect(steeringOf(second.mission, worker)).toMatchObject([
      { id: 'steer_1', text: 'keep the API', status: 'delivered', deliveredAt: expect.any(Number) },
      { id: 'steer_2', text: 'and the docs', status: 'dropped', note: RELOAD_NOTE },
    ])
    // a was re-queued; whichever session takes it, its turn ending unreported gets no stale message.
    const next = agentOn(second.mission, 'worker', 'a')
    second.oc.turn(next, undefined)
    await flush()
    expect(second.oc.prompts.some((p) => p.text.includes('and the docs'))).toBe(false)
    expect(promptsTo(second.oc, next).at(-1)).toMatch(/^You ended your turn without calling/)
    // The drop is journaled (a later resume or the history reads it), and new messages number on.
    const replayed = replay(parseEntries(store.lines).entries)
    expect(replayed.sessions[worker]?.steering?.map((m) => m.status)).toEqual(['delivered', 'dropped'])
    expect(second.mission.steer(next, 'third')).toBeUndefined()
    expect(steeringOf(second.mission, next)?.at(-1)).toMatchObject({ id: 'steer_3', status: 'queued' })
  })

  it('delivers a queued message at the idle of a turn that still runs on the server after the resume', async () => {
    const { store, worker } = await steeredThenGone()
    const second = fakeMission({ caps: { total: 3 } }, store)
    second.oc.status[worker] = { type: 'busy' } // the server kept working on the steered turn
    void second.mission.run()
    await flush()
    expect(steeringOf(second.mission, worker)?.map((m) => m.status)).toEqual(['delivered', 'queued'])
    expect(promptsTo(second.oc, worker)).toEqual([]) // nothing written into the busy turn
    second.oc.turn(worker, undefined)
    await flush()
    expect(promptsTo(second.oc, worker)).toEqual([
      'Message from the user: and the docs\n\n(You are still on todoId "a"; finish by calling orchestrator_report.)',
    ])
    expect(steeringOf(second.mission, worker)?.map((m) => m.status)).toEqual(['delivered', 'delivered'])
  })
})

describe('steering across a reconnect', () => {
  it('drops a queued message whose turn ended unseen while the server was out of reach; the todo starts over without it', async () => {
    const { mission, oc } = fakeMission({ caps: { total: 3 } }, new MemoryStore())
    await planned(mission, oc, [todo('a', ['a.ts'])])
    const worker = agentOn(mission, 'worker', 'a')
    expect(mission.steer(worker, 'mind the tests')).toBeUndefined()
    oc.emit({ type: 'disconnected', permanent: false, reason: 'event stream dropped' })
    await flush()
    // Meanwhile the worker's turn ended on the server without a report (no status: idle there).
    oc.emit({ type: 'connected' })
    await flush()
    expect(steeringOf(mission, worker)).toMatchObject([
      { text: 'mind the tests', status: 'dropped', note: LOST_TURN_NOTE },
    ])
    const next = agentOn(mission, 'worker', 'a') // a went back to the queue and started again
    oc.turn(next, undefined)
    await flush()
    expect(oc.prompts.some((p) => p.text.includes('mind the tests'))).toBe(false)
    expect(promptsTo(oc, next).at(-1)).toMatch(/^You ended your turn without calling/)
  })
})
