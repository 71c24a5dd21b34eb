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

describe('mission deltas, item by item', () => {
  const span = (start: number, end: number, name?: string) => ({
    kind: 'tool' as const,
    ...(name !== undefined && { name }),
    start,
    end,
  })
  const long = (sessionId: string, n: number): TimelineLaneView => ({
    ...lane(sessionId, 0),
    spans: Array.from({ length: n }, (_, i) => span(i * 10, i * 10 + 5, `t${i}`)),
  })

  it("carry a known lane's new spans only, and the view keeps the spans it had", () => {
    const before: MissionView = { ...base, timeline: [long('a1', 5), lane('a2', 10)] }
    // Rebuilt by the host (new objects), with its last span merged into a longer one and one more.
    const grown = long('a1', 4)
    const a1: TimelineLaneView = {
      ...grown,
      spans: [...grown.spans, { ...span(40, 60, 't4'), merged: 2 }, span(60, 70, 't6')],
      open: { kind: 'thinking', start: 70 },
    }
    const next: MissionView = { ...before, timeline: [a1, before.timeline![1]!] }
    const d = missionDelta(before, next)!
    expect(d.lanes).toBeUndefined()
    expect(d.laneEdits).toEqual([
      { ...a1, at: 4, drop: 1, spans: [{ ...span(40, 60, 't4'), merged: 2 }, span(60, 70, 't6')] },
    ])
    const held = overJson(before)
    const after = applyMissionDelta(held, overJson(d))
    expect(after).toEqual(overJson(next))
    expect(after.timeline?.[0]?.spans[3]).toBe(held.timeline?.[0]?.spans[3])
    expect(after.timeline?.[1]).toBe(held.timeline?.[1])
  })

  it('carry the todos that read differently, and keep the others', () => {
    const t = (id: string, status: 'running' | 'passed') => ({ ...base.todos[0]!, id, status })
    const before: MissionView = { ...base, todos: [t('x', 'running'), t('y', 'running')] }
    const next: MissionView = { ...before, todos: [t('x', 'running'), t('y', 'passed'), t('z', 'running')] }
    const d = missionDelta(before, next)!
    expect(d.fields).toBeUndefined()
    expect(d.todos?.map((x) => x.id)).toEqual(['y', 'z'])
    expect(d.todoOrder).toEqual(['x', 'y', 'z'])
    const held = overJson(before)
    const after = applyMissionDelta(held, overJson(d))
    expect(after.todos).toEqual(next.todos)
    expect(after.todos[0]).toBe(held.todos[0])
    // Rebuilt, reading the same: nothing to send.
    expect(missionDelta(next, { ...next, todos: overJson(next.todos) })).toBeUndefined()
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
