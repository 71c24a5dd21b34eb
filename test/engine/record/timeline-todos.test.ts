// A lane's spans keep the todo they were for: a session reused for several todos (a reviewer above
// all) shows each span under its own todo, live, in the journal and once replayed.
import { describe, expect, it } from 'vitest'
import type { HostEvent } from '../../../src/engine/ports'
import {
  entrySpans,
  pushSpan,
  Timeline,
  timelineEntry,
  type TimelineSpan,
} from '../../../src/engine/record/timeline'

const S = 'ses_r'
const busy: HostEvent = { type: 'session.status', sessionId: S, status: { type: 'busy' } }
const idle: HostEvent = { type: 'session.idle', sessionId: S }

describe('spans of a session reused for several todos', () => {
  it('are stamped with the todo of the turn they belong to; the idle after a turn stays with it', () => {
    const t = new Timeline()
    t.fold(S, busy, 0, 'a')
    t.fold(S, idle, 100, 'a')
    t.fold(S, busy, 150, 'b')
    t.fold(S, idle, 300, 'b')
    expect(t.lanes[0]?.spans).toEqual([
      { kind: 'thinking', todoId: 'a', start: 0, end: 100 },
      { kind: 'idle', todoId: 'a', start: 100, end: 150 },
      { kind: 'thinking', todoId: 'b', start: 150, end: 300 },
    ])
    expect(t.lanes[0]?.open).toEqual({ kind: 'idle', todoId: 'b', start: 300 })
  })

  it('an event without a todo (a step done on the agent’s behalf) keeps the lane’s todo', () => {
    const t = new Timeline()
    t.fold(S, busy, 0, 'a')
    t.fold(S, idle, 10)
    t.fold(S, busy, 20)
    expect(t.lanes[0]?.spans.map((s) => s.todoId)).toEqual(['a', 'a'])
  })

  it('are journaled in one batch per todo, and read back with their todo', () => {
    const t = new Timeline()
    t.fold(S, busy, 0, 'a')
    t.fold(S, idle, 100, 'a')
    t.fold(S, busy, 150, 'b')
    t.fold(S, { type: 'session.compacted', sessionId: S }, 200)
    t.fold(S, idle, 300, 'b')
    const batches = t.take(S)
    expect(batches.map((b) => [b.todoId, b.spans.length, b.compactions])).toEqual([
      ['a', 2, []],
      ['b', 1, [200]],
    ])
    const entries = batches.map(timelineEntry)
    expect(entries.map((e) => e.todoId)).toEqual(['a', 'b'])
    expect(entries.flatMap(entrySpans)).toEqual(t.lanes[0]?.spans)
  })

  it('a journaled todo that is not a string (a damaged line) is dropped, the spans kept', () => {
    expect(entrySpans({ from: 0, spans: [['idle', 0, 5]], todoId: 7 as unknown as string })).toEqual([
      { kind: 'idle', start: 0, end: 5 },
    ])
  })

  it('never extend or merge a span into another todo’s, nor across a break in the record', () => {
    const spans: TimelineSpan[] = []
    pushSpan(spans, { kind: 'thinking', todoId: 'a', start: 0, end: 10 })
    pushSpan(spans, { kind: 'thinking', todoId: 'b', start: 10, end: 20 })
    expect(spans).toHaveLength(2)

    // The shortest neighbours are a's tool and b's thinking: the cap merges within a instead.
    const capped: TimelineSpan[] = []
    pushSpan(capped, { kind: 'thinking', todoId: 'a', start: 0, end: 10 }, 2)
    pushSpan(capped, { kind: 'tool', name: 'x', todoId: 'a', start: 10, end: 12 }, 2)
    pushSpan(capped, { kind: 'thinking', todoId: 'b', start: 12, end: 14 }, 2)
    expect(capped.map((s) => [s.todoId, s.start, s.end])).toEqual([
      ['a', 0, 12],
      ['b', 12, 14],
    ])

    // The shortest neighbours straddle a reload (nothing recorded from 20 to 21): kept apart.
    const broken: TimelineSpan[] = []
    pushSpan(broken, { kind: 'thinking', start: 0, end: 10 }, 2)
    pushSpan(broken, { kind: 'tool', name: 'x', start: 10, end: 20 }, 2)
    pushSpan(broken, { kind: 'thinking', start: 21, end: 22 }, 2)
    expect(broken.map((s) => [s.start, s.end])).toEqual([
      [0, 20],
      [21, 22],
    ])
  })
})
