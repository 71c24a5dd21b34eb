// A mission's journaled timeline as a Markdown section of its history report: one fixed-width text
// swimlane per lane in a code block (the shape of the mission, alike in the plain editor and in the
// preview), then per lane its active time, compactions, tools and longest spans. Bounded in lanes
// and rows, so a mission of many agents stays readable.

import { formatDuration } from '../../shared/format-duration'
import type { MissionSnapshot } from './entries'
import { TIMELINE_KINDS, activeMs, type TimelineKind, type TimelineLane, type TimelineSpan } from './timeline'
import { fenced } from './transcript-markdown'
import { cutLine } from '../util/cut-line'

/** Columns of a swimlane: the mission's duration in equal slices. */
export const SWIMLANE_COLUMNS = 60
/** The most lanes shown; past it the most active ones are kept (in lane order). */
export const TIMELINE_MD_LANES = 12
/** The most rows of each lane's tool table and of its longest-spans table. */
export const TIMELINE_MD_ROWS = 5
/** Lane names are cut to this width in the swimlanes. */
const LABEL_WIDTH = 24

export const KIND_CHAR: Record<TimelineKind, string> = {
  thinking: '~',
  tool: '#',
  permission: '?',
  retry: '!',
  idle: '.',
}
export const COMPACTION_CHAR = '^'

const KIND_LABEL: Record<TimelineKind, string> = {
  thinking: 'thinking',
  tool: 'tool',
  permission: 'permission wait',
  retry: 'provider retry',
  idle: 'idle',
}

/** Who wins a column shared equally: the rarer, telling kinds first. */
const PRIORITY: readonly TimelineKind[] = ['permission', 'retry', 'tool', 'thinking', 'idle']

interface Lane {
  label: string
  lane: TimelineLane
  /** Spans as they happened (a merged span counts for the spans it holds). */
  count: number
  /** Time not idle. */
  active: number
  byKind: Map<TimelineKind, number>
}

/** The Timeline section's lines (pure). */
export function timelineMarkdown(snap: MissionSnapshot): string[] {
  const out = ['## Timeline', '']
  const spans = snap.timeline.flatMap((l) => l.spans)
  const marks = snap.timeline.flatMap((l) => l.compactions)
  if (spans.length === 0 && marks.length === 0)
    return [...out, '_No timeline was journaled for this mission._']
  const origin = snap.startedAt ?? Math.min(...spans.map((s) => s.start), ...marks)
  const end = Math.max(origin, snap.endedAt ?? origin, ...spans.map((s) => s.end), ...marks)
  const lanes = labelled(snap)
  const shown = lanes.length <= TIMELINE_MD_LANES ? lanes : mostActive(lanes)
  const column = Math.max(1, end - origin) / SWIMLANE_COLUMNS
  out.push(
    `_${lanes.length} lane${lanes.length === 1 ? '' : 's'} over ${formatDuration(end - origin)}; ` +
      `one column ≈ ${formatDuration(column)}; times are offsets from the mission's start._`,
    '',
    fenced(swimlanes(shown, origin, end, column).join('\n'), 'text'),
  )
  if (shown.length < lanes.length) {
    const hidden = lanes.filter((l) => !shown.includes(l))
    const time = hidden.reduce((sum, l) => sum + l.active, 0)
    out.push(
      '',
      `_${hidden.length} less active lanes are not shown (${formatDuration(time)} active in all)._`,
    )
  }
  for (const l of shown) out.push('', ...laneDetails(l, origin))
  return out
}

/** Lanes named by role and todo, in lane order; a name met again gets a number (a retried todo). */
function labelled(snap: MissionSnapshot): Lane[] {
  const seen = new Map<string, number>()
  return snap.timeline.map((lane) => {
    const s = snap.sessions[lane.sessionId]
    const name = s
      ? `${s.role}${s.todoId !== undefined ? ` · ${s.todoId}` : ''}`
      : `session ${lane.sessionId}`
    const n = (seen.get(name) ?? 0) + 1
    seen.set(name, n)
    const byKind = new Map<TimelineKind, number>()
    for (const sp of lane.spans) byKind.set(sp.kind, (byKind.get(sp.kind) ?? 0) + (sp.end - sp.start))
    return {
      label: n === 1 ? name : `${name} #${n}`,
      lane,
      count: lane.spans.reduce((sum, sp) => sum + (sp.merged ?? 1), 0),
      active: activeMs(lane),
      byKind,
    }
  })
}

function mostActive(lanes: Lane[]): Lane[] {
  const keep = new Set([...lanes].sort((a, b) => b.active - a.active).slice(0, TIMELINE_MD_LANES))
  return lanes.filter((l) => keep.has(l))
}

