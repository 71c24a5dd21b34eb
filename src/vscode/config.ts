import * as vscode from 'vscode'
import { withCap } from '../engine/schedule/caps'
import { APPLY_CHANGES, IF_CHECK_FAILS, ISOLATIONS, type MissionOptions } from '../engine/mission-options'
import { parseRoleModels } from '../engine/preflight/role-models'
import type { SchedulerCaps } from '../engine/schedule/scheduler'
import { SETTING_BUDGET_KINDS, type BudgetLimits } from '../shared/budget-kinds'
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
  | 'check'
  | 'ifCheckFails'
  | 'caps'
  | 'budgets'
  | 'models'
  | 'cancelAfterRejections'
  | 'isolation'
  | 'applyChanges'
> {
  const check = getConfig('checkCommand').trim()
  const total = numberSetting('maxConcurrency', getConfig('maxConcurrency'), { integer: true, min: 1 })
  let caps: SchedulerCaps = { total }
  for (const [key, limit] of Object.entries(getConfig('concurrencyLimits') ?? {})) {
    try {
      caps = withCap(caps, key, limit)
    } catch (err) {
      throw new Error(`Setting orchestrator.concurrencyLimits: ${(err as Error).message}`)
    }
  }
  const budgets = settingBudgets()
  const models = parseRoleModels(getConfig('models'), 'Setting orchestrator.models')
  const rejections = numberSetting('cancelAfterRejections', getConfig('cancelAfterRejections') ?? 0, {
    integer: true,
    min: 0,
    note: '0: never',
  })
  return {
    ...(check && { check: check.toLowerCase() === NO_CHECK_SETTING ? (false as const) : check }),
    // The user is at hand to answer, so the extension asks by default.
    ifCheckFails: choiceSetting('ifCheckFails', getConfig('ifCheckFails'), IF_CHECK_FAILS, 'ask'),
    caps,
    ...(Object.keys(models).length && { models }),
    budgets,
    ...(rejections > 0 && { cancelAfterRejections: rejections }),
    // Worktrees by default (a folder without git runs shared, and says so); the user chooses at the end.
    isolation: choiceSetting('isolation', getConfig('isolation'), ISOLATIONS, 'worktree'),
    applyChanges: choiceSetting('applyChanges', getConfig('applyChanges'), APPLY_CHANGES, 'ask'),
  }
}

/** The command run once in each new worktree (`orchestrator.worktreeSetup`), or undefined for none. */
export function worktreeSetup(): string | undefined {
  const command: unknown = getConfig('worktreeSetup')
  return typeof command === 'string' && command.trim() ? command.trim() : undefined
}

/** The limits of the budget table's kinds that have a setting, in the engine's units. */
function settingBudgets(): BudgetLimits {
  const limits: BudgetLimits = {}
  for (const { option, setting } of SETTING_BUDGET_KINDS) {
    const v = setting.zeroIsNone
      ? numberSetting(setting.key, getConfig(setting.key) ?? 0, {
          integer: false,
          min: 0,
          note: '0: no budget',
        })
      : numberSetting(setting.key, getConfig(setting.key), { integer: true, min: 1 })
    if (v > 0) limits[option] = v * setting.scale
  }
  return limits
}
