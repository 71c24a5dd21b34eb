import type { OpencodeClient } from '@opencode-ai/sdk/v2'
import { preflight } from '../engine/preflight/preflight'
import type { PreflightRequest } from '../engine/preflight/preflight-port'
import { OpencodePreflight } from '../opencode/preflight-port'
import type { CliIo } from './io'

/**
 * Runs preflight on a server before the mission creates any session; prints its warnings and, on
 * failure, every problem with its fix. Resolves to undefined when the mission may start, else to the
 * reason it may not (for the `--json` report).
 */
export async function cliPreflight(
  client: OpencodeClient,
  url: string,
  request: PreflightRequest,
  io: CliIo,
): Promise<string | undefined> {
  const report = await preflight(new OpencodePreflight(client, url), request)
  for (const w of report.warnings) io.stderr(`[warn] ${w}\n`)
  if (report.ok) return undefined
  io.stderr(
    `orchestrator run: preflight failed, no mission started:\n${report.problems.map((p) => `  - ${p.message}\n`).join('')}`,
  )
  return `preflight failed: ${report.problems.map((p) => p.message).join(' ')}`
}
