// Numeric values of `orchestrator run` flags, checked with messages that name the flag.

export function positiveInt(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined
  const n = Number(raw)
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a whole number >= 1, got "${raw}"`)
  return n
}

export function dollars(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined
  const n = Number(raw.trim().replace(/^\$/, ''))
  if (!raw.trim() || !Number.isFinite(n) || n <= 0)
    throw new Error(`--${name} must be an amount of US dollars > 0 (e.g. 2.50), got "${raw}"`)
  return n
}
