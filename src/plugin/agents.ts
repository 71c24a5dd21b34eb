// The four orchestrator agents, added to OpenCode's config by the plugin's `config` hook. The user's
// config wins: an agent they already define under one of these names is left exactly as it is, and
// nothing else in their config (default_agent, other agents, commands) is touched. Prompts are
// fixed text so the provider's prompt cache keeps working across calls.
import { TOOL_PLAN, TOOL_REPORT, TOOL_VERDICT } from '../engine/protocol/mission-protocol'
import { parseModelRef } from '../engine/protocol/model-ref'
import { ROLES, type Role } from '../engine/ports'

type Action = 'allow' | 'ask' | 'deny'
export interface AgentDefinition {
  mode: 'primary' | 'subagent'
  /** Not offered in the TUI's agent list (the commander: only the commands use it). */
  hidden?: boolean
  description: string
  prompt: string
  /** OpenCode permission rules; later keys win over `*`. */
  permission: Record<string, Action | Record<string, Action>>
  model?: string
}

/** Options the plugin accepts in its config tuple: `["file:///…/plugin.js", { models: { … } }]`. */
export interface OrchestratorPluginOptions {
  /** Model per role as `provider/model`. Default: none, so each agent uses OpenCode's default model. */
  models?: Partial<Record<Role, string>>
  /** Agent sessions a `/task` mission runs at once (1–32), as VS Code's `orchestrator.maxConcurrency`. */
  maxConcurrency?: number
  /**
   * Tools the roles are offered again though no mission needs them (of `skill`, `todowrite`,
   * `webfetch`: a project whose workers must read the web, say). Default: none.
   */
  offerTools?: UnusedTool[]
}

const MAX_CONCURRENCY = 32

/** Validates the plugin options eagerly, with messages naming the bad value. */
export function parsePluginOptions(raw: unknown): OrchestratorPluginOptions {
  if (raw === undefined || raw === null) return {}
  if (typeof raw !== 'object' || Array.isArray(raw))
    throw new TypeError('orchestrator plugin options must be an object')
  const concurrency = (raw as { maxConcurrency?: unknown }).maxConcurrency
  if (
    concurrency !== undefined &&
    !(
      Number.isInteger(concurrency) &&
      (concurrency as number) >= 1 &&
      (concurrency as number) <= MAX_CONCURRENCY
    )
  )
    throw new TypeError(
      `orchestrator plugin option \`maxConcurrency\` must be a whole number from 1 to ${MAX_CONCURRENCY}, got ${JSON.stringify(concurrency)}`,
    )
  const offer = (raw as { offerTools?: unknown }).offerTools
  if (
    offer !== undefined &&
    !(Array.isArray(offer) && offer.every((t) => (UNUSED_TOOLS as readonly unknown[]).includes(t)))
  )
    throw new TypeError(
      `orchestrator plugin option \`offerTools\` must be a list of ${UNUSED_TOOLS.map((t) => `"${t}"`).join(', ')}, got ${JSON.stringify(offer)}`,
    )
  const limit = {
    ...(concurrency !== undefined && { maxConcurrency: concurrency as number }),
    ...(offer !== undefined && { offerTools: offer as UnusedTool[] }),
  }
  const models = (raw as { models?: unknown }).models
  if (models === undefined) return limit
  if (typeof models !== 'object' || models === null || Array.isArray(models))
    throw new TypeError(
      'orchestrator plugin option `models` must be an object like { "planner": "provider/model" }',
    )
  const out: Partial<Record<Role, string>> = {}
  for (const [role, model] of Object.entries(models)) {
    if (!(ROLES as readonly string[]).includes(role))
      throw new TypeError(
        `orchestrator plugin option \`models\`: unknown role "${role}" (expected ${ROLES.join(', ')})`,
      )
    if (typeof model !== 'string' || !parseModelRef(model))
      throw new TypeError(
        `orchestrator plugin option \`models.${role}\` must be "provider/model", got ${JSON.stringify(model)}`,
      )
    out[role as Role] = model
  }
  return { models: out, ...limit }
}

// Each role only sees its own mission tool: fewer tool definitions per request, and no role can
// speak for another.
const onlyTool = (keep: string | undefined): Record<string, Action> =>
  Object.fromEntries([TOOL_PLAN, TOOL_REPORT, TOOL_VERDICT].filter((t) => t !== keep).map((t) => [t, 'deny']))

// Tools no role of a mission uses: their definitions would ride along on every model call (about a
// third of a worker's request). The edit guard and the user's own permissions still apply to the rest.
const UNUSED_TOOLS = ['skill', 'todowrite', 'webfetch'] as const
type UnusedTool = (typeof UNUSED_TOOLS)[number]
const UNUSED: Record<string, Action> = Object.fromEntries(UNUSED_TOOLS.map((t) => [t, 'deny']))

const READ_ONLY_GIT: Record<string, Action> = {
  '*': 'deny',
  'git diff*': 'allow',
  'git status*': 'allow',
  'git log*': 'allow',
  'git show*': 'allow',
}

