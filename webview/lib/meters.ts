// What the meters show: a used amount against a limit, as a fraction and a level. Pure, for tests.

/** From this share of a limit on, a meter warns. */
export const METER_WARN = 0.8

export type MeterLevel = 'ok' | 'warn' | 'over'

export interface Meter {
  used: number
  /** Absent: no limit, the meter shows the amount alone. */
  limit?: number
  /** used / limit, clamped to [0, 1] for drawing; undefined without a limit. */
  fraction?: number
  level: MeterLevel
}

export function meter(used: number, limit: number | undefined): Meter {
  if (limit === undefined || !(limit > 0)) return { used, level: 'ok' }
  const share = used / limit
  return {
    used,
    limit,
    fraction: Math.min(1, Math.max(0, share)),
    level: share >= 1 ? 'over' : share >= METER_WARN ? 'warn' : 'ok',
  }
}

/** "42 %" of a meter with a limit. */
export const percent = (m: Meter): string =>
  m.fraction === undefined ? '' : `${Math.round((m.used / (m.limit ?? 1)) * 100)} %`
