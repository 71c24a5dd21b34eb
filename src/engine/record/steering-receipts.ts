// The receipts of a session's steering messages as the journal folds them: queued, then delivered or
// dropped. The journal's reducer and nothing else changes them, so the receipts an agent shows live
// and those a resumed mission (or a history report) reads back are the same.

import type { SteeringMessage } from './entries'

/** Receipts kept per session: the oldest delivered or dropped ones go first (the state stays small). */
export const STEER_KEPT = 20

/** The receipts with a new queued message, the oldest settled ones dropped past {@link STEER_KEPT}. */
export function withQueued(list: readonly SteeringMessage[], message: SteeringMessage): SteeringMessage[] {
  const all = [...list, message]
  while (all.length > STEER_KEPT) {
    const old = all.findIndex((m) => m.status !== 'queued')
    if (old < 0) break
    all.splice(old, 1)
  }
  return all
}

/** The receipts with the queued messages among `ids` settled (a settled one never changes again). */
export function withSettled(
  list: readonly SteeringMessage[],
  ids: readonly string[],
  settled: { status: 'delivered'; deliveredAt: number } | { status: 'dropped'; note: string },
): SteeringMessage[] {
  const which = new Set(ids)
  return list.map((m) => (m.status === 'queued' && which.has(m.id) ? { ...m, ...settled } : m))
}

/** The largest number in `steer_<n>` ids, so that a resumed mission numbers its messages on. */
export function lastSteeringNumber(lists: readonly (readonly SteeringMessage[])[]): number {
  let last = 0
  for (const list of lists)
    for (const m of list) last = Math.max(last, Number(/^steer_(\d+)$/.exec(m.id)?.[1] ?? 0))
  return last
}
