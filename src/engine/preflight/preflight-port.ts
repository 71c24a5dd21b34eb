import type { ModelRef, Role } from '../ports'

// What preflight asks of a server, before any session exists. `src/opencode/preflight-port.ts`
// answers it on the SDK; unit tests answer it with a fake.

/** How a health request ended. */
export type HealthAnswer =
  | { ok: true; version: string }
  | {
      ok: false
      /**
       * refused: nothing listens; unauthorized: HTTP 401; not-found: HTTP 404, no health route (as on
       * OpenCode 2); unhealthy: it answered, but not healthy.
       */
      why: 'refused' | 'timeout' | 'unauthorized' | 'not-found' | 'unhealthy' | 'unreachable'
      detail: string
    }

export interface ProviderFacts {
  id: string
  name: string
  /** Model ids the provider offers. */
  models: string[]
  /**
   * A provider OpenCode connects on its own without any key or config of the user's (OpenCode
   * Zen's anonymous free tier): it does not count as a connected provider unless a model names it.
   */
  anonymous: boolean
}

export interface ServerFacts {
  /** Providers the server has connected (configured or authenticated). */
  providers: ProviderFacts[]
  /** The config's `model`, when set. */
  defaultModel?: ModelRef
  /** Each provider's own default model id, as the server reports it. */
  providerDefaults: Record<string, string>
  /** Agents the server carries, with the model an agent's own config names. */
  agents: { name: string; model?: ModelRef }[]
  /** Tool ids the server offers (built-ins and plugin tools). */
  tools: string[]
}

export interface PreflightPort {
  /** The server's address, for messages. */
  readonly url: string
  /** Never rejects: the reason a server did not answer is an answer too. */
  health(): Promise<HealthAnswer>
  /** Rejects with the server's reason when it cannot tell. */
  facts(): Promise<ServerFacts>
}

/** What a preflight checks the server against. */
export interface PreflightRequest {
  /** Models chosen per role (`--model`, `orchestrator.models`); other roles use the server's. */
  models?: Partial<Record<Role, ModelRef>>
  /** A server we attach to may lack the companion plugin; one we start carries it. */
  attached: boolean
}