const PROMPTS: Record<Role, string> = {
  // The orchestrator's engine runs missions, not this agent: it answers the `/task`, `/stop` and
  // `/mission` commands in a word (OpenCode prompts a model after every command) and points anyone
  // who talks to it at `/task`.
  commander: [
    "You are the Commander of OpenCode Orchestrator. The orchestrator's engine runs missions, not you:",
    '`/task <goal>` starts one, `/stop` stops it, `/mission` shows it; its progress appears here as notes.',
    'When asked to reply with one word, reply with exactly that word.',
    'Otherwise tell the user, in one sentence, to start the work with `/task <goal>`.',
  ].join('\n'),
  planner: [
    'You are the Planner of an OpenCode Orchestrator mission. You read code; you never edit it.',
    `Submit the plan by calling \`${TOOL_PLAN}\` once with todos, each with:`,
    '- id: short, unique, kebab-case; title; description precise enough for a worker who sees only this todo;',
    '- files: the project-relative files the todo may edit (todos that run in parallel must not share files);',
    '- dependsOn: ids of todos that must finish first (no cycles); acceptance: checks a reviewer can verify.',
    'Prefer the fewest todos that let independent work run in parallel. If the tool answers with an error,',
    'fix exactly the problems it names and call it again. After it is accepted, reply with one short line.',
  ].join('\n'),
  worker: [
    'You are a Worker of an OpenCode Orchestrator mission. Your brief states `todoId: <id>`, the files you',
    'own, the acceptance checks and what the todos you depend on did.',
    'Do the todo. Edit only the files you own: edits to other files are refused.',
    `When finished, call \`${TOOL_REPORT}\` once with the todoId, status (done, blocked or failed), a short`,
    'summary of what you changed (no raw tool output, no secrets) and filesChanged. Then stop.',
  ].join('\n'),
  reviewer: [
    'You are the Reviewer of an OpenCode Orchestrator mission. You never edit files.',
    'Your brief states `todoId: <id>`, the files the todo owns and its acceptance checks. Read the changed',
    'files (and `git diff`) and check each acceptance item.',
    `Call \`${TOOL_VERDICT}\` once with the todoId, verdict pass or fail, and findings: concrete, actionable`,
    'problems (empty when it passes). Then stop.',
  ].join('\n'),
}

const DEFINITIONS: Record<Role, Omit<AgentDefinition, 'model'>> = {
  commander: {
    mode: 'primary',
    // Used by the commands only: a TUI that listed it would switch the session to it.
    hidden: true,
    description:
      'Answers the orchestrator commands: /task <goal> runs a mission, /stop stops it, /mission shows it',
    prompt: PROMPTS.commander,
    // No tool at all: its requests carry no tool definitions.
    permission: { '*': 'deny' },
  },
  planner: {
    mode: 'subagent',
    description: 'Breaks a goal into todos with owned files, dependencies and acceptance checks (read-only)',
    prompt: PROMPTS.planner,
    permission: { edit: 'deny', bash: 'deny', task: 'deny', ...UNUSED, ...onlyTool(TOOL_PLAN) },
  },
  worker: {
    mode: 'subagent',
    description: 'Carries out one todo of a mission, editing only the files it owns',
    prompt: PROMPTS.worker,
    permission: { task: 'deny', ...UNUSED, ...onlyTool(TOOL_REPORT) },
  },
  reviewer: {
    mode: 'subagent',
    description: 'Checks one finished todo against its acceptance checks and gives a verdict (read-only)',
    prompt: PROMPTS.reviewer,
    permission: { edit: 'deny', bash: READ_ONLY_GIT, task: 'deny', ...UNUSED, ...onlyTool(TOOL_VERDICT) },
  },
}

/** The agent definitions with the configured models applied. Fresh objects on every call. */
export function agentDefinitions(options: OrchestratorPluginOptions = {}): Record<Role, AgentDefinition> {
  const out = {} as Record<Role, AgentDefinition>
  for (const role of ROLES) {
    const def = DEFINITIONS[role]
    const model = options.models?.[role]
    const agent: AgentDefinition = { ...structuredClone(def), ...(model && { model }) }
    // A tool offered again is no longer denied (the commander, which has none, keeps none).
    if (role !== 'commander') for (const tool of options.offerTools ?? []) delete agent.permission[tool]
    out[role] = agent
  }
  return out
}

/**
 * Adds the orchestrator agents to an OpenCode config object in place (what the `config` hook gets).
 * Agents the user already defines under these names are left untouched; returns the roles added.
 */
export function addAgents(
  config: { agent?: Record<string, unknown> },
  options: OrchestratorPluginOptions,
): Role[] {
  const agents = (config.agent ??= {})
  const added: Role[] = []
  const defs = agentDefinitions(options)
  for (const role of ROLES) {
    if (agents[role] !== undefined) continue
    agents[role] = defs[role]
    added.push(role)
  }
  return added
}
