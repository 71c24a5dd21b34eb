import type { ModelRef, Role } from '../ports'
import { MISSION_TOOLS } from '../protocol/mission-protocol'
import { errorMessage } from '../util/error-message'
import { isTestedVersion, isVersion, testedRangeText, untestedOpencodeMessage } from './opencode-version'
import type {
  HealthAnswer,
  PreflightPort,
  PreflightRequest,
  ProviderFacts,
  ServerFacts,
} from './preflight-port'

// Preflight: before a mission creates any session, make sure the server can run one. Each problem
// is a message that names what is missing and how to fix it, and the action that fixes it where the
// host has one (a button in VS Code). Without it, a fresh OpenCode retries "Cannot connect to API"
// under the planner for minutes, and a server without our plugin fails with a raw stack trace.

/** What fixes a problem, as a host action. */
export type PreflightFix = 'installPlugin' | 'chooseModels' | 'attachServer' | 'showLogs'

export interface PreflightProblem {
  check: 'server' | 'providers' | 'models' | 'plugin'
  message: string
  fix?: PreflightFix
}

export interface PreflightReport {
  ok: boolean
  url: string
  version?: string
  problems: PreflightProblem[]
  /** Not blocking (a server whose version is not a version number, such as a build from source). */
  warnings: string[]
}

/** The roles a mission prompts (the commander is OpenCode's own entry point, never prompted by us). */
export const MISSION_ROLES: readonly Role[] = ['planner', 'worker', 'reviewer']

const SET_MODELS = 'the `orchestrator.models` setting or `--model <role>=provider/model`'
const AUTH = 'run `opencode auth login` (then restart that server), or configure a provider in opencode.json'

/** Thrown by hosts when a preflight failed; its message lists every problem. */
export class PreflightError extends Error {
  readonly reason = 'preflight-failed'
  constructor(readonly report: PreflightReport) {
    super(report.problems.map((p) => p.message).join('\n'))
    this.name = 'PreflightError'
  }
  static is(err: unknown): err is PreflightError {
    return err instanceof PreflightError
  }
}

/** Checks the server a mission is about to run on; resolves with every problem found (never rejects). */
export async function preflight(port: PreflightPort, request: PreflightRequest): Promise<PreflightReport> {
  const url = port.url
  const health = await port.health()
  const wrong = serverVersionProblem(url, health, request.attached)
  if (wrong) return failed(url, [wrong])
  if (!health.ok) return failed(url, [{ check: 'server', ...unreachable(url, health.why, health.detail) }])
  const warnings = isVersion(health.version)
    ? []
    : [
        `The OpenCode server at ${url} gives "${health.version}" as its version: missions may misbehave unless it is OpenCode ${testedRangeText}.`,
      ]
  let facts: ServerFacts
  try {
    facts = await port.facts()
  } catch (err) {
    return failed(url, [
      {
        check: 'server',
        message: `The OpenCode server at ${url} answered its health check but not what it offers: ${errorMessage(err)}. See the logs.`,
        fix: 'showLogs',
      },
    ])
  }
  const problems = [...providerProblems(url, facts, request), ...pluginProblems(url, facts, request)]
  return { ok: problems.length === 0, url, version: health.version, problems, warnings }
}

/**
 * The problem with a server that is not an OpenCode this build can drive: its version is outside the
 * tested range, or it lacks OpenCode 1's health route (HTTP 404, as on OpenCode 2). Undefined otherwise.
 */
export function serverVersionProblem(
  url: string,
  health: HealthAnswer,
  attached: boolean,
): PreflightProblem | undefined {
  const fixes = attached
    ? [
        'attach to an OpenCode 1.x server (`npm i -g opencode-ai@1`, then `opencode serve`)',
        'clear the server URL (the `orchestrator.serverUrl` setting, `--server-url`) so the orchestrator starts OpenCode 1.x itself',
      ]
    : [
        'set the OpenCode binary (the `orchestrator.opencodePath` setting, `--opencode`) to OpenCode 1.x',
        'run `npm i opencode-ai@1` in the workspace',
      ]
  const fix = attached ? ('attachServer' as const) : ('showLogs' as const)
  if (!health.ok && health.why === 'not-found')
    return {
      check: 'server',
      message: untestedOpencodeMessage({
        version: '2 or later (it has no /global/health route: HTTP 404)',
        where: `the server at ${url}`,
        fixes,
      }),
      fix,
    }
  if (health.ok && isVersion(health.version) && !isTestedVersion(health.version))
    return {
      check: 'server',
      message: untestedOpencodeMessage({ version: health.version, where: `the server at ${url}`, fixes }),
      fix,
    }
  return undefined
}

const failed = (url: string, problems: PreflightProblem[]): PreflightReport => ({
  ok: false,
  url,
  problems,
  warnings: [],
})

function unreachable(url: string, why: string, detail: string): Omit<PreflightProblem, 'check'> {
  const fixUrl = 'fix the URL (`--server-url`, or the `orchestrator.serverUrl` setting)'
  switch (why) {
    case 'refused':
      return {
        message: `Nothing answers at ${url} (connection refused): start OpenCode there (\`opencode serve --port <port>\`), or ${fixUrl}.`,
        fix: 'attachServer',
      }
    case 'unauthorized':
      return {
        message: `The OpenCode server at ${url} refused our password (HTTP 401): give the server's OPENCODE_SERVER_PASSWORD (\`--password\`, or "Orchestrator: Attach to Server…" in VS Code).`,
        fix: 'attachServer',
      }
    case 'timeout':
      return {
        message: `The OpenCode server at ${url} did not answer (${detail}): check that it runs and is not stuck, or ${fixUrl}.`,
        fix: 'attachServer',
      }
    default:
      return {
        message: `The OpenCode server at ${url} did not answer its health check (${detail}): check that it is an OpenCode server, or ${fixUrl}.`,
        fix: 'attachServer',
      }
  }
}

