import type { OpencodeClient } from '@opencode-ai/sdk/v2'
import type { ModelRef } from '../engine/ports'
import type { HealthAnswer, PreflightPort, ServerFacts } from '../engine/preflight/preflight-port'
import { parseModelRef } from '../engine/protocol/model-ref'

/** How long a server gets to answer its health check before preflight says it did not. */
export const HEALTH_TIMEOUT_MS = 5_000
const FACTS_TIMEOUT_MS = 60_000

/** The preflight port on the SDK v2 client: read-only calls, no session is ever created. */
export class OpencodePreflight implements PreflightPort {
  constructor(
    private readonly client: OpencodeClient,
    readonly url: string,
    private readonly healthTimeoutMs = HEALTH_TIMEOUT_MS,
  ) {}

  async health(): Promise<HealthAnswer> {
    try {
      const res = await this.client.global.health({ signal: AbortSignal.timeout(this.healthTimeoutMs) })
      return healthAnswer(res, this.healthTimeoutMs)
    } catch (err) {
      return healthAnswer({ error: err }, this.healthTimeoutMs)
    }
  }

  async facts(): Promise<ServerFacts> {
    const signal = AbortSignal.timeout(FACTS_TIMEOUT_MS)
    const [providers, config, agents, tools] = await Promise.all([
      this.client.config.providers(undefined, { signal }),
      this.client.config.get(undefined, { signal }),
      this.client.app.agents(undefined, { signal }),
      this.client.tool.ids(undefined, { signal }),
    ])
    const p = need(providers, 'providers')
    return {
      providers: p.providers.map((x) => ({
        id: x.id,
        name: x.name,
        models: Object.keys(x.models),
        // OpenCode Zen connects itself with the key "public" (its free tier, online only); a key of
        // the user's own, from `opencode auth login` or the environment, replaces it.
        anonymous: (x.options as { apiKey?: unknown } | undefined)?.apiKey === 'public',
      })),
      ...withModel(parseModelRef(need(config, 'config').model)),
      providerDefaults: p.default,
      agents: need(agents, 'agents').map((a) => ({
        name: a.name,
        ...(a.model && { model: { providerID: a.model.providerID, modelID: a.model.modelID } }),
      })),
      tools: need(tools, 'tool ids'),
    }
  }
}

const withModel = (m: ModelRef | undefined) => (m ? { defaultModel: m } : {})

type Result<T> = { data?: T; error?: unknown; response?: Response }

function need<T>(res: Result<T>, what: string): T {
  if (res.error !== undefined || res.data === undefined)
    throw new Error(`${what}: ${res.response ? `HTTP ${res.response.status}` : describeFailure(res.error)}`)
  return res.data
}

/** A health answer from the SDK's result (or what it threw), with the reason in words. */
export function healthAnswer(
  res: Result<{ healthy?: boolean; version?: string }>,
  timeoutMs: number,
): HealthAnswer {
  const status = res.response?.status
  if (status === 401) return { ok: false, why: 'unauthorized', detail: 'HTTP 401' }
  if (status === 404) return { ok: false, why: 'not-found', detail: 'HTTP 404' }
  if (res.data?.healthy && res.error === undefined) return { ok: true, version: res.data.version ?? '' }
  if (status !== undefined) return { ok: false, why: 'unhealthy', detail: `HTTP ${status}` }
  const name = (res.error as { name?: unknown } | undefined)?.name
  if (name === 'TimeoutError' || name === 'AbortError')
    return { ok: false, why: 'timeout', detail: `no answer within ${Math.round(timeoutMs / 1000)} s` }
  const code = causeCode(res.error)
  if (code === 'ECONNREFUSED') return { ok: false, why: 'refused', detail: 'connection refused' }
  return { ok: false, why: 'unreachable', detail: describeFailure(res.error) }
}

function causeCode(err: unknown): string | undefined {
  const cause = (err as { cause?: { code?: unknown; errors?: { code?: unknown }[] } } | undefined)?.cause
  const code = cause?.code ?? cause?.errors?.[0]?.code
  return typeof code === 'string' ? code : undefined
}

/** A fetch failure in words: its cause's code and message when there is one (`fetch failed` says nothing). */
export function describeFailure(err: unknown): string {
  if (err === undefined) return 'no response'
  const cause = (err as { cause?: { message?: unknown } }).cause
  const own = err instanceof Error ? err.message : JSON.stringify(err)
  const code = causeCode(err)
  const why = typeof cause?.message === 'string' && cause.message ? cause.message : undefined
  return [own, code && !why?.includes(code) ? code : undefined, why].filter(Boolean).join(': ')
}
