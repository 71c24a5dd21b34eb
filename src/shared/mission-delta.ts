// Deltas of the mission view: what changed between two MissionViews the host built, and how the
// webview applies it. The host builds unchanged parts as the same objects (see snapshot.ts), so a
// delta is found by identity and carries only changed agents, todos, lanes and fields; the webview
// keeps the objects it has for the rest, which also lets Svelte skip their rows. A changed lane
// carries only its spans that changed (a lane gains a span or two at a time): the timeline was most
// of every delta's size when lanes went whole.

import type { LaneEdit, MissionDelta, MissionView, TimelineLaneView, TimelineSpanView } from './protocol'
import { sameItems } from './same-items'

const LISTS: ReadonlySet<string> = new Set<keyof MissionView>(['agents', 'todos', 'timeline', 'id'])

const json = (v: unknown) => JSON.stringify(v)

/**
 * Whether a field changed. Most parts keep their identity while unchanged, and a list whose items all
 * do is unchanged; what the host rebuilt is compared by value, so it is sent only when it differs.
 */
const differs = (a: unknown, b: unknown): boolean =>
  a !== b &&
  !(Array.isArray(a) && Array.isArray(b) && sameItems(a, b)) &&
  (typeof a !== 'object' || typeof b !== 'object' || json(a) !== json(b))

/** What turns `prev` into `next`, or undefined when nothing changed. Both must be of one mission. */
export function missionDelta(prev: MissionView, next: MissionView): MissionDelta | undefined {
  const d: MissionDelta = { id: next.id }
  let changed = false
  const fields: NonNullable<MissionDelta['fields']> = {}
  const p = prev as unknown as Record<string, unknown>
  const n = next as unknown as Record<string, unknown>
  for (const k of new Set([...Object.keys(p), ...Object.keys(n)]))
    if (!LISTS.has(k) && differs(p[k], n[k])) {
      ;(fields as Record<string, unknown>)[k] = n[k] ?? null
      changed = true
    }
  if (changed) d.fields = fields
  const agents = listDelta(prev.agents, next.agents, (x) => x.sessionId)
  if (agents.changed.length) d.agents = agents.changed
  if (agents.order) d.agentOrder = agents.order
  // A journal entry rebuilds every todo: one that reads the same is not sent.
  const todos =
    prev.todos === next.todos
      ? { changed: [] }
      : listDelta(
          prev.todos,
          next.todos,
          (x) => x.id,
          (a, b) => json(a) === json(b),
        )
  if (todos.changed.length) d.todos = todos.changed
  if (todos.order) d.todoOrder = todos.order
  const lanes = listDelta(prev.timeline ?? [], next.timeline ?? [], (x) => x.sessionId)
  const before = new Map((prev.timeline ?? []).map((l) => [l.sessionId, l]))
  const whole: TimelineLaneView[] = []
  const edits: LaneEdit[] = []
  for (const l of lanes.changed) {
    const edit = laneEdit(before.get(l.sessionId), l)
    if (edit) edits.push(edit)
    else whole.push(l)
  }
  if (whole.length) d.lanes = whole
  if (edits.length) d.laneEdits = edits
  if (lanes.order) d.laneOrder = lanes.order
  return changed ||
    agents.changed.length ||
    agents.order ||
    todos.changed.length ||
    todos.order ||
    lanes.changed.length ||
    lanes.order
    ? d
    : undefined
}

function listDelta<T>(
  prev: readonly T[],
  next: readonly T[],
  key: (x: T) => string,
  same: (a: T, b: T) => boolean = () => false,
): { changed: T[]; order?: string[] } {
  const before = new Map(prev.map((x) => [key(x), x]))
  const changed = next.filter((x) => {
    const was = before.get(key(x))
    return was !== x && (was === undefined || !same(was, x))
  })
  const sameOrder =
    prev.length === next.length && next.every((x, i) => prev[i] !== undefined && key(prev[i]) === key(x))
  return sameOrder ? { changed } : { changed, order: next.map(key) }
}

const sameSpan = (a: TimelineSpanView, b: TimelineSpanView): boolean =>
  a === b ||
  (a.kind === b.kind &&
    a.start === b.start &&
    a.end === b.end &&
    a.name === b.name &&
    a.todoId === b.todoId &&
    a.merged === b.merged)

/** A lane as an edit of the one the view holds, when that keeps some of its spans; else undefined. */
function laneEdit(prev: TimelineLaneView | undefined, next: TimelineLaneView): LaneEdit | undefined {
  if (!prev) return undefined
  const a = prev.spans
  const b = next.spans
  let at = 0
  while (at < a.length && at < b.length && sameSpan(a[at]!, b[at]!)) at++
  let tail = 0
  while (
    tail < a.length - at &&
    tail < b.length - at &&
    sameSpan(a[a.length - 1 - tail]!, b[b.length - 1 - tail]!)
  )
    tail++
  const drop = a.length - at - tail
  if (drop === a.length) return undefined
  const { spans: _, ...fields } = next
  return { ...fields, at, drop, spans: b.slice(at, b.length - tail) }
}

/** The view after a delta; unchanged agents, todos, lanes and spans stay the same objects. */
export function applyMissionDelta(view: MissionView, d: MissionDelta): MissionView {
  const next: MissionView = { ...view }
  for (const [k, v] of Object.entries(d.fields ?? {}))
    if (v === null) delete (next as unknown as Record<string, unknown>)[k]
    else (next as unknown as Record<string, unknown>)[k] = v
  if (d.agents || d.agentOrder)
    next.agents = applyList(view.agents, d.agents ?? [], d.agentOrder, (x) => x.sessionId)
  if (d.todos || d.todoOrder) next.todos = applyList(view.todos, d.todos ?? [], d.todoOrder, (x) => x.id)
  if (d.lanes || d.laneEdits || d.laneOrder) {
    const held = view.timeline ?? []
    const byId = new Map(held.map((l) => [l.sessionId, l]))
    const changed = [...(d.lanes ?? [])]
    for (const { at, drop, spans, ...fields } of d.laneEdits ?? []) {
      const was = byId.get(fields.sessionId)?.spans ?? []
      changed.push({ ...fields, spans: [...was.slice(0, at), ...spans, ...was.slice(at + drop)] })
    }
    next.timeline = applyList(held, changed, d.laneOrder, (x) => x.sessionId)
  }
  return next
}

function applyList<T>(
  list: readonly T[],
  changed: readonly T[],
  order: string[] | undefined,
  key: (x: T) => string,
): T[] {
  const byId = new Map(list.map((x) => [key(x), x]))
  for (const x of changed) byId.set(key(x), x)
  const ids = order ?? [...list.map(key), ...changed.map(key)]
  const out: T[] = []
  const seen = new Set<string>()
  for (const id of ids) {
    const x = byId.get(id)
    if (x && !seen.has(id)) {
      seen.add(id)
      out.push(x)
    }
  }
  return out
}
