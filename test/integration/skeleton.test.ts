import { afterEach, describe, expect, it } from 'vitest'
import { helloMissionScript } from '../fixtures/hello-mission'
import { type HostEvent } from '../../src/engine/ports'
import type { Connection } from '../../src/opencode/connection'
import { groupGone, Sandbox } from '../support/sandbox'

let sandbox: Sandbox | undefined
afterEach(async () => {
  await sandbox?.dispose()
  sandbox = undefined
})

const mission = (sb: Sandbox, conn: Connection, goal: string) => sb.mission(conn, { id: 'm1', goal })

describe('the walking skeleton against the real OpenCode server', () => {
  it('titles every session itself, so OpenCode makes no title-generation call, and events arrive in order', async () => {
    const script = helloMissionScript()
    sandbox = await Sandbox.create({ script })
    const conn = await sandbox.start()
    const seen: HostEvent[] = []
    conn.events.subscribe((e) => seen.push(e))
    const m = mission(sandbox, conn, 'Say hello in a file')
    const final = await m.run()
    m.dispose()

    expect(final.phase, final.reason).toBe('completed')
    expect(final.result).toContain('Say hello — wrote hello.txt')
    const sessions = (await conn.client.session.list()).data ?? []
    // The mission's root session (titled with the goal) and its three agents.
    expect(sessions.map((s) => s.title).sort()).toEqual([
      'Planner: Say hello in a file',
      'Reviewer: Say hello',
      'Say hello in a file',
      'Worker: Say hello',
    ])
    expect(sandbox.provider.requests.filter((r) => r.kind === 'title')).toEqual([])
    expect(sandbox.provider.requests[0]?.lastUserText).toContain('Mission goal: Say hello in a file')

    // The planner's events came in protocol order: busy, the plan tool call, then idle.
    const plannerId = final.agents.find((a) => a.role === 'planner')?.sessionId
    const ours = seen.filter((e) => 'sessionId' in e && e.sessionId === plannerId)
    const busy = ours.findIndex((e) => e.type === 'session.status' && e.status.type === 'busy')
    const plan = ours.findIndex(
      (e) => e.type === 'part.tool' && e.tool === 'orchestrator_plan' && e.status === 'completed',
    )
    const idle = ours.findIndex((e) => e.type === 'session.idle')
    expect(busy).toBeGreaterThanOrEqual(0)
    expect(plan).toBeGreaterThan(busy)
    expect(idle).toBeGreaterThan(plan)
    expect(final.agents.every((a) => a.tokens > 0)).toBe(true)
  })

  it('abort returns a busy session to idle', async () => {
    sandbox = await Sandbox.create({ script: () => ({ text: 'slow answer', delayMs: 30_000 }) })
    const conn = await sandbox.start()
    const { id } = await conn.sessions.create({ title: 'Planner: take your time' })
    const idle = new Promise<void>((resolve) =>
      conn.events.subscribe((e) => e.type === 'session.idle' && e.sessionId === id && resolve()),
    )
    await conn.sessions.prompt({ sessionId: id, agent: 'planner', text: 'Take your time' })
    await sandbox.provider.waitFor((r) => r.kind === 'chat')
    expect((await conn.sessions.statuses())[id]).toEqual({ type: 'busy' })
    expect(await conn.sessions.abort(id)).toBe(true)
    await idle
    expect((await conn.sessions.statuses())[id]).toBeUndefined() // idle sessions are omitted
    expect(sandbox.provider.requests[0]?.aborted).toBe(true)
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
