// The budget flags of `orchestrator run`, one per kind of the budget table that has a flag: their
// parseArgs options, their usage and help text, and the limits they set.

import { CLI_BUDGET_KINDS, type BudgetFlag, type BudgetLimits } from '../shared/budget-kinds'
import { dollars, positiveInt } from './flag-numbers'

export const BUDGET_FLAG_OPTIONS = Object.fromEntries(
  CLI_BUDGET_KINDS.map((k) => [k.cli.flag, { type: 'string' }]),
) as { [F in BudgetFlag]: { type: 'string' } }

/** `[--max-iterations N] [--max-tokens N] …` for the usage. */
export const BUDGET_USAGE = CLI_BUDGET_KINDS.map((k) => `[--${k.cli.flag} ${k.cli.arg}]`).join(' ')

/** `--max-iterations N, --max-tokens N, …` for the help. */
export const BUDGET_HELP = CLI_BUDGET_KINDS.map((k) => `--${k.cli.flag} ${k.cli.arg}`).join(', ')

/** The limits the given flags set (in the engine's units); throws naming a flag whose value is bad. */
export function parseBudgetFlags(args: { [F in BudgetFlag]?: string }): BudgetLimits {
  const limits: BudgetLimits = {}
  for (const k of CLI_BUDGET_KINDS) {
    const raw = args[k.cli.flag]
    const n = k.cli.arg === 'USD' ? dollars(k.cli.flag, raw) : positiveInt(k.cli.flag, raw)
    if (n !== undefined) limits[k.option] = n * k.cli.scale
  }
  return limits
}
