// The Timeline section of a past mission's report, from lanes replayed out of real journal lines:
// lane names, swimlane columns, tool totals, compactions, and the bounds of a mission of many agents.
import { describe, expect, it } from 'vitest'
import type { Role } from '../../../src/engine/ports'
import type { JournalEntryInput } from '../../../src/engine/record/entries'
import { MissionJournal, parseEntries } from '../../../src/engine/record/journal'
import { replay } from '../../../src/engine/record/replay'
import { missionReport } from '../../../src/engine/record/mission-report'
import type { JournalSpan } from '../../../src/engine/record/timeline'
import {
  SWIMLANE_COLUMNS,
  TIMELINE_MD_LANES,
  TIMELINE_MD_ROWS,
  timelineMarkdown,
} from '../../../src/engine/record/timeline-markdown'
import { FakeClock } from '../../fixtures/fake-clock'
import { MemoryStore } from '../../fixtures/memory-journal'

const T0 = 1_800_000_000_000
const s = (sec: number) => T0 + sec * 1000

/** Writes entries through a real journal, one second apart unless an entry says when, and replays its lines. */
async function journaled(entries: (JournalEntryInput | { wait: number })[]) {
  const store = new MemoryStore()
  const clock = new FakeClock(T0)
  const { journal } = await MissionJournal.open({ store, clock })
  for (const e of entries) {
    if ('wait' in e) clock.advance(e.wait)
    else await journal.append(e)
  }
  const { entries: read, skipped } = parseEntries(store.lines)
  expect(skipped).toBe(0)
  return replay(read)
}

const session = (sessionId: string, role: Role, todoId?: string): JournalEntryInput => ({
  type: 'session.created',
  sessionId,
  role,
  ...(todoId !== undefined && { todoId }),
})
const lane = (sessionId: string, from: number, spans: JournalSpan[], compactions?: number[]) =>
  ({
    type: 'timeline',
    sessionId,
    from,
    spans,
    ...(compactions && { compactions }),
  }) satisfies JournalEntryInput

// A 60 s mission: one swimlane column is one second.
const mission = () =>
  journaled([
    { type: 'mission.started', goal: 'Build the api', options: {} },
    session('p1', 'planner'),
    session('w1', 'worker', 'api'),
    session('r1', 'reviewer', 'api'),
    lane('p1', s(0), [
      ['thinking', 0, 5000],
      ['tool', 0, 1000, 'orchestrator_plan'],
      ['idle', 0, 4000],
    ]),
    { wait: 20_000 },
    lane('w1', s(10), [
      ['thinking', 0, 2000],
      ['tool', 0, 8000, 'bash'],
      ['thinking', 0, 1000],
      ['tool', 0, 200, 'read'],
      ['thinking', 0, 800],
      ['permission', 0, 8000],
    ]),
    { wait: 20_000 },
    lane(
      'w1',
      s(30),
      [
        ['tool', 0, 3000, 'bash'],
        ['retry', 0, 2000],
        ['thinking', 0, 5000],
        ['tool', 0, 1000, 'orchestrator_report'],
      ],
      [s(36)],
    ),
    lane('r1', s(45), [
      ['thinking', 0, 5000],
      ['tool', 0, 1000, 'orchestrator_verdict'],
    ]),
    { wait: 20_000 },
    { type: 'mission.ended', status: 'completed', reason: 'verified' },
  ])

/** The swimlane row of a lane: its columns between the bars. */
function row(md: string, label: string): string {
  const lines = md.split('\n')
  const line = lines.find((l) => l.includes(' |') && l.slice(0, l.indexOf(' |')).trimEnd() === label)
  if (line === undefined) throw new Error(`no swimlane for ${label}`)
  return line.slice(line.indexOf(' |') + 2, -1)
}

/** The line under a lane's row (its compaction marks, if it has any). */
function below(md: string, label: string): string {
  const lines = md.split('\n')
  const i = lines.findIndex((l) => l.includes(' |') && l.slice(0, l.indexOf(' |')).trimEnd() === label)
  return lines[i + 1] ?? ''
}

