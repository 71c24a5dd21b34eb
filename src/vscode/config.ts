import * as vscode from 'vscode'
import type { MissionOptions } from '../engine/mission-options'
import type { Config } from '../shared/constants'

/** Typed read of an `orchestrator.*` setting. */
export function getConfig<K extends keyof Config>(key: K): Config[K] {
  return vscode.workspace.getConfiguration('orchestrator').get(key) as Config[K]
}

/** Mission options from the `orchestrator.*` settings. */
export function missionSettings(): Pick<MissionOptions, 'check' | 'caps' | 'budgets'> {
  const check = getConfig('checkCommand').trim()
  return {
    ...(check && { check }),
    caps: { total: getConfig('maxConcurrency') },
    budgets: { maxIterations: getConfig('maxIterations'), maxWallMs: getConfig('maxMinutes') * 60_000 },
  }
}
