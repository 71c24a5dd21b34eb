// What the meters and the CLI's status line show of the metered budgets: the finite limits (the
// protocol's view) and what a mission used of each, read from its state or its view.

import { METERED_KINDS, type BudgetLimits, type MeteredLimits, type MeteredReason } from './budget-kinds'

/** The fields a mission's state and its view share, from which its use is read. */
export interface MeteredUse {
  tokens: number
  cost: number
  startedAt: number
  endedAt?: number
}

/** What the mission used of each metered kind at `now` (a running mission's wall time grows). */
export const METER_USE: { readonly [R in MeteredReason]: (m: MeteredUse, now: number) => number } = {
  tokens: (m) => m.tokens,
  cost: (m) => m.cost,
  time: (m, now) => Math.max(0, (m.endedAt ?? now) - m.startedAt),
}

/** The metered kinds' finite limits, field by field (other keys of `limits` are not carried). */
export function meteredLimits(limits: BudgetLimits): MeteredLimits {
  const view: MeteredLimits = {}
  for (const k of METERED_KINDS) {
    const limit = limits[k.option]
    if (limit !== undefined && Number.isFinite(limit)) view[k.option] = limit
  }
  return view
}
