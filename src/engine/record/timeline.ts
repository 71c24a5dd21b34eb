// The mission's timeline: per root session, what its agent was doing over time (thinking, a named tool
// call, waiting on a permission, the provider retrying, idle), for which todo, and when its context
// was compacted. Folded from host events; closed spans are journaled in batches at turn ends (one
// entry per lane and todo) and replayed with the same capping, so a reloaded mission shows the lanes
// it showed live. A session reused for several todos keeps each span under the todo it was for.
// Within one run of the mission a lane's spans follow one another without a break: a break is where
// the mission was not running (the window reloaded), and capping never merges across it.

import type { HostEvent } from '../ports'

export type TimelineKind = 'thinking' | 'tool' | 'permission' | 'retry' | 'idle'

export const TIMELINE_KINDS: readonly TimelineKind[] = ['thinking', 'tool', 'permission', 'retry', 'idle']

export interface TimelineSpan {
  kind: TimelineKind
  /** The tool of a `tool` span. */
  name?: string
  /** The todo the agent worked on (its turn's, or the one before for the idle after it). */
  todoId?: string
  start: number
  end: number
  /** How many spans were merged into this one to keep the lane bounded (absent: one). */
  merged?: number
}

/** What the agent is doing now, since `start`. */
export type OpenSpan = Pick<TimelineSpan, 'kind' | 'name' | 'todoId' | 'start'>

export interface TimelineLane {
  sessionId: string
  /** Closed spans, oldest first, at most {@link TIMELINE_LANE_MAX} (older ones merged). */
  spans: TimelineSpan[]
  /** What the agent is doing now, since `start`. */
  open?: OpenSpan
  /** When the session's context was compacted. */
  compactions: number[]
}

/** The time a lane's closed spans spent on anything but idling (ms). */
export const activeMs = (lane: Pick<TimelineLane, 'spans'>): number =>
  lane.spans.reduce((sum, s) => sum + (s.kind === 'idle' ? 0 : s.end - s.start), 0)

/** The most spans a lane keeps; past it the shortest adjacent pair merges (long spans stay visible). */
export const TIMELINE_LANE_MAX = 120

/** Whether two neighbouring spans may become one: same todo, and no break in the record between them. */
const joinable = (a: TimelineSpan, b: TimelineSpan): boolean => a.todoId === b.todoId && a.end === b.start

/**
 * Appends a span to a lane's spans in place, merging the shortest adjacent pair past the cap. Pairs of
 * one todo without a break between them merge first: the lane keeps which todo each span was for and
 * where the mission was not running (unless nothing else is left to merge).
 */
export function pushSpan(spans: TimelineSpan[], span: TimelineSpan, max = TIMELINE_LANE_MAX): void {
  const last = spans.at(-1)
  // A span continuing the same activity extends the last one (e.g. thinking, a tool, thinking).
  if (last && last.kind === span.kind && last.name === span.name && joinable(last, span)) {
    spans[spans.length - 1] = {
      ...last,
      end: span.end,
      ...(last.merged !== undefined && { merged: last.merged + (span.merged ?? 1) }),
    }
    return
  }
  spans.push(span)
  if (spans.length <= max) return
  let best = 0
  let bestLength = Infinity
  let bestJoinable = false
  for (let i = 0; i + 1 < spans.length; i++) {
    const a = spans[i] as TimelineSpan
    const b = spans[i + 1] as TimelineSpan
    const ok = joinable(a, b)
    if ((ok && !bestJoinable) || (ok === bestJoinable && b.end - a.start < bestLength)) {
      bestLength = b.end - a.start
      bestJoinable = ok
      best = i
    }
  }
  const a = spans[best] as TimelineSpan
  const b = spans[best + 1] as TimelineSpan
  const longer = b.end - b.start > a.end - a.start ? b : a
  const merged: TimelineSpan = {
    kind: longer.kind,
    ...(longer.name !== undefined && { name: longer.name }),
    ...(longer.todoId !== undefined && { todoId: longer.todoId }),
    start: a.start,
    end: b.end,
    merged: (a.merged ?? 1) + (b.merged ?? 1),
  }
  spans.splice(best, 2, merged)
}

interface LaneState {
  lane: TimelineLane
  /** The tool call the open `tool` span is for. */
  callId?: string
  /** The tool call a permission interrupted: it runs again once the permission is answered. */
  paused?: { name?: string; callId?: string }
  /** The todo the lane's latest turn was for: spans opened by events that name none keep it. */
  todoId?: string
  /** Closed spans and compactions not journaled yet. */
  unjournaled: { spans: TimelineSpan[]; compactions: number[] }
}

