import type { ModelRef, Role } from '../ports'
import { parseModelRef } from '../protocol/model-ref'
import { MISSION_ROLES } from './preflight'

// The models a user chose per role (the `orchestrator.models` setting), checked before preflight
// looks them up on the server.

/** A `{ planner, worker, reviewer }` object of `provider/model` strings, checked; `what` names its source. */
export function parseRoleModels(raw: unknown, what: string): Partial<Record<Role, ModelRef>> {
  if (raw === undefined || raw === null) return {}
  if (typeof raw !== 'object' || Array.isArray(raw))
    throw new Error(`${what} must be an object like { "planner": "provider/model" }`)
  const models: Partial<Record<Role, ModelRef>> = {}
  for (const [role, spec] of Object.entries(raw)) {
    if (!(MISSION_ROLES as readonly string[]).includes(role))
      throw new Error(`${what}: "${role}" is not a role (${MISSION_ROLES.join(', ')})`)
    if (spec === '' || spec === undefined) continue
    const model = typeof spec === 'string' ? parseModelRef(spec.trim()) : undefined
    if (!model)
      throw new Error(
        `${what}: the ${role} model must look like provider/model (e.g. anthropic/claude-sonnet-4), got ${JSON.stringify(spec)}. Run "Orchestrator: Choose Models…" to pick one.`,
      )
    models[role as Role] = model
  }
  return models
}
