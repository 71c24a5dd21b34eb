import { describe, expect, it } from 'vitest'
import { Mission, sessionTitle } from '../../src/engine/mission'
import { silentLogger } from '../../src/engine/ports'
import { FakeClock } from '../fixtures/fake-clock'
import { FakeOpencode, flush } from '../fixtures/fake-opencode'

const setup = (goal = 'Add a farewell function') => {
  const oc = new FakeOpencode()
  const clock = new FakeClock()
  const mission = new Mission({ sessions: oc, events: oc, clock, logger: silentLogger }, { id: 'm1', goal })
  return { oc, clock, mission }
}

describe('skeleton mission', () => {
  it('rejects an empty goal', () => {
    expect(() => setup('   ')).toThrow('Expected a non-empty `goal`')
  })

  it('creates a titled planner session, prompts the goal, and completes with the final text on idle', async () => {
    const { oc, mission } = setup()
    const changes: string[] = []
    mission.onChange((s) => changes.push(s.phase))
    const done = mission.run()
    await flush()
    expect(oc.created).toEqual([{ title: 'Planner: Add a farewell function' }])
    expect(oc.prompts).toEqual([{ sessionId: 'ses_1', agent: 'planner', text: 'Add a farewell function' }])
    oc.emit(
      { type: 'session.status', sessionId: 'ses_1', status: { type: 'busy' } },
      { type: 'part.text', sessionId: 'ses_1', messageId: 'm', partId: 'p', text: 'Here is the plan.', final: true },
      { type: 'message.assistant', sessionId: 'ses_1', messageId: 'm', providerId: 'p', modelId: 'x', tokens: 42, cost: 0, completed: true },
      { type: 'session.idle', sessionId: 'ses_1' },
    )
    const final = await done
    expect(final).toMatchObject({ phase: 'completed', result: 'Here is the plan.', tokens: 42, modelCalls: 1 })
    expect(final.agents[0]?.status).toBe('done')
    expect(changes[0]).toBe('planning')
    expect(changes.at(-1)).toBe('completed')
  })

  it('fails with the reason when an error ends the turn without an idle', async () => {
    const { oc, mission } = setup()
    const done = mission.run()
    await flush()
    oc.emit({ type: 'session.error', sessionId: 'ses_1', error: { name: 'UnknownError', message: 'Agent not found: "planner"', retryable: false } })
    const final = await done
    expect(final).toMatchObject({ phase: 'failed', reason: 'Agent not found: "planner"' })
  })

  it('waits for idle when the session is still busy after an error', async () => {
    const { oc, mission } = setup()
    const done = mission.run()
    await flush()
    oc.status.ses_1 = { type: 'busy' }
    oc.emit({ type: 'session.error', sessionId: 'ses_1', error: { name: 'APIError', message: 'Bad request', retryable: false } })
    await flush()
    expect(mission.state.phase).toBe('planning')
    delete oc.status.ses_1
    oc.emit({ type: 'session.idle', sessionId: 'ses_1' })
    expect((await done).phase).toBe('failed')
  })

  it('fails when the server refuses to create the session', async () => {
    const { oc, mission } = setup()
    oc.failCreate = new Error('create session failed: HTTP 500')
    expect(await mission.run()).toMatchObject({ phase: 'failed', reason: 'create session failed: HTTP 500' })
  })

  it('stop aborts the session and its children, children first, and ignores later events', async () => {
    const { oc, mission } = setup()
    const done = mission.run()
    await flush()
    oc.childrenOf.set('ses_1', ['child_a'])
    oc.childrenOf.set('child_a', ['grandchild'])
    await mission.stop()
    expect(oc.aborted).toEqual(['grandchild', 'child_a', 'ses_1'])
    const final = await done
    expect(final.phase).toBe('stopped')
    expect(final.agents[0]?.status).toBe('aborted')
    oc.emit({ type: 'session.idle', sessionId: 'ses_1' })
    expect(mission.state.phase).toBe('stopped')
  })

  it('unsubscribes from host events on dispose', async () => {
    const { oc, mission } = setup()
    void mission.run()
    expect(oc.listenerCount).toBe(1)
    mission.dispose()
    expect(oc.listenerCount).toBe(0)
  })

  it('titles sessions with the role and a one-line goal excerpt', () => {
    expect(sessionTitle('worker', 'a\n  b')).toBe('Worker: a b')
    expect(sessionTitle('planner', 'x'.repeat(100))).toHaveLength('Planner: '.length + 60)
  })
})
