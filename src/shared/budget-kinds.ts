// The mission's budgets, one row per kind. The engine's tracker validates the limits and checks them
// in this order; the VS Code settings, the CLI's flags, the protocol's view, the dashboard's meters
// and the CLI's status line are read from the same rows. Adding a kind: a row here, its measure in
// src/engine/guards/budgets.ts (the compiler asks for it), its use in ./budget-meters.ts when it is
// metered, and its property in package.json's contributes.configuration when it has a setting.

/** How an amount reads; each consumer formats the units of the kinds it shows. */
export type BudgetUnit = 'iterations' | 'tokens' | 'usd' | 'ms' | 'rounds'

interface BudgetKindRow {
  /** The limit's key in the mission's options (`budgets.maxTokens`), the journal and the protocol's view. */
  option: string
  /** What `exceeded()` names when this budget is spent (`budget exhausted (tokens): …`). */
  reason: string
  /** The limit when none is given; Infinity: unlimited. */
  default: number
  /** Whether the limit must be a whole number. */
  integer: boolean
  /** The least limit the tracker accepts. */
  min: number
  /** `atLimit`: spent once the measure reaches the limit; `pastLimit`: only beyond it. */
  spent: 'atLimit' | 'pastLimit'
  label: string
  unit: BudgetUnit
  /** Shown against what the mission used: the protocol's view (finite limits), meters, status line. */
  metered: boolean
  /** The `orchestrator run` flag `--<flag> <arg>`; the value times `scale` is the limit. `N`: a whole
   * number >= 1, `USD`: an amount > 0. */
  cli: { flag: string; arg: 'N' | 'USD'; scale: number } | null
  /** The `orchestrator.<key>` setting; its value times `scale` is the limit. `zeroIsNone`: a number
   * >= 0 where 0 (the default) sets no limit; otherwise a whole number >= 1. */
  setting: { key: string; scale: number; zeroIsNone: boolean } | null
  /** The reason's text when the budget is spent, from the measure and the limit. */
  message: (used: number, limit: number) => string
}

export const BUDGET_KINDS = [
  {
    option: 'maxIterations',
    reason: 'iterations',
    default: 5,
    integer: true,
    min: 1,
    // The counter counts iterations started: the last allowed one may run.
    spent: 'pastLimit',
    label: 'Iterations',
    unit: 'iterations',
    metered: false,
    cli: { flag: 'max-iterations', arg: 'N', scale: 1 },
    setting: { key: 'maxIterations', scale: 1, zeroIsNone: false },
    message: (_used, limit) => `iteration budget spent: ${limit} iterations`,
  },
  {
    option: 'maxTokens',
    reason: 'tokens',
    default: Infinity,
    integer: false,
    min: 0,
    spent: 'atLimit',
    label: 'Tokens',
    unit: 'tokens',
    metered: true,
    cli: { flag: 'max-tokens', arg: 'N', scale: 1 },
    setting: { key: 'maxTokens', scale: 1, zeroIsNone: true },
    message: (used, limit) => `token budget spent: ${used} of ${limit} tokens`,
  },
  {
    option: 'maxCostUsd',
    reason: 'cost',
    default: Infinity,
    integer: false,
    min: 0,
    spent: 'atLimit',
    label: 'Cost',
    unit: 'usd',
    metered: true,
    cli: { flag: 'max-cost', arg: 'USD', scale: 1 },
    setting: { key: 'maxCostUsd', scale: 1, zeroIsNone: true },
    message: (used, limit) => `cost budget spent: $${used.toFixed(4)} of $${limit.toFixed(2)}`,
  },
  {
    option: 'maxWallMs',
    reason: 'time',
    default: 3_600_000,
    integer: false,
    min: 0,
    spent: 'atLimit',
    label: 'Time',
    unit: 'ms',
    metered: true,
    cli: { flag: 'max-minutes', arg: 'N', scale: 60_000 },
    setting: { key: 'maxMinutes', scale: 60_000, zeroIsNone: false },
    message: (used, limit) => `time budget spent: ${Math.round(used / 1000)} s of ${limit / 1000} s`,
  },
  {
    option: 'stagnationRounds',
    reason: 'stagnation',
    default: 3,
    integer: true,
    min: 1,
    spent: 'atLimit',
    label: 'Stagnation',
    unit: 'rounds',
    metered: false,
    cli: null,
    setting: null,
    message: (used) => `no todo passed review in ${used} rounds in a row`,
  },
] as const satisfies readonly BudgetKindRow[]

export type BudgetKind = (typeof BUDGET_KINDS)[number]
export type BudgetOption = BudgetKind['option']
export type BudgetReason = BudgetKind['reason']

/** A mission's limits by option key; an absent one takes its kind's default. */
export type BudgetLimits = { [K in BudgetOption]?: number }

export type MeteredKind = Extract<BudgetKind, { metered: true }>
export type MeteredReason = MeteredKind['reason']

/** The finite limits of the metered kinds, as the mission publishes them; an absent one is unlimited. */
export type MeteredLimits = { [K in MeteredKind['option']]?: number }

export type CliBudgetKind = Extract<BudgetKind, { cli: object }>
export type BudgetFlag = CliBudgetKind['cli']['flag']

export type SettingBudgetKind = Extract<BudgetKind, { setting: object }>
export type BudgetSettingKey = SettingBudgetKind['setting']['key']

export const METERED_KINDS: readonly MeteredKind[] = BUDGET_KINDS.filter((k): k is MeteredKind => k.metered)
export const CLI_BUDGET_KINDS: readonly CliBudgetKind[] = BUDGET_KINDS.filter(
  (k): k is CliBudgetKind => k.cli !== null,
)
export const SETTING_BUDGET_KINDS: readonly SettingBudgetKind[] = BUDGET_KINDS.filter(
  (k): k is SettingBudgetKind => k.setting !== null,
)
