import { createOpencodeClient, type OpencodeClient } from '@opencode-ai/sdk/v2'

export interface ClientOptions {
  baseUrl: string
  /** Project directory: every request is scoped to this OpenCode instance. */
  directory: string
  /** Basic-auth password of the server (OPENCODE_SERVER_PASSWORD); none for an open server. */
  password?: string
  /** Basic-auth user name. Default: `opencode`. */
  username?: string
}

/** The SDK v2 client with basic auth: the only way we talk to the server. */
export function createClient(options: ClientOptions): OpencodeClient {
  const headers: Record<string, string> = {}
  if (options.password) {
    const user = options.username ?? 'opencode'
    headers.authorization = `Basic ${Buffer.from(`${user}:${options.password}`).toString('base64')}`
  }
  return createOpencodeClient({ baseUrl: options.baseUrl, directory: options.directory, headers })
}

/** Resolves when /global/health answers healthy, or throws with the reason. */
export async function checkHealth(
  client: OpencodeClient,
  signal?: AbortSignal,
): Promise<{ version: string }> {
  const res = await client.global.health({ signal })
  if (res.error || !res.data?.healthy)
    throw new Error(`OpenCode server is not healthy: ${res.response?.status ?? 'no response'}`)
  return { version: res.data.version }
}
