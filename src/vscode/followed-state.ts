// A followed mission's state arrives whole at each read (parsed from its runner's file), every part a
// new object. The dashboard's deltas and rows compare parts by identity, as the engine keeps what did
// not change: so the parts equal to the ones shown before are taken from those, and only what changed
// is sent and drawn again.

import type { MissionState } from '../engine/record/mission-state'

type Item = object
const same = (a: unknown, b: unknown): boolean => a === b || JSON.stringify(a) === JSON.stringify(b)

/** `next`'s items, each replaced by `prev`'s item of the same key when equal; `prev` when all are. */
function shareList<T extends Item>(prev: readonly T[] | undefined, next: T[], key: (x: T) => string): T[] {
  if (!prev) return next
  const before = new Map(prev.map((x) => [key(x), x]))
  let all = prev.length === next.length
  const list = next.map((x, i) => {
    const old = before.get(key(x))
    if (old !== undefined && same(old, x)) {
      if (prev[i] !== old) all = false
      return old
    }
    all = false
    return x
  })
  return all ? (prev as T[]) : list
}

/** `next` with every part equal to `prev`'s taken from `prev` (both of one mission). */
export function sharePrevious(prev: MissionState | undefined, next: MissionState): MissionState {
  if (!prev || prev.id !== next.id) return next
  const keep = <K extends keyof MissionState>(k: K): MissionState[K] =>
    same(prev[k], next[k]) ? prev[k] : next[k]
  return {
    ...next,
    agents: shareList(prev.agents, next.agents, (a) => a.sessionId),
    todos: shareList(prev.todos, next.todos, (t) => t.id),
    timeline: shareList(prev.timeline, next.timeline, (l) => l.sessionId),
    evidence: shareList(prev.evidence, next.evidence, (e) => `${e.iteration}:${e.command}`),
    checks: shareList(prev.checks, next.checks, (c) => `${c.kind}:${c.iteration}`),
    inbox: shareList(prev.inbox, next.inbox, (p) => p.requestId),
    budgets: keep('budgets'),
    ...(next.needsYou !== undefined && { needsYou: keep('needsYou') }),
    ...(next.check !== undefined && { check: keep('check') }),
    ...(next.isolation !== undefined && { isolation: keep('isolation') }),
  }
}
