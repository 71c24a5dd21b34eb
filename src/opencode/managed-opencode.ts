// The OpenCode 1.x the extension installs into its own storage ("Orchestrator: Install OpenCode
// 1.x"), for a machine whose `opencode` is OpenCode 2 or another untested version. It is npm's
// `opencode-ai` package at the tested version; binary resolution looks there right after the setting.
import { spawn } from 'node:child_process'
import { signalTree } from '../node/process-tree'
import { join } from 'node:path'
import { TESTED_OPENCODE } from '../engine/preflight/opencode-version'

/** The folder (an npm prefix) the installed OpenCode lives in, under the extension's storage. */
export const managedOpencodeDir = (storageDir: string): string => join(storageDir, 'opencode-1')

/** The npm spec installed: the exact version this build is tested with. */
export const managedOpencodeSpec = (): string => `opencode-ai@${TESTED_OPENCODE.install}`

/**
 * The npm command that installs it. Scripts are skipped: `opencode-ai`'s postinstall only copies the
 * platform binary, which resolution finds in the platform package itself. Optional dependencies are
 * included explicitly, since the platform binary is one and a user's npm config may omit them.
 */
export function npmInstallCommand(
  dir: string,
  platform: NodeJS.Platform = process.platform,
): { command: string; args: string[] } {
  // On Windows npm is a .cmd script, run through the shell: the folder is quoted for it.
  const win = platform === 'win32'
  return {
    command: win ? 'npm.cmd' : 'npm',
    args: [
      'install',
      managedOpencodeSpec(),
      '--prefix',
      win ? `"${dir}"` : dir,
      '--include=optional',
      '--ignore-scripts',
      '--no-audit',
      '--no-fund',
    ],
  }
}

/**
 * Where `opencode-ai` is looked for, preferred first: the installed one (when there is a storage
 * folder), the workspace, the extension's own optional dependency. The setting comes before all of
 * them and PATH after (see resolveOpencodeBinary).
 */
export function opencodeSearchFrom(places: {
  storageDir?: string
  workspace: string
  extension: string
}): string[] {
  return [
    ...(places.storageDir ? [managedOpencodeDir(places.storageDir)] : []),
    places.workspace,
    places.extension,
  ]
}

export class NpmInstallError extends Error {
  override readonly name = 'NpmInstallError'
}

/**
 * Runs the install with the npm on PATH (`env.PATH`). Aborting kills npm's process group. Rejects
 * with the end of npm's output when it fails, or a message saying npm is missing.
 */
export function runNpmInstall(options: {
  dir: string
  env?: NodeJS.ProcessEnv
  signal?: AbortSignal
  onOutput?: (line: string) => void
}): Promise<void> {
  const { command, args } = npmInstallCommand(options.dir)
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) return reject(new NpmInstallError('the install was cancelled'))
    let tail = ''
    const child = spawn(command, args, {
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: process.platform !== 'win32',
      shell: process.platform === 'win32',
      windowsHide: true,
    })
    // The whole tree (a process group; on Windows, taskkill /T), never throwing for one already gone.
    const kill = () => (child.pid === undefined ? child.kill('SIGKILL') : signalTree(child.pid, 'SIGKILL'))
    let cancelled = false
    const onAbort = () => {
      cancelled = true
      kill()
    }
    options.signal?.addEventListener('abort', onAbort, { once: true })
    const keep = (chunk: Buffer) => {
      const text = chunk.toString()
      tail = (tail + text).slice(-2_000)
      for (const line of text.split('\n')) if (line.trim()) options.onOutput?.(line.trim())
    }
    child.stdout.on('data', keep)
    child.stderr.on('data', keep)
    child.once('error', (err) => {
      options.signal?.removeEventListener('abort', onAbort)
      const missing = (err as NodeJS.ErrnoException).code === 'ENOENT'
      reject(
        new NpmInstallError(
          missing
            ? `npm was not found on PATH: install Node.js (which brings npm), or set "orchestrator.opencodePath" to an OpenCode 1.x binary`
            : `npm could not be started: ${err.message}`,
        ),
      )
    })
    child.once('close', (code, sig) => {
      options.signal?.removeEventListener('abort', onAbort)
      if (cancelled) reject(new NpmInstallError('the install was cancelled'))
      else if (code === 0) resolve()
      else
        reject(
          new NpmInstallError(
            `npm ${args.join(' ')} failed (exit ${code ?? sig})${tail.trim() ? `:\n${tail.trim()}` : ''}`,
          ),
        )
    })
  })
}
