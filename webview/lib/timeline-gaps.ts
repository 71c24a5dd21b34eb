// Where the mission was not running. Within one run of the mission every lane records without a
// break from its first span, and some lane always has one open; the host marks where a lane's record
// breaks (a reload lost what was open). The mission was not running where no lane recorded anything
// between two stretches of record: the gap's start is the last moment the journal knew of before the
// reload, its end the first one after the resume.

import type { TimelineLaneView } from '../../src/shared/protocol'
import { formatClock } from './timeline-axis'

export interface ReloadGap {
  from: number
  to: number
}

/** A lane's stretches of record, `[from, to]`; the last one runs on while the lane has an open span. */
const stretches = new WeakMap<TimelineLaneView, [number, number][]>()

function stretchesOf(l: TimelineLaneView): [number, number][] {
  let out = stretches.get(l)
  if (out) return out
  out = []
  let from = l.spans[0]?.start ?? l.open?.start
  if (from !== undefined) {
    for (const g of l.gaps ?? []) {
      out.push([from, g.from])
      from = g.to
    }
    out.push([from, l.open ? Infinity : Math.max(from, l.spans.at(-1)?.end ?? from)])
  }
  stretches.set(l, out)
  return out
}

/** The times no lane recorded anything, between the first record and the last (oldest first). */
export function reloadGaps(lanes: readonly TimelineLaneView[]): ReloadGap[] {
  const all = lanes.flatMap(stretchesOf).sort((a, b) => a[0] - b[0])
  const gaps: ReloadGap[] = []
  let reach: number | undefined
  for (const [from, to] of all) {
    if (reach !== undefined && from > reach) gaps.push({ from: reach, to: from })
    reach = reach === undefined ? to : Math.max(reach, to)
  }
  return gaps
}

export const gapTitle = (g: ReloadGap, origin: number): string =>
  `Not running from ${formatClock(g.from - origin)} to ${formatClock(g.to - origin)}: the window reloaded, nothing was recorded`