/** What a lane gathered since it was last journaled, for one todo (or none). */
export interface TimelineBatch {
  sessionId: string
  /** The todo of every span in the batch. */
  todoId?: string
  spans: TimelineSpan[]
  compactions: number[]
}

export class Timeline {
  readonly #lanes = new Map<string, LaneState>()
  #list: TimelineLane[] = []

  /** The lanes, in the order their sessions first did something; replaced whenever one changes. */
  get lanes(): TimelineLane[] {
    return this.#list
  }

  /** Takes over lanes replayed from the journal (a resumed mission). */
  seed(lanes: readonly TimelineLane[]): void {
    for (const l of lanes) {
      const todoId = l.spans.at(-1)?.todoId
      this.#lanes.set(l.sessionId, {
        lane: { sessionId: l.sessionId, spans: [...l.spans], compactions: [...l.compactions] },
        ...(todoId !== undefined && { todoId }),
        unjournaled: { spans: [], compactions: [] },
      })
    }
    this.#list = [...this.#lanes.values()].map((s) => s.lane)
  }

  /**
   * Folds an event of the session tree under `rootId` into that root's lane; true when it changed.
   * `todoId` is the todo of the root's turn: spans opened from now on are for it (absent: the lane's
   * latest todo).
   */
  fold(rootId: string, event: HostEvent, now: number, todoId?: string): boolean {
    if (todoId !== undefined) {
      const known = this.#lanes.get(rootId)
      if (known) known.todoId = todoId
    }
    const s = this.#lanes.get(rootId)
    const current = s?.lane.open
    const next = nextActivity(current, s?.callId, event, s?.paused)
    if (event.type === 'session.compacted' && event.sessionId === rootId) {
      const state = s ?? this.#add(rootId, todoId)
      state.lane = { ...state.lane, compactions: [...state.lane.compactions, now] }
      state.unjournaled.compactions.push(now)
      this.#refresh()
      return true
    }
    if (next === undefined) return false
    const state = s ?? this.#add(rootId, todoId)
    if (next.kind === 'permission' && current?.kind === 'tool')
      state.paused = {
        ...(current.name !== undefined && { name: current.name }),
        ...(state.callId !== undefined && { callId: state.callId }),
      }
    else if (next.kind !== 'permission') delete state.paused
    if (next.callId !== undefined) state.callId = next.callId
    else delete state.callId
    this.#switch(state, next.kind === undefined ? undefined : { kind: next.kind, name: next.name }, now)
    return true
  }

  /** Closes every lane's open activity (the mission ended); a trailing idle is not kept. */
  closeAll(now: number): void {
    let changed = false
    for (const s of this.#lanes.values())
      if (s.lane.open) {
        this.#switch(s, undefined, now, false)
        changed = true
      }
    if (changed) this.#refresh()
  }

  /**
   * Hands over what lanes gathered since their last batch (all lanes, or the one of `sessionId`): a
   * batch per lane and run of spans of one todo; the compactions go with the lane's last batch.
   */
  take(sessionId?: string): TimelineBatch[] {
    const out: TimelineBatch[] = []
    // One lane is looked up, not found among the mission's thousands.
    const one = sessionId === undefined ? undefined : this.#lanes.get(sessionId)
    const lanes = sessionId === undefined ? this.#lanes : one ? [[sessionId, one] as const] : []
    for (const [id, s] of lanes) {
      const { spans, compactions } = s.unjournaled
      if (spans.length === 0 && compactions.length === 0) continue
      const runs: TimelineSpan[][] = []
      for (const span of spans) {
        const run = runs.at(-1)
        if (run && run[0]?.todoId === span.todoId) run.push(span)
        else runs.push([span])
      }
      if (runs.length === 0) runs.push([])
      runs.forEach((run, i) => {
        const todoId = run[0]?.todoId
        out.push({
          sessionId: id,
          ...(todoId !== undefined && { todoId }),
          spans: run,
          compactions: i === runs.length - 1 ? compactions : [],
        })
      })
      s.unjournaled = { spans: [], compactions: [] }
    }
    return out
  }

  #add(sessionId: string, todoId: string | undefined): LaneState {
    const state: LaneState = {
      lane: { sessionId, spans: [], compactions: [] },
      ...(todoId !== undefined && { todoId }),
      unjournaled: { spans: [], compactions: [] },
    }
    this.#lanes.set(sessionId, state)
    return state
  }

  #switch(
    s: LaneState,
    next: { kind: TimelineKind; name?: string | undefined } | undefined,
    now: number,
    refresh = true,
  ): void {
    const open = s.lane.open
    let spans = s.lane.spans
    // A tool call is kept even when it took no measurable time: its name is what the lane shows.
    if (open && (now > open.start || open.kind === 'tool')) {
      const span: TimelineSpan = {
        kind: open.kind,
        ...(open.name !== undefined && { name: open.name }),
        ...(open.todoId !== undefined && { todoId: open.todoId }),
        start: open.start,
        end: now,
      }
      spans = [...spans]
      pushSpan(spans, span)
      s.unjournaled.spans.push(span)
    }
    s.lane = {
      sessionId: s.lane.sessionId,
      spans,
      ...(next && {
        open: {
          kind: next.kind,
          ...(next.name !== undefined && { name: next.name }),
          ...(s.todoId !== undefined && { todoId: s.todoId }),
          start: now,
        },
      }),
      compactions: s.lane.compactions,
    }
    if (refresh) this.#refresh()
  }

  #refresh(): void {
    this.#list = [...this.#lanes.values()].map((s) => s.lane)
  }
}

