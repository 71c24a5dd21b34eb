import { afterEach, describe, expect, it } from 'vitest'
import { Mission } from '../../src/engine/mission'
import { systemClock, type HostEvent } from '../../src/engine/ports'
import { groupGone, Sandbox } from '../support/sandbox'

let sandbox: Sandbox | undefined
afterEach(async () => {
  await sandbox?.dispose()
  sandbox = undefined
})

const agents = { agent: { planner: { mode: 'subagent', prompt: 'You plan.' } } }
const ANSWER = 'The scripted planner says: all good.'

describe('skeleton mission against the real OpenCode server', () => {
  it('creates a titled planner session, reaches idle with the answer, and makes no title call', async () => {
    sandbox = await Sandbox.create({ script: () => ({ text: ANSWER }), config: agents })
    const conn = await sandbox.start()
    const seen: HostEvent[] = []
    conn.events.subscribe((e) => seen.push(e))
    const mission = new Mission(
      { sessions: conn.sessions, events: conn.events, clock: systemClock, logger: sandbox.log },
      { id: 'm1', goal: 'Say that all is good' },
    )
    const final = await mission.run()
    mission.dispose()

    expect(final.phase).toBe('completed')
    expect(final.result).toBe(ANSWER)
    const sessionId = final.agents[0]?.sessionId ?? ''
    const session = await conn.client.session.get({ sessionID: sessionId })
    expect(session.data?.title).toBe('Planner: Say that all is good')
    expect(sandbox.provider.requests.map((r) => r.kind)).toEqual(['chat'])
    expect(sandbox.provider.requests[0]?.lastUserText).toContain('Say that all is good')

    // The events of our session came in protocol order: busy, the final text, then idle.
    const ours = seen.filter((e) => 'sessionId' in e && e.sessionId === sessionId)
    const busy = ours.findIndex((e) => e.type === 'session.status' && e.status.type === 'busy')
    const text = ours.findIndex((e) => e.type === 'part.text' && e.final && e.text === ANSWER)
    const idle = ours.findIndex((e) => e.type === 'session.idle')
    expect(busy).toBeGreaterThanOrEqual(0)
    expect(text).toBeGreaterThan(busy)
    expect(idle).toBeGreaterThan(text)
    expect(final.agents[0]?.tokens).toBeGreaterThan(0)
  })

  it('stop aborts the busy session, which returns to idle, and no later model call happens', async () => {
    sandbox = await Sandbox.create({ script: () => ({ text: 'slow answer', delayMs: 30_000 }), config: agents })
    const conn = await sandbox.start()
    const mission = new Mission(
      { sessions: conn.sessions, events: conn.events, clock: systemClock, logger: sandbox.log },
      { id: 'm2', goal: 'Take your time' },
    )
    const done = mission.run()
    await sandbox.provider.waitFor((r) => r.kind === 'chat')
    const sessionId = mission.state.agents[0]?.sessionId ?? ''
    const idle = new Promise<void>((resolve) =>
      conn.events.subscribe((e) => e.type === 'session.idle' && e.sessionId === sessionId && resolve()),
    )
    await mission.stop()
    const final = await done
    await idle
    mission.dispose()
    expect(final.phase).toBe('stopped')
    const status = await conn.client.session.status()
    expect(status.data?.[sessionId]).toBeUndefined() // idle sessions are omitted
    expect(sandbox.provider.requests[0]?.aborted).toBe(true)
    const calls = sandbox.provider.requests.length
    await new Promise((r) => setTimeout(r, 300))
    expect(sandbox.provider.requests.length).toBe(calls)
  })

  it('dispose ends the whole process group of the server', async () => {
    sandbox = await Sandbox.create({ script: () => ({ text: 'x' }) })
    const conn = await sandbox.start()
    const pid = conn.process?.pid ?? 0
    expect(pid).toBeGreaterThan(0)
    expect(groupGone(pid)).toBe(false)
    await conn.dispose()
    expect(groupGone(pid)).toBe(true)
  })
})
