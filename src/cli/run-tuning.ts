// The mission options `orchestrator run` takes from its flags, checked with messages that name the flag.

import type { ParseArgsConfig } from 'node:util'
import { withCapSpec } from '../engine/schedule/caps'
import {
  IF_CHECK_FAILS,
  ISOLATIONS,
  MISSION_DEFAULTS,
  type IfCheckFails,
  type Isolation,
  type MissionOptions,
} from '../engine/mission-options'
import { parseModelRef } from '../engine/protocol/model-ref'
import { ROLES, type Role } from '../engine/ports'
import type { SchedulerCaps } from '../engine/schedule/scheduler'
import type { BudgetFlag } from '../shared/budget-kinds'
import { parseBudgetFlags } from './budget-flags'
import { positiveInt } from './flag-numbers'

export type RunTuning = Pick<
  MissionOptions,
  'models' | 'caps' | 'check' | 'budgets' | 'ifCheckFails' | 'cancelAfterRejections' | 'isolation'
>

/** The tuning flags for `parseArgs` (the budget flags come from the budget table). */
export const TUNING_FLAG_OPTIONS = {
  model: { type: 'string', multiple: true, default: [] as string[] },
  concurrency: { type: 'string' },
  cap: { type: 'string', multiple: true, default: [] as string[] },
  check: { type: 'string' },
  'no-check': { type: 'boolean', default: false },
  'if-check-fails': { type: 'string' },
  'cancel-after-rejections': { type: 'string' },
  isolation: { type: 'string' },
} satisfies ParseArgsConfig['options']

/** The mission options the command line can set, checked with messages that name the flag. */
export function parseTuning(
  args: {
    model?: string[]
    concurrency?: string
    cap?: string[]
    check?: string
    'no-check'?: boolean
    'if-check-fails'?: string
    'cancel-after-rejections'?: string
    isolation?: string
  } & { [F in BudgetFlag]?: string },
): RunTuning {
  const models: NonNullable<MissionOptions['models']> = {}
  for (const spec of args.model ?? []) {
    const m = /^(\w+)=(.*)$/.exec(spec)
    const role = m?.[1] as Role | undefined
    const model = parseModelRef(m?.[2])
    if (!role || !ROLES.includes(role) || !model)
      throw new Error(
        `--model must look like planner=provider/model (roles: ${ROLES.join(', ')}), got "${spec}"`,
      )
    models[role] = model
  }
  if (args.check !== undefined && args['no-check'])
    throw new Error('--check and --no-check contradict each other: give one of them')
  if (args.check !== undefined && args.check.trim() === '')
    throw new Error('--check needs a command (e.g. --check "npm test"); --no-check runs none')
  const ifCheckFails = args['if-check-fails']
  if (ifCheckFails !== undefined && !(IF_CHECK_FAILS as readonly string[]).includes(ifCheckFails))
    throw new Error(`--if-check-fails must be one of ${IF_CHECK_FAILS.join(', ')}, got "${ifCheckFails}"`)
  const isolation = args.isolation
  if (isolation !== undefined && !(ISOLATIONS as readonly string[]).includes(isolation))
    throw new Error(`--isolation must be one of ${ISOLATIONS.join(', ')}, got "${isolation}"`)
  const concurrency = positiveInt('concurrency', args.concurrency)
  const budgets = parseBudgetFlags(args)
  const rejections = positiveInt('cancel-after-rejections', args['cancel-after-rejections'])
  let caps: SchedulerCaps = { total: concurrency ?? MISSION_DEFAULTS.caps.total }
  for (const spec of args.cap ?? []) caps = withCapSpec(caps, spec)
  return {
    ...(Object.keys(models).length && { models }),
    ...((concurrency !== undefined || args.cap?.length) && { caps }),
    ...(args.check !== undefined && { check: args.check }),
    ...(args['no-check'] && { check: false as const }),
    ...(ifCheckFails !== undefined && { ifCheckFails: ifCheckFails as IfCheckFails }),
    budgets,
    ...(rejections !== undefined && { cancelAfterRejections: rejections }),
    ...(isolation !== undefined && { isolation: isolation as Isolation }),
  }
}