type Activity = { kind: TimelineKind | undefined; name?: string; callId?: string }

/** The activity an event moves a lane to, or undefined when it changes nothing. */
function nextActivity(
  open: TimelineLane['open'],
  callId: string | undefined,
  e: HostEvent,
  paused: { name?: string; callId?: string } | undefined,
): Activity | undefined {
  const kind = open?.kind
  const to = (next: TimelineKind, name?: string, call?: string): Activity | undefined =>
    kind === next && open?.name === name && call === callId
      ? undefined
      : { kind: next, ...(name !== undefined && { name }), ...(call !== undefined && { callId: call }) }
  switch (e.type) {
    case 'session.status':
      if (e.status.type === 'retry') return to('retry')
      if (e.status.type === 'idle') return to('idle')
      // Busy says nothing new while a tool runs or a permission is open.
      return kind === 'tool' || kind === 'permission' ? undefined : to('thinking')
    case 'session.idle':
      return to('idle')
    case 'part.text':
      return kind === undefined || kind === 'idle' || kind === 'retry' ? to('thinking') : undefined
    case 'part.tool':
      if (e.status === 'pending' || e.status === 'running') return to('tool', e.tool, e.callId)
      return kind === 'tool' && callId === e.callId ? to('thinking') : undefined
    case 'permission.asked':
      return to('permission')
    case 'permission.replied':
      if (kind !== 'permission') return undefined
      return paused ? to('tool', paused.name, paused.callId) : to('thinking')
    default:
      return undefined
  }
}

/**
 * A span as the journal stores it: `[kind, gap, duration, name?]` in ms, the gap counted from the end
 * of the span before it in the batch (from the batch's `from` for the first). A lane's spans follow
 * one another, so gaps are 0: a span costs some 20 bytes instead of 60.
 */
export type JournalSpan = [TimelineKind, number, number] | [TimelineKind, number, number, string]

/** A batch as the journal stores it. */
export interface TimelineEntry {
  sessionId: string
  /** The todo of the batch's spans (absent: none, or a journal from before spans had one). */
  todoId?: string
  from: number
  spans: JournalSpan[]
  compactions?: number[]
}

export function timelineEntry(b: TimelineBatch): TimelineEntry {
  const from = b.spans[0]?.start ?? 0
  let at = from
  const spans = b.spans.map((s): JournalSpan => {
    const gap = s.start - at
    at = s.end
    return s.name === undefined ? [s.kind, gap, s.end - s.start] : [s.kind, gap, s.end - s.start, s.name]
  })
  return {
    sessionId: b.sessionId,
    ...(b.todoId !== undefined && { todoId: b.todoId }),
    from,
    spans,
    ...(b.compactions.length > 0 && { compactions: b.compactions }),
  }
}

/**
 * The spans of a journaled batch, each with the batch's todo; entries of an unknown kind (a newer
 * journal) are skipped, and a todo that is not a string (a damaged line) is left out.
 */
export function entrySpans(e: Pick<TimelineEntry, 'from' | 'spans' | 'todoId'>): TimelineSpan[] {
  const out: TimelineSpan[] = []
  const todoId = typeof e.todoId === 'string' ? e.todoId : undefined
  let at = e.from
  for (const [kind, gap, duration, name] of e.spans) {
    const start = at + gap
    at = start + duration
    if (!TIMELINE_KINDS.includes(kind)) continue
    out.push({
      kind,
      ...(name !== undefined && { name }),
      ...(todoId !== undefined && { todoId }),
      start,
      end: at,
    })
  }
  return out
}
