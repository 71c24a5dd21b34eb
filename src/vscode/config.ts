import * as vscode from 'vscode'
import { withCap } from '../engine/schedule/caps'
import type { MissionOptions } from '../engine/mission-options'
import type { SchedulerCaps } from '../engine/schedule/scheduler'
import type { Config } from '../shared/constants'

/** Typed read of an `orchestrator.*` setting. */
export function getConfig<K extends keyof Config>(key: K): Config[K] {
  return vscode.workspace.getConfiguration('orchestrator').get(key) as Config[K]
}

/** The checkCommand setting's word for "run no check" (empty: detect the project's own). */
export const NO_CHECK_SETTING = 'none'

/** Mission options from the `orchestrator.*` settings; throws with the reason for an invalid cap. */
export function missionSettings(): Pick<MissionOptions, 'check' | 'caps' | 'budgets'> {
  const check = getConfig('checkCommand').trim()
  let caps: SchedulerCaps = { total: getConfig('maxConcurrency') }
  for (const [key, limit] of Object.entries(getConfig('concurrencyLimits') ?? {})) {
    try {
      caps = withCap(caps, key, limit)
    } catch (err) {
      throw new Error(`Setting orchestrator.concurrencyLimits: ${(err as Error).message}`)
    }
  }
  return {
    ...(check && { check: check.toLowerCase() === NO_CHECK_SETTING ? (false as const) : check }),
    caps,
    budgets: { maxIterations: getConfig('maxIterations'), maxWallMs: getConfig('maxMinutes') * 60_000 },
  }
}
