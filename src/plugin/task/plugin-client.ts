// The server's own client, as the SDK v2 client the engine's adapters speak. OpenCode hands a plugin
// a v1 client configured for the server it runs in: its address, its transport (an in-process
// `fetch` under the TUI and `opencode run`, where the server listens on no port and the plugin's
// `serverUrl` is a placeholder) and its credentials. That configuration is reused as it is.

import { createOpencodeClient, type OpencodeClient } from '@opencode-ai/sdk/v2'

interface ClientConfig {
  baseUrl?: string
  fetch?: typeof fetch
  headers?: unknown
}

/** Reads the configuration of the plugin's client; undefined when its shape is not the one known. */
function configOf(client: unknown): ClientConfig | undefined {
  const inner = (client as { _client?: { getConfig?: () => unknown } } | undefined)?._client
  const config = typeof inner?.getConfig === 'function' ? inner.getConfig() : undefined
  return config && typeof config === 'object' ? (config as ClientConfig) : undefined
}

function plainHeaders(headers: unknown): Record<string, string> {
  if (headers instanceof Headers) return Object.fromEntries(headers.entries())
  if (!headers || typeof headers !== 'object') return {}
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(headers)) if (typeof v === 'string') out[k] = v
  return out
}

/**
 * A v2 client for `directory` on the server the plugin runs in, or a clear error when the plugin's
 * client is not one this build knows how to read.
 */
export function serverClient(
  pluginClient: unknown,
  directory: string,
  fallbackUrl: URL,
): { client: OpencodeClient; url: string } {
  const config = configOf(pluginClient)
  if (!config) throw new Error("this OpenCode's plugin client is not one the orchestrator can read")
  const url = config.baseUrl ?? fallbackUrl.toString()
  const client = createOpencodeClient({
    baseUrl: url,
    ...(config.fetch && { fetch: config.fetch }),
    headers: plainHeaders(config.headers),
    directory,
  })
  return { client, url }
}
