// Layout of the timeline: where a span sits on its lane and what its tooltip says. Pure, for tests.

import type { TimelineKind, TimelineLaneView, TimelineSpanView } from '../../src/shared/protocol'
import { formatDuration } from './format'
import { formatClock } from './timeline-axis'

/**
 * The least horizontal scale, in pixels per second of mission time: a mission short enough fits the
 * view's width, a longer one is drawn at this scale and scrolls.
 */
export const PX_PER_SECOND = 2
/** A span is never drawn narrower than this, so a short tool call stays visible and hoverable. */
export const MIN_SPAN_PX = 2

export const KIND_LABEL: Record<TimelineKind, string> = {
  thinking: 'thinking',
  tool: 'tool',
  permission: 'waiting on permission',
  retry: 'provider retry',
  idle: 'idle',
}

/** Every kind of span, in the legend's order. */
export const KINDS = Object.keys(KIND_LABEL) as TimelineKind[]

export interface PlacedSpan {
  kind: TimelineKind
  left: number
  width: number
  title: string
  /** Its accessible name: the title and when it started. */
  label: string
  open: boolean
}

export const toPx = (ms: number, pxPerSecond = PX_PER_SECOND): number => (ms / 1000) * pxPerSecond

/**
 * The scale that fits `durationMs` into `widthPx`, never below {@link PX_PER_SECOND}, in steps of
 * doubling: every span moves when the scale changes, so it changes a few times a mission, not at
 * every tick of the clock.
 */
export function fitScale(durationMs: number, widthPx: number): number {
  const fit = durationMs > 0 ? widthPx / (durationMs / 1000) : 0
  if (!(fit > PX_PER_SECOND)) return PX_PER_SECOND
  return PX_PER_SECOND * 2 ** Math.floor(Math.log2(fit / PX_PER_SECOND))
}

export function spanTitle(
  s: Pick<DrawnSpan, 'kind' | 'name' | 'merged' | 'tools'>,
  durationMs: number,
): string {
  const what = s.kind === 'tool' && s.name ? `tool ${s.name}` : KIND_LABEL[s.kind]
  const tools = s.tools ?? []
  const named = tools.length
    ? `; tools ${tools.slice(0, MERGED_TOOLS_SHOWN).join(', ')}${tools.length > MERGED_TOOLS_SHOWN ? ', …' : ''}`
    : ''
  const merged = s.merged && s.merged > 1 ? ` (${s.merged} spans merged${named})` : ''
  return `${what} · ${formatDuration(durationMs)}${merged}`
}

/** A closed span as drawn: merged ones name the tools they hold. */
export type DrawnSpan = TimelineSpanView & { tools?: string[] }

/** Tools named in a merged span's tooltip, at most. */
const MERGED_TOOLS_SHOWN = 4

/**
 * The closed spans as drawn at `pxPerSecond`: a span narrower than {@link MIN_SPAN_PX} joins its
 * neighbour when no visible gap parts them, taking the kind and name of the longer part, counting
 * what it merged and naming the tools in it. A burst of short tool calls becomes one span of its
 * width, never more elements than the lane has pixels.
 */
export function drawable(spans: readonly TimelineSpanView[], pxPerSecond = PX_PER_SECOND): DrawnSpan[] {
  const out: DrawnSpan[] = []
  const wide = (ms: number) => toPx(ms, pxPerSecond) >= MIN_SPAN_PX
  for (const s of spans) {
    const last = out.at(-1)
    if (!last || wide(s.start - last.end) || (wide(last.end - last.start) && wide(s.end - s.start))) {
      out.push(s)
      continue
    }
    const longer = s.end - s.start > last.end - last.start ? s : last
    const tools = [...new Set([...toolsOf(last), ...toolsOf(s)])]
    out[out.length - 1] = {
      kind: longer.kind,
      ...(longer.name !== undefined && { name: longer.name }),
      start: last.start,
      end: s.end,
      merged: (last.merged ?? 1) + (s.merged ?? 1),
      ...(tools.length > 0 && { tools }),
    }
  }
  return out
}

const toolsOf = (s: DrawnSpan): string[] => s.tools ?? (s.kind === 'tool' && s.name ? [s.name] : [])

/** A closed span placed from the mission's start. */
export function placeSpan(s: DrawnSpan, origin: number, pxPerSecond = PX_PER_SECOND): PlacedSpan {
  const title = spanTitle(s, s.end - s.start)
  return {
    kind: s.kind,
    left: toPx(s.start - origin, pxPerSecond),
    width: Math.max(MIN_SPAN_PX, toPx(s.end - s.start, pxPerSecond)),
    title,
    label: `${title}, at ${formatClock(s.start - origin)}`,
    open: false,
  }
}

/** The open span, running from its start to `end` (never drawn before it starts). */
export function placeOpen(
  open: NonNullable<TimelineLaneView['open']>,
  origin: number,
  end: number,
  pxPerSecond = PX_PER_SECOND,
): PlacedSpan {
  const until = Math.max(end, open.start)
  const title = `${spanTitle(open, until - open.start)} so far`
  return {
    kind: open.kind,
    left: toPx(open.start - origin, pxPerSecond),
    width: Math.max(MIN_SPAN_PX, toPx(until - open.start, pxPerSecond)),
    title,
    label: `${title}, at ${formatClock(open.start - origin)}`,
    open: true,
  }
}

/** Within this many pixels of the right edge, the view counts as following the present. */
export const FOLLOW_SLACK_PX = 8

export const atRightEdge = (el: { scrollLeft: number; clientWidth: number; scrollWidth: number }): boolean =>
  el.scrollLeft + el.clientWidth >= el.scrollWidth - FOLLOW_SLACK_PX
