import { createOpencodeClient, type OpencodeClient } from '@opencode-ai/sdk/v2'
import { PreflightError, serverVersionProblem } from '../engine/preflight/preflight'
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

/**
 * Resolves when /global/health answers healthy, or throws naming the URL and why it did not (a
 * PreflightError when the server is not an OpenCode this build can drive).
 */
export async function checkHealth(
  client: OpencodeClient,
  url: string,
  options: { timeoutMs?: number; attached?: boolean } = {},
): Promise<{ version: string }> {
  const timeoutMs = options.timeoutMs ?? 10_000
  const res = await client.global.health({ signal: AbortSignal.timeout(timeoutMs) })
  const answer = healthAnswer(res, timeoutMs)
  const wrong = serverVersionProblem(url, answer, options.attached ?? false)
  if (wrong) throw new PreflightError({ ok: false, url, problems: [wrong], warnings: [] })
  if (!answer.ok)
    throw new Error(`The OpenCode server at ${url} did not answer its health check: ${answer.detail}`)
  return { version: answer.version }
}