const modelText = (m: ModelRef) => `${m.providerID}/${m.modelID}`

function listed(items: string[], max = 8): string {
  if (items.length === 0) return 'none'
  return items.length > max
    ? `${items.slice(0, max).join(', ')}, … (${items.length} in all)`
    : items.join(', ')
}

function providerProblems(url: string, facts: ServerFacts, request: PreflightRequest): PreflightProblem[] {
  const connected = facts.providers.filter((p) => !p.anonymous)
  const explicit = MISSION_ROLES.map((r) => request.models?.[r]).filter((m): m is ModelRef => !!m)
  // A model the user named on OpenCode's anonymous provider is their choice; otherwise that provider
  // alone means nothing is connected.
  const namedAnonymous = explicit.some((m) =>
    facts.providers.some((p) => p.anonymous && p.id === m.providerID),
  )
  if (connected.length === 0 && !namedAnonymous) {
    const anon = facts.providers.filter((p) => p.anonymous).map((p) => p.name)
    return [
      {
        check: 'providers',
        message: `No model provider is connected to the OpenCode server at ${url}${anon.length ? ` (only ${listed(anon)}, without a key)` : ''}: ${AUTH} (the CLI's \`--opencode-config FILE\` takes one too). Then choose the models with ${SET_MODELS}.`,
      },
    ]
  }
  // One problem per model and where it came from, naming every role that uses it.
  const byModel = new Map<string, { model: ModelRef; source: string; roles: Role[] }>()
  for (const role of MISSION_ROLES) {
    const chosen = resolveModel(role, facts, request)
    if (!chosen) continue
    const key = `${modelText(chosen.model)}|${chosen.source}`
    const entry = byModel.get(key) ?? { ...chosen, roles: [] }
    entry.roles.push(role)
    byModel.set(key, entry)
  }
  const problems: PreflightProblem[] = []
  for (const { model, source, roles } of byModel.values()) {
    const provider = facts.providers.find((p) => p.id === model.providerID)
    const who = `The ${roles.join(', ')} model ${modelText(model)} (${source})`
    if (!provider)
      problems.push({
        check: 'models',
        message: `${who} names the provider "${model.providerID}", which is not connected to the OpenCode server at ${url} (connected: ${listed(connected.map((p) => p.id))}). Connect it (\`opencode auth login\`), or choose a model of a connected provider with ${SET_MODELS}.`,
        fix: 'chooseModels',
      })
    else if (!provider.models.includes(model.modelID))
      problems.push({
        check: 'models',
        message: `${who} names the model "${model.modelID}", which the provider "${provider.id}" does not offer (it offers: ${listed(provider.models)}). Choose one it has with ${SET_MODELS}.`,
        fix: 'chooseModels',
      })
  }
  return problems
}

/** The model a role runs on and where that choice comes from; undefined: OpenCode picks one itself. */
function resolveModel(
  role: Role,
  facts: ServerFacts,
  request: PreflightRequest,
): { model: ModelRef; source: string } | undefined {
  const explicit = request.models?.[role]
  if (explicit) return { model: explicit, source: `chosen for the ${role}` }
  const own = facts.agents.find((a) => a.name === role)?.model
  if (own) return { model: own, source: `the "${role}" agent's model in the OpenCode config` }
  if (facts.defaultModel) return { model: facts.defaultModel, source: "OpenCode's default `model`" }
  return undefined
}

function pluginProblems(url: string, facts: ServerFacts, request: PreflightRequest): PreflightProblem[] {
  const agents = new Set(facts.agents.map((a) => a.name))
  const tools = new Set(facts.tools)
  const missing = [
    ...MISSION_ROLES.filter((r) => !agents.has(r)).map((r) => `agent ${r}`),
    ...MISSION_TOOLS.filter((t) => !tools.has(t)).map((t) => `tool ${t}`),
  ]
  if (missing.length === 0) return []
  return [
    request.attached
      ? {
          check: 'plugin',
          message: `The OpenCode server at ${url} lacks the orchestrator's companion plugin (missing: ${missing.join(', ')}). Install Companion Plugin ("Orchestrator: Install Companion Plugin", or \`orchestrator install --dir <project>\`), then restart that server.`,
          fix: 'installPlugin',
        }
      : {
          check: 'plugin',
          message: `The OpenCode server started for the mission did not load the companion plugin (missing: ${missing.join(', ')}): its dist/plugin.js may be missing or failing. See the logs.`,
          fix: 'showLogs',
        },
  ]
}

/** Providers' models as `provider/model`, for pickers; the anonymous tier comes last. */
export function modelChoices(providers: readonly ProviderFacts[]): string[] {
  const ordered = [...providers.filter((p) => !p.anonymous), ...providers.filter((p) => p.anonymous)]
  return ordered.flatMap((p) => p.models.map((m) => `${p.id}/${m}`))
}
