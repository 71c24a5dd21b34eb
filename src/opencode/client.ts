import { createOpencodeClient, type OpencodeClient } from '@opencode-ai/sdk/v2'
import { healthAnswer } from './preflight-port'

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

/** Resolves when /global/health answers healthy, or throws naming the URL and why it did not. */
export async function checkHealth(
  client: OpencodeClient,
  url: string,
  timeoutMs = 10_000,
): Promise<{ version: string }> {
  const res = await client.global.health({ signal: AbortSignal.timeout(timeoutMs) })
  const answer = healthAnswer(res, timeoutMs)
  if (!answer.ok)
    throw new Error(`The OpenCode server at ${url} did not answer its health check: ${answer.detail}`)
  return { version: answer.version }
}
