// The timeline fold (host events → spans per lane), its cap, and the mission's journaling of it:
// lanes replayed from the journal equal the lanes the mission showed live.
import { describe, expect, it } from 'vitest'
import type { HostEvent } from '../../../src/engine/ports'
import { parseEntries } from '../../../src/engine/record/journal'
import { replay } from '../../../src/engine/record/replay'
import {
  entrySpans,
  pushSpan,
  Timeline,
  timelineEntry,
  type TimelineSpan,
} from '../../../src/engine/record/timeline'
import { fakeMission } from '../../fixtures/fake-mission'
import { flush } from '../../fixtures/fake-opencode'

const S = 'ses_1'
const busy: HostEvent = { type: 'session.status', sessionId: S, status: { type: 'busy' } }
const idle: HostEvent = { type: 'session.idle', sessionId: S }
const tool = (callId: string, name: string, status: 'running' | 'completed', sessionId = S): HostEvent => ({
  type: 'part.tool',
  sessionId,
  messageId: 'm',
  callId,
  tool: name,
  status,
  input: {},
})
const text: HostEvent = {
  type: 'part.text',
  sessionId: S,
  messageId: 'm',
  partId: 'p',
  text: 'x',
  final: false,
}

describe('timeline fold', () => {
  it('turns status, tool, permission and retry events into named spans', () => {
    const t = new Timeline()
    const at = (ms: number, e: HostEvent) => t.fold(S, e, ms)
    at(0, busy)
    expect(at(5, text)).toBe(false) // streaming text while thinking changes nothing
    at(10, tool('c1', 'read', 'running'))
    expect(at(12, busy)).toBe(false) // busy says nothing new while a tool runs
    at(30, tool('c1', 'read', 'completed'))
    at(40, { type: 'permission.asked', requestId: 'r', sessionId: 'child', permission: 'bash', patterns: [] })
    at(70, { type: 'permission.replied', requestId: 'r', sessionId: 'child' })
    at(80, {
      type: 'session.status',
      sessionId: S,
      status: { type: 'retry', attempt: 1, message: 'x', next: 0 },
    })
    at(90, {
      type: 'session.status',
      sessionId: S,
      status: { type: 'retry', attempt: 2, message: 'x', next: 0 },
    })
    at(120, busy)
    at(130, idle)
    at(150, busy)
    const lane = t.lanes[0]
    expect(lane?.spans).toEqual([
      { kind: 'thinking', start: 0, end: 10 },
      { kind: 'tool', name: 'read', start: 10, end: 30 },
      { kind: 'thinking', start: 30, end: 40 },
      { kind: 'permission', start: 40, end: 70 },
      { kind: 'thinking', start: 70, end: 80 },
      { kind: 'retry', start: 80, end: 120 },
      { kind: 'thinking', start: 120, end: 130 },
      { kind: 'idle', start: 130, end: 150 },
    ])
    expect(lane?.open).toEqual({ kind: 'thinking', start: 150 })
  })

  it('resumes the interrupted tool after a permission, and marks compactions', () => {
    const t = new Timeline()
    t.fold(S, tool('c1', 'bash', 'running'), 0)
    t.fold(
      S,
      { type: 'permission.asked', requestId: 'r', sessionId: S, permission: 'bash', patterns: [] },
      10,
    )
    t.fold(S, { type: 'permission.replied', requestId: 'r', sessionId: S }, 20)
    expect(t.lanes[0]?.open).toEqual({ kind: 'tool', name: 'bash', start: 20 })
    expect(t.fold(S, { type: 'session.compacted', sessionId: S }, 25)).toBe(true)
    expect(t.lanes[0]?.compactions).toEqual([25])
    expect(t.take(S)).toEqual([
      {
        sessionId: S,
        spans: [
          { kind: 'tool', name: 'bash', start: 0, end: 10 },
          { kind: 'permission', start: 10, end: 20 },
        ],
        compactions: [25],
      },
    ])
    expect(t.take(S)).toEqual([]) // taken once
  })

  it('replaces the lane list only when a lane changes', () => {
    const t = new Timeline()
    t.fold(S, busy, 0)
    const before = t.lanes
    t.fold(S, text, 1)
    expect(t.lanes).toBe(before)
    t.fold(S, idle, 2)
    expect(t.lanes).not.toBe(before)
  })

  it('keeps a lane bounded by merging the shortest neighbours, keeping long spans whole', () => {
    const spans: TimelineSpan[] = []
    pushSpan(spans, { kind: 'thinking', start: 0, end: 1000 }, 4)
    for (let i = 0; i < 10; i++)
      pushSpan(spans, { kind: i % 2 ? 'idle' : 'tool', name: 'x', start: 1000 + i, end: 1001 + i }, 4)
    expect(spans).toHaveLength(4)
    expect(spans[0]).toEqual({ kind: 'thinking', start: 0, end: 1000 })
    expect(spans.at(-1)?.end).toBe(1010)
    // Nothing lost: the merged counts add up to the spans pushed.
    expect(spans.reduce((n, s) => n + (s.merged ?? 1), 0)).toBe(11)
  })
})