describe("a past mission's timeline in its report", () => {
  it('names the lanes by role and todo, in lane order, with their active time and span count', async () => {
    const md = missionReport('m1', await mission())
    const timeline = md.slice(md.indexOf('## Timeline'))
    expect(md.indexOf('## Timeline')).toBeGreaterThan(md.indexOf('## Evidence'))
    expect([...timeline.matchAll(/^### (.+)$/gm)].map((m) => m[1])).toEqual([
      'planner',
      'worker · api',
      'reviewer · api',
    ])
    expect(timeline).toContain('_3 lanes over 1m 00s; one column ≈ 1.0 s;')
    // 10 s of the worker's 31 s were the permission wait and the retry: active, not idle.
    expect(timeline).toContain(
      '- Active: 31.0 s over 10 spans (thinking 8.8 s · tool 12.2 s · permission wait 8.0 s · provider retry 2.0 s)',
    )
    expect(timeline).toContain('- Active: 6.0 s over 3 spans (thinking 5.0 s · tool 1.0 s); idle 4.0 s')
  })

  it('draws each lane over the mission, one character class per kind', async () => {
    const md = missionReport('m1', await mission())
    expect(md).toContain('~ thinking  # tool  ? permission wait  ! provider retry  . idle  ^ compaction')
    const planner = row(md, 'planner')
    expect(planner).toHaveLength(SWIMLANE_COLUMNS)
    expect(planner).toBe(`~~~~~#....${' '.repeat(50)}`)
    const worker = row(md, 'worker · api')
    expect(worker.slice(0, 10)).toBe(' '.repeat(10)) // it started at 10 s
    expect(worker.slice(10, 22)).toBe('~~########~~') // the 0.2 s read loses its column to thinking
    expect(worker.slice(22, 30)).toBe('?'.repeat(8))
    expect(worker.slice(30, 41)).toBe('###!!~~~~~#')
    expect(worker.slice(41)).toBe(' '.repeat(19))
    expect(row(md, 'reviewer · api').slice(44, 52)).toBe(' ~~~~~# ')
  })

  it('marks compactions under the lane and lists them as offsets from the start', async () => {
    const md = missionReport('m1', await mission())
    const marks = below(md, 'worker · api')
    expect(marks.slice(marks.indexOf('|') + 1, -1)).toBe(`${' '.repeat(36)}^${' '.repeat(23)}`)
    expect(md).toContain('- Compacted 1×: at +36.0 s')
    // Lanes without compactions have no mark row.
    expect(below(md, 'planner').startsWith('worker · api')).toBe(true)
  })

  it("totals each lane's tools by name and lists its longest spans with their offsets", async () => {
    const md = missionReport('m1', await mission())
    const worker = md.slice(md.indexOf('### worker · api'), md.indexOf('### reviewer · api'))
    expect(worker).toContain(
      [
        '| Tool | Spans | Total |',
        '| --- | ---: | ---: |',
        '| `bash` | 2 | 11.0 s |',
        '| `orchestrator_report` | 1 | 1.0 s |',
        '| `read` | 1 | 200 ms |',
      ].join('\n'),
    )
    expect(worker).toContain(
      [
        '| Longest spans | From | To | Duration |',
        '| --- | ---: | ---: | ---: |',
        '| tool `bash` | +12.0 s | +20.0 s | 8.0 s |',
        '| permission wait | +22.0 s | +30.0 s | 8.0 s |',
        '| thinking | +35.0 s | +40.0 s | 5.0 s |',
        '| tool `bash` | +30.0 s | +33.0 s | 3.0 s |',
        '| thinking | +10.0 s | +12.0 s | 2.0 s |',
      ].join('\n'),
    )
  })

  it('says so in one line when the mission journaled no timeline', async () => {
    const snap = await journaled([{ type: 'mission.started', goal: 'Nothing yet', options: {} }])
    expect(timelineMarkdown(snap)).toEqual([
      '## Timeline',
      '',
      '_No timeline was journaled for this mission._',
    ])
  })

  it('stays bounded with many lanes, many tools and merged spans', async () => {
    const tools = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']
    const entries: JournalEntryInput[] = [{ type: 'mission.started', goal: 'Many agents', options: {} }]
    for (let i = 0; i < 20; i++) {
      // Two sessions per todo (a retried worker); the lane of todo 0 is the busiest.
      entries.push(session(`w${i}`, 'worker', `todo-${Math.floor(i / 2)}`))
      const spans: JournalSpan[] = []
      for (let k = 0; k < 150; k++) spans.push(['tool', 0, 100 + (20 - i) * 10, tools[k % tools.length]!])
      entries.push(lane(`w${i}`, T0, spans))
    }
    const md = missionReport('m1', await journaled(entries))
    const timeline = md.slice(md.indexOf('## Timeline'))
    const headings = [...timeline.matchAll(/^### (.+)$/gm)].map((m) => m[1])
    expect(headings).toHaveLength(TIMELINE_MD_LANES)
    // The most active lanes, in lane order, a second lane of a todo numbered.
    expect(headings.slice(0, 3)).toEqual(['worker · todo-0', 'worker · todo-0 #2', 'worker · todo-1'])
    expect(timeline).toContain('_8 less active lanes are not shown (')
    expect(timeline).not.toContain('### worker · todo-6')
    const swim = timeline.slice(timeline.indexOf('```text'), timeline.indexOf('```\n', 8))
    expect(swim.split('\n').filter((l) => l.includes(' |'))).toHaveLength(TIMELINE_MD_LANES)

    const first = timeline.slice(
      timeline.indexOf('### worker · todo-0\n'),
      timeline.indexOf('### worker · todo-0 #2'),
    )
    // 150 tool calls were journaled; the lane keeps 120 spans, and the note says its tables are approximate.
    expect(first).toContain('over 150 spans')
    expect(first).toContain(
      '- 150 spans are kept as 120 (merged to bound the lane): the tables are approximate.',
    )
    const toolRows = first.split('\n').filter((l) => /^\| (`|_)/.test(l))
    expect(toolRows).toHaveLength(TIMELINE_MD_ROWS)
    expect(toolRows.at(-1)).toMatch(/^\| _4 other tools_ \| \d+ \| /)
    const spanRows = first.split('\n').filter((l) => l.startsWith('| tool '))
    expect(spanRows).toHaveLength(TIMELINE_MD_ROWS)
    expect(timeline.split('\n').length).toBeLessThan(TIMELINE_MD_LANES * 25)
  })
})
