import { parseModelRef } from '../protocol/model-ref'
import type { SchedulerCaps } from './scheduler'

// Concurrency caps beyond the total, as the CLI's `--cap` and the `orchestrator.concurrencyLimits`
// setting write them: `role:worker=2`, `provider:anthropic=4`, `model:anthropic/claude-sonnet-4=1`.

const CAP_ROLES = ['worker', 'reviewer'] as const

/** Explains the accepted forms; part of every error. */
export const CAP_SYNTAX = 'role:<worker|reviewer>=N, provider:<id>=N or model:<provider>/<model>=N'

/** `caps` with one more bound; throws with the reason when `key` or `limit` is not valid. */
export function withCap(caps: SchedulerCaps, key: string, limit: number): SchedulerCaps {
  if (!Number.isInteger(limit) || limit < 1)
    throw new Error(`cap ${key}: the limit must be a whole number of at least 1, got ${limit}`)
  const colon = key.indexOf(':')
  const kind = key.slice(0, colon)
  const name = key.slice(colon + 1)
  if (colon > 0 && name) {
    if (kind === 'role' && (CAP_ROLES as readonly string[]).includes(name))
      return { ...caps, perRole: { ...caps.perRole, [name]: limit } }
    if (kind === 'provider' && !name.includes('/'))
      return { ...caps, perProvider: { ...caps.perProvider, [name]: limit } }
    if (kind === 'model' && parseModelRef(name))
      return { ...caps, perModel: { ...caps.perModel, [name]: limit } }
  }
  throw new Error(`cap "${key}" is not one of ${CAP_SYNTAX}`)
}

/** `caps` with a `key=N` spec added (the CLI form). */
export function withCapSpec(caps: SchedulerCaps, spec: string): SchedulerCaps {
  const eq = spec.lastIndexOf('=')
  const limit = eq > 0 && /^\d+$/.test(spec.slice(eq + 1)) ? Number(spec.slice(eq + 1)) : NaN
  if (eq <= 0 || Number.isNaN(limit)) throw new Error(`--cap must look like ${CAP_SYNTAX}, got "${spec}"`)
  return withCap(caps, spec.slice(0, eq), limit)
}