describe('timeline journal entries', () => {
  it('store spans as gap and duration from the batch start, and read back the same spans', () => {
    const spans: TimelineSpan[] = [
      { kind: 'thinking', start: 1_000, end: 1_400 },
      { kind: 'tool', name: 'edit', start: 1_400, end: 1_400 },
      { kind: 'retry', start: 1_500, end: 2_000 }, // after a gap
    ]
    const entry = timelineEntry({ sessionId: S, spans, compactions: [] })
    expect(entry).toEqual({
      sessionId: S,
      from: 1_000,
      spans: [
        ['thinking', 0, 400],
        ['tool', 0, 0, 'edit'],
        ['retry', 100, 500],
      ],
    })
    expect(entrySpans(entry)).toEqual(spans)
    // A kind this version does not know is skipped, its time still counted.
    expect(
      entrySpans({
        from: 0,
        spans: [
          ['sleeping' as 'idle', 0, 5],
          ['idle', 0, 5],
        ],
      }),
    ).toEqual([{ kind: 'idle', start: 5, end: 10 }])
  })
})

describe('timeline in the mission', () => {
  it('journals spans in batches at turn ends; the replayed lanes equal the live ones', async () => {
    const { oc, clock, mission, store } = fakeMission()
    const done = mission.run()
    await flush()
    const planner = mission.state.agents[0]?.sessionId ?? ''
    oc.emit({ type: 'session.status', sessionId: planner, status: { type: 'busy' } })
    clock.advance(100)
    oc.emit(tool('c9', 'read', 'running', planner))
    clock.advance(50)
    oc.emit(tool('c9', 'read', 'completed', planner))
    clock.advance(25)
    oc.emit({ type: 'session.compacted', sessionId: planner })
    await flush()
    expect(mission.state.timeline[0]?.open?.kind).toBe('thinking')
    const linesBefore = store.lines.length
    await mission.stop()
    await done
    const live = mission.state.timeline
    expect(live[0]?.spans.map((s) => [s.kind, s.name, s.end - s.start])).toEqual([
      ['thinking', undefined, 100],
      ['tool', 'read', 50],
      ['thinking', undefined, 25],
    ])
    expect(live[0]?.open).toBeUndefined()
    const entries = parseEntries(store.lines).entries
    const batches = entries.filter((e) => e.type === 'timeline')
    expect(batches).toHaveLength(1)
    expect(store.lines.length).toBeGreaterThan(linesBefore)
    expect(replay(entries).timeline).toEqual(live)
  })

  it('a resumed mission starts from the lanes its journal holds', async () => {
    const first = fakeMission()
    const done = first.mission.run()
    await flush()
    const planner = first.mission.state.agents[0]?.sessionId ?? ''
    first.oc.emit({ type: 'session.status', sessionId: planner, status: { type: 'busy' } })
    first.clock.advance(40)
    first.oc.emit({ type: 'session.idle', sessionId: planner })
    await flush()
    const lanes = first.mission.state.timeline
    expect(lanes[0]?.spans).toHaveLength(1)
    // The turn ended without a plan: the idle journaled the lane before the nudge went out.
    expect(parseEntries(first.store.lines).entries.some((e) => e.type === 'timeline')).toBe(true)
    first.mission.dispose()
    void done
    const second = fakeMission({}, first.store)
    void second.mission.run()
    await flush()
    expect(second.mission.state.timeline.map((l) => l.spans)).toEqual(lanes.map((l) => l.spans))
    second.mission.dispose()
  })

  it("a resumed mission shows each agent's busy time, context meter and compactions as before", async () => {
    const first = fakeMission()
    first.oc.limits = { 'p/m': { context: 1000 } }
    const done = first.mission.run()
    await flush()
    const planner = first.mission.state.agents[0]?.sessionId ?? ''
    first.oc.emit({ type: 'session.status', sessionId: planner, status: { type: 'busy' } })
    first.clock.advance(300)
    first.oc.emit({
      type: 'message.assistant',
      sessionId: planner,
      messageId: 'msg1',
      providerId: 'p',
      modelId: 'm',
      tokens: 700,
      contextTokens: 640,
      cost: 0,
      completed: true,
    })
    first.oc.emit({ type: 'session.compacted', sessionId: planner })
    first.clock.advance(100)
    first.oc.emit({ type: 'session.idle', sessionId: planner })
    await flush()
    const before = first.mission.state.agents.find((a) => a.sessionId === planner)
    expect(before).toMatchObject({ busyMs: 400, contextTokens: 640, contextLimit: 1000, compactions: 1 })
    first.mission.dispose()
    void done

    const second = fakeMission({}, first.store)
    void second.mission.run()
    await flush()
    const after = second.mission.state.agents.find((a) => a.sessionId === planner)
    expect(after).toMatchObject({ busyMs: 400, contextTokens: 640, contextLimit: 1000, compactions: 1 })
    second.mission.dispose()
  })
})