function swimlanes(lanes: Lane[], origin: number, end: number, column: number): string[] {
  const width = Math.min(LABEL_WIDTH, Math.max(...lanes.map((l) => l.label.length)))
  const pad = ' '.repeat(width)
  const right = formatDuration(end - origin)
  const legend = TIMELINE_KINDS.map((k) => `${KIND_CHAR[k]} ${KIND_LABEL[k]}`)
  const out = [
    `${legend.join('  ')}  ${COMPACTION_CHAR} compaction`,
    '',
    `${pad} 0${' '.repeat(Math.max(1, SWIMLANE_COLUMNS + 1 - right.length))}${right}`,
  ]
  for (const l of lanes) {
    out.push(`${cutLine(l.label, width).padEnd(width)} |${lanePixels(l.lane.spans, origin, column)}|`)
    if (l.lane.compactions.length) {
      const row = Array<string>(SWIMLANE_COLUMNS).fill(' ')
      for (const t of l.lane.compactions) row[columnOf(t, origin, column)] = COMPACTION_CHAR
      out.push(`${pad} |${row.join('')}|`)
    }
  }
  return out
}

const columnOf = (t: number, origin: number, column: number) =>
  Math.min(SWIMLANE_COLUMNS - 1, Math.max(0, Math.floor((t - origin) / column)))

/**
 * Each column shows the kind that took most of its time, or stays blank when most of it had no span;
 * a tool call too short to win a column still shows on the tables under the lane.
 */
export function lanePixels(spans: readonly TimelineSpan[], origin: number, column: number): string {
  const time = Array.from({ length: SWIMLANE_COLUMNS }, () => new Map<TimelineKind, number>())
  for (const s of spans)
    for (let c = columnOf(s.start, origin, column); c <= columnOf(s.end, origin, column); c++) {
      const from = origin + c * column
      const overlap = Math.min(s.end, from + column) - Math.max(s.start, from)
      const cell = time[c]
      if (overlap > 0 && cell) cell.set(s.kind, (cell.get(s.kind) ?? 0) + overlap)
    }
  return time
    .map((cell) => {
      let best: TimelineKind | undefined
      let most = 0
      for (const k of PRIORITY)
        if ((cell.get(k) ?? 0) > most) {
          best = k
          most = cell.get(k) ?? 0
        }
      const covered = [...cell.values()].reduce((a, b) => a + b, 0)
      return best === undefined || column - covered > most ? ' ' : KIND_CHAR[best]
    })
    .join('')
}

function laneDetails(l: Lane, origin: number): string[] {
  const at = (t: number) => `+${formatDuration(Math.max(0, t - origin))}`
  const kinds = TIMELINE_KINDS.filter((k) => k !== 'idle' && l.byKind.has(k)).map(
    (k) => `${KIND_LABEL[k]} ${formatDuration(l.byKind.get(k) ?? 0)}`,
  )
  const idle = l.byKind.get('idle')
  const out = [
    `### ${l.label}`,
    '',
    `- Active: ${formatDuration(l.active)} over ${l.count} span${l.count === 1 ? '' : 's'}` +
      (kinds.length ? ` (${kinds.join(' · ')})` : '') +
      (idle !== undefined ? `; idle ${formatDuration(idle)}` : ''),
  ]
  const { compactions, spans } = l.lane
  if (compactions.length) out.push(`- Compacted ${compactions.length}×: at ${compactions.map(at).join(', ')}`)
  if (l.count > spans.length)
    out.push(
      `- ${l.count} spans are kept as ${spans.length} (merged to bound the lane): the tables are approximate.`,
    )

  const tools = new Map<string, { spans: number; time: number }>()
  for (const s of spans) {
    if (s.kind !== 'tool') continue
    const t = tools.get(s.name ?? '?') ?? { spans: 0, time: 0 }
    tools.set(s.name ?? '?', { spans: t.spans + (s.merged ?? 1), time: t.time + (s.end - s.start) })
  }
  const ranked = [...tools].sort((a, b) => b[1].time - a[1].time || b[1].spans - a[1].spans)
  if (ranked.length) {
    out.push('', '| Tool | Spans | Total |', '| --- | ---: | ---: |')
    const top = ranked.length <= TIMELINE_MD_ROWS ? ranked : ranked.slice(0, TIMELINE_MD_ROWS - 1)
    for (const [name, t] of top) out.push(`| ${code(name)} | ${t.spans} | ${formatDuration(t.time)} |`)
    const rest = ranked.slice(top.length)
    if (rest.length) {
      const spanSum = rest.reduce((sum, [, t]) => sum + t.spans, 0)
      const timeSum = rest.reduce((sum, [, t]) => sum + t.time, 0)
      out.push(`| _${rest.length} other tools_ | ${spanSum} | ${formatDuration(timeSum)} |`)
    }
  }

  // Idle is the absence of work: the longest spans are of what the agent did or waited on.
  const longest = spans
    .filter((s) => s.kind !== 'idle')
    .sort((a, b) => b.end - b.start - (a.end - a.start) || a.start - b.start)
    .slice(0, TIMELINE_MD_ROWS)
  if (longest.length) {
    out.push('', '| Longest spans | From | To | Duration |', '| --- | ---: | ---: | ---: |')
    for (const s of longest) {
      const what = s.kind === 'tool' && s.name !== undefined ? `tool ${code(s.name)}` : KIND_LABEL[s.kind]
      out.push(`| ${what} | ${at(s.start)} | ${at(s.end)} | ${formatDuration(s.end - s.start)} |`)
    }
  }
  return out
}

/** A tool name as inline code inside a table cell: no backtick or pipe can break out of it. */
const code = (name: string) => `\`${name.replace(/`/g, "'").replace(/\|/g, '\\|')}\``
