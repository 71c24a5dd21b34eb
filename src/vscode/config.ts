import * as vscode from 'vscode'
import { withCap } from '../engine/schedule/caps'
import { IF_CHECK_FAILS, type MissionOptions } from '../engine/mission-options'
import { parseRoleModels } from '../engine/preflight/role-models'
import type { SchedulerCaps } from '../engine/schedule/scheduler'
import type { Config } from '../shared/constants'
import { choiceSetting, numberSetting } from './setting-checks'

/** Typed read of an `orchestrator.*` setting. */
export function getConfig<K extends keyof Config>(key: K): Config[K] {
  return vscode.workspace.getConfiguration('orchestrator').get(key) as Config[K]
}

/** The checkCommand setting's word for "run no check" (empty: detect the project's own). */
export const NO_CHECK_SETTING = 'none'

/** Mission options from the `orchestrator.*` settings; throws naming the setting that is invalid. */
export function missionSettings(): Pick<
  MissionOptions,
  'check' | 'ifCheckFails' | 'caps' | 'budgets' | 'models'
> {
  const check = getConfig('checkCommand').trim()
  let caps: SchedulerCaps = { total: whole('maxConcurrency') }
  for (const [key, limit] of Object.entries(getConfig('concurrencyLimits') ?? {})) {
    try {
      caps = withCap(caps, key, limit)
    } catch (err) {
      throw new Error(`Setting orchestrator.concurrencyLimits: ${(err as Error).message}`)
    }
  }
  const maxTokens = budget('maxTokens')
  const maxCostUsd = budget('maxCostUsd')
  const models = parseRoleModels(getConfig('models'), 'Setting orchestrator.models')
  return {
    ...(check && { check: check.toLowerCase() === NO_CHECK_SETTING ? (false as const) : check }),
    // The user is at hand to answer, so the extension asks by default.
    ifCheckFails: choiceSetting('ifCheckFails', getConfig('ifCheckFails'), IF_CHECK_FAILS, 'ask'),
    caps,
    ...(Object.keys(models).length && { models }),
    budgets: {
      maxIterations: whole('maxIterations'),
      maxWallMs: whole('maxMinutes') * 60_000,
      ...(maxTokens && { maxTokens }),
      ...(maxCostUsd && { maxCostUsd }),
    },
  }
}

const whole = (key: 'maxConcurrency' | 'maxIterations' | 'maxMinutes') =>
  numberSetting(key, getConfig(key), { integer: true, min: 1 })

function budget(key: 'maxTokens' | 'maxCostUsd'): number | undefined {
  const v = numberSetting(key, getConfig(key) ?? 0, { integer: false, min: 0, note: '0: no budget' })
  return v > 0 ? v : undefined
}
