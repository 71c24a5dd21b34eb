// Numeric and enumerated `orchestrator.*` settings as read: VS Code's settings schema only warns in the editor, so a
// value outside it reaches the extension. Each check names the setting and what it must be.

export interface NumberRule {
  /** Whole numbers only. */
  integer: boolean
  min: number
  /** What the least value means, for the message (e.g. "0: no budget"). */
  note?: string
}

/** The setting's value when it keeps the rule; else throws naming the setting. */
export function numberSetting(key: string, value: unknown, rule: NumberRule): number {
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    value >= rule.min &&
    (!rule.integer || Number.isInteger(value))
  if (ok) return value
  const what = rule.integer ? 'a whole number' : 'a number'
  const note = rule.note ? ` (${rule.note})` : ''
  throw new Error(
    `Setting orchestrator.${key} must be ${what} >= ${rule.min}${note}, got ${JSON.stringify(value)}`,
  )
}

/** The setting's value when it is one of `choices`, `fallback` when it is unset; else throws naming it. */
export function choiceSetting<T extends string>(
  key: string,
  value: unknown,
  choices: readonly T[],
  fallback: T,
): T {
  if (value === undefined) return fallback
  if ((choices as readonly unknown[]).includes(value)) return value as T
  throw new Error(
    `Setting orchestrator.${key} must be one of ${choices.join(', ')}, got ${JSON.stringify(value)}`,
  )
}
