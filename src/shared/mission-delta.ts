// Deltas of the mission view: what changed between two MissionViews the host built, and how the
// webview applies it. The host builds unchanged parts as the same objects (see snapshot.ts), so a
// delta is found by identity and carries only changed agents, lanes and lists; the webview keeps the
// objects it has for the rest, which also lets Svelte skip their rows.

import type { MissionDelta, MissionView } from './protocol'
import { sameItems } from './same-items'

type Keyed = { sessionId: string }

const LISTS: ReadonlySet<string> = new Set<keyof MissionView>(['agents', 'timeline', 'id'])

/**
 * Whether a field changed. Most parts keep their identity while unchanged, and a list whose items all
 * do is unchanged; what the host rebuilt (the todos after a journal entry) is compared by value, so it
 * is sent only when it differs.
 */
const differs = (a: unknown, b: unknown): boolean =>
  a !== b &&
  !(Array.isArray(a) && Array.isArray(b) && sameItems(a, b)) &&
  (typeof a !== 'object' || typeof b !== 'object' || JSON.stringify(a) !== JSON.stringify(b))

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
  const agents = listDelta(prev.agents, next.agents)
  if (agents.changed.length) d.agents = agents.changed
  if (agents.order) d.agentOrder = agents.order
  const lanes = listDelta(prev.timeline ?? [], next.timeline ?? [])
  if (lanes.changed.length) d.lanes = lanes.changed
  if (lanes.order) d.laneOrder = lanes.order
  return changed || agents.changed.length || agents.order || lanes.changed.length || lanes.order
    ? d
    : undefined
}

function listDelta<T extends Keyed>(
  prev: readonly T[],
  next: readonly T[],
): { changed: T[]; order?: string[] } {
  const before = new Map(prev.map((x) => [x.sessionId, x]))
  const changed = next.filter((x) => before.get(x.sessionId) !== x)
  const sameOrder = prev.length === next.length && next.every((x, i) => prev[i]?.sessionId === x.sessionId)
  return sameOrder ? { changed } : { changed, order: next.map((x) => x.sessionId) }
}

/** The view after a delta; unchanged agents and lanes stay the same objects. */
export function applyMissionDelta(view: MissionView, d: MissionDelta): MissionView {
  const next: MissionView = { ...view }
  for (const [k, v] of Object.entries(d.fields ?? {}))
    if (v === null) delete (next as unknown as Record<string, unknown>)[k]
    else (next as unknown as Record<string, unknown>)[k] = v
  if (d.agents || d.agentOrder) next.agents = applyList(view.agents, d.agents ?? [], d.agentOrder)
  if (d.lanes || d.laneOrder) next.timeline = applyList(view.timeline ?? [], d.lanes ?? [], d.laneOrder)
  return next
}

function applyList<T extends Keyed>(list: readonly T[], changed: readonly T[], order?: string[]): T[] {
  const byId = new Map(list.map((x) => [x.sessionId, x]))
  for (const x of changed) byId.set(x.sessionId, x)
  const ids = order ?? [...list.map((x) => x.sessionId), ...changed.map((x) => x.sessionId)]
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
