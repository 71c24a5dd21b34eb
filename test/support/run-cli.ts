import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { repoRoot } from './sandbox'

// The built CLI run as a child process, the way a user runs the installed `orchestrator` bin.

export const cliPath = join(repoRoot, 'dist', 'cli.js')

export interface CliRun {
  code: number
  stdout: string
  stderr: string
}

/** `node dist/cli.js …`; the timeout bounds a run that would hang (it then reports code -1). */
export function runCli(
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
  timeoutMs = 30_000,
): Promise<CliRun> {
  if (!existsSync(cliPath)) throw new Error(`${cliPath} is missing: run \`node esbuild.mjs\` first`)
  return new Promise((resolve) => {
    execFile(process.execPath, [cliPath, ...args], { env, timeout: timeoutMs }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0
      resolve({ code, stdout, stderr })
    })
  })
}
