// The delta transport: what the host sends between snapshots and how the view applies it.
import { describe, expect, it } from 'vitest'
import { applyMissionDelta, missionDelta } from '../../src/shared/mission-delta'
import type { AgentView, DashboardSnapshot, MissionView, TimelineLaneView } from '../../src/shared/protocol'
import { PROTOCOL_VERSION } from '../../src/shared/protocol'
import { SnapshotChannel } from '../../src/vscode/snapshot-channel'
import { agent as fixtureAgent, running } from '../webview/fixtures'

const agent = (sessionId: string, patch: Partial<AgentView> = {}): AgentView =>
  fixtureAgent({ sessionId, role: 'worker', title: sessionId, status: 'busy', ...patch })
const lane = (sessionId: string, end: number): TimelineLaneView => ({
  sessionId,
  role: 'worker',
  title: sessionId,
  spans: [{ kind: 'thinking', start: 0, end }],
  compactions: [],
})
const a1 = agent('a1')
const a2 = agent('a2')
const base: MissionView = running({
  id: 'm',
  agents: [a1, a2],
  checks: [
    {
      kind: 'round',
      iteration: 1,
      command: 'npm test',
      source: 's',
      exitCode: 1,
      durationMs: 5,
      passed: false,
    },
  ],
  budgets: {},
  timeline: [lane('a1', 10), lane('a2', 10)],
})
/** What the view holds after a JSON hop (no shared objects with the host). */
const overJson = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T

describe('mission deltas', () => {
  it('carry only what changed, and applying one gives the next view', () => {
    const a2b = { ...a2, status: 'idle' as const }
    const next: MissionView = {
      ...base,
      tokens: 50,
      agents: [a1, a2b, agent('a3')],
      checks: undefined,
      timeline: [base.timeline![0]!, lane('a2', 20)],
    }
    const d = missionDelta(base, next)
    expect(d).toEqual({
      id: 'm',
      fields: { tokens: 50, checks: null },
      agents: [a2b, agent('a3')],
      agentOrder: ['a1', 'a2', 'a3'],
      lanes: [lane('a2', 20)],
    })
    const held = overJson(base)
    const after = applyMissionDelta(held, overJson(d!))
    expect(after).toEqual(overJson({ ...next, checks: undefined }))
    expect(after).not.toHaveProperty('checks')
    // What did not change stays the object the view had: its rows need no update.
    expect(after.agents[0]).toBe(held.agents[0])
    expect(after.timeline?.[0]).toBe(held.timeline?.[0])
  })

  it('are nothing when nothing changed, and follow a new order', () => {
    expect(missionDelta(base, { ...base })).toBeUndefined()
    const d = missionDelta(base, { ...base, agents: [a2, a1] })
    expect(d).toEqual({ id: 'm', agentOrder: ['a2', 'a1'] })
    expect(applyMissionDelta(base, d!).agents).toEqual([a2, a1])
  })
})

describe('snapshot channel', () => {
  const state = (mission?: MissionView, status: 'ready' | 'failed' = 'ready'): DashboardSnapshot => ({
    server: { status },
    ...(mission && { mission }),
  })

  it('sends a snapshot first, then deltas numbered from it, and nothing for no change', () => {
    const c = new SnapshotChannel()
    const first = c.full(state(base))
    expect(first).toMatchObject({ type: 'snapshot', protocol: PROTOCOL_VERSION, seq: 1 })
    expect(c.next(state(base))).toBeUndefined()
    const d = c.next(state({ ...base, tokens: 9 }))
    expect(d).toEqual({
      type: 'delta',
      protocol: PROTOCOL_VERSION,
      seq: 2,
      base: 1,
      mission: { id: 'm', fields: { tokens: 9 } },
    })
    expect(c.next(state({ ...base, tokens: 10 }))).toMatchObject({ type: 'delta', seq: 3, base: 2 })
  })

  it('sends a snapshot when the server, or the mission itself, changed', () => {
    const c = new SnapshotChannel()
    expect(c.next(state(base))?.type).toBe('snapshot') // nothing sent yet
    expect(c.next(state(base, 'failed'))?.type).toBe('snapshot')
    expect(c.next(state({ ...base, id: 'm2' }, 'failed'))?.type).toBe('snapshot')
    expect(c.next(state(undefined, 'failed'))?.type).toBe('snapshot')
  })

  it('sends a snapshot when a mission starts or moves a step, and when an interrupted one is offered or goes', () => {
    const c = new SnapshotChannel()
    const starting = (step: string) => ({ goal: 'g', step, since: 1 })
    c.full(state(base))
    expect(c.next({ ...state(base), starting: starting('Starting the server') })?.type).toBe('snapshot')
    expect(c.next({ ...state(base), starting: starting('Starting the server') })).toBeUndefined()
    expect(c.next({ ...state(base), starting: starting('Preparing') })?.type).toBe('snapshot')
    expect(c.next(state(base))?.type).toBe('snapshot')
    expect(c.next({ ...state(base), interrupted: { id: 'i', goal: 'g' } })?.type).toBe('snapshot')
    expect(c.next(state(base))?.type).toBe('snapshot')
  })
})
