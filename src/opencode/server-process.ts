import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { createServer } from 'node:net'
import type { Logger } from '../engine/ports'
import { scrubSecrets } from '../engine/util/scrub-secrets'
import type { ProcessRegistry } from '../node/process-registry'
import { endTree, GROUP_TAG_ENV, newGroupTag, signalTree } from '../node/process-tree'

/** Options of {@link startServerProcess}. */
export interface ServerProcessOptions {
  binary: string
  /** Project directory; the server's default instance. */
  cwd: string
  /** Full environment of the child (nothing is read from process.env here). */
  env: NodeJS.ProcessEnv
  /** Config object passed as OPENCODE_CONFIG_CONTENT (merged last by OpenCode). */
  configContent?: object
  /** How long to wait for the listening line. Default: 30 000 ms (cold starts take 4 s on 2 cores). */
  startTimeoutMs?: number
  /** Grace period between SIGTERM and SIGKILL on dispose. Default: 3 000 ms. */
  killGraceMs?: number
  logger: Logger
  /** Abandons the start: the process group is ended and the promise rejects. */
  signal?: AbortSignal
  /** Records the server's process group, so a host that dies leaves it to the next to end. */
  processes?: ProcessRegistry
}

export interface ServerProcess {
  readonly url: string
  readonly password: string
  readonly pid: number
  /** Resolves when the process has exited, with its code or signal. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  /** Called once if the process exits without dispose() having been called. */
  onUnexpectedExit(listener: (info: { code: number | null; signal: NodeJS.Signals | null }) => void): void
  /** Ends the whole process group: SIGTERM, then SIGKILL after the grace period. */
  dispose(): Promise<void>
}

export class ServerStartError extends Error {
  readonly reason = 'server-start-failed'
  constructor(
    message: string,
    readonly output: string,
  ) {
    super(message)
    this.name = 'ServerStartError'
  }
}

const LISTENING = /opencode server listening on (http:\/\/\S+)/

/**
 * Spawns `opencode serve` on loopback with a random port and a per-spawn password, in its own
 * process group, and resolves once it prints its URL. The SDK's createOpencodeServer has no cwd/env
 * options and does not await exit, so we own the process ourselves.
 */
export async function startServerProcess(options: ServerProcessOptions): Promise<ServerProcess> {
  const password = randomBytes(24).toString('base64url')
  // Both secrets travel in the server's environment (OpenCode 1.18 reads its password from there only);
  // the companion plugin's `shell.env` hook keeps them out of the agents' tool shells.
  const env: NodeJS.ProcessEnv = { ...options.env, OPENCODE_SERVER_PASSWORD: password }
  if (options.configContent) env.OPENCODE_CONFIG_CONTENT = JSON.stringify(options.configContent)
  // `--port=0` means "4096 if free": a fixed port collides across servers and lets a client reuse a
  // pooled keep-alive socket of a dead predecessor. Ask the OS for a free port instead.
  const port = await freePort()
  const [command, args] = withParentDeathSignal(options.binary, [
    'serve',
    '--hostname=127.0.0.1',
    `--port=${port}`,
  ])
  const tag = newGroupTag()
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: { ...env, [GROUP_TAG_ENV]: tag },
    detached: true,
    windowsHide: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const pid = child.pid
  if (pid === undefined) {
    const err = await new Promise<Error>((resolve) => child.once('error', resolve))
    throw new ServerStartError(`Could not start ${options.binary}: ${err.message}`, '')
  }
  options.processes?.add('opencode server', pid, tag)
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  )
  // From the spawn on: if our host process exits without dispose() (a crash, process.exit), still
  // end the group (children of the server outlive it: this stays until the group is ended).
  const onHostExit = () => {
    signalTree(pid, 'SIGKILL', tag)
    options.processes?.remove(tag)
  }
  process.once('exit', onHostExit)
  const stop = async () => {
    const running = child.exitCode === null && child.signalCode === null
    const seen = await endTree(pid, { exited, running, graceMs: options.killGraceMs ?? 3_000, tag })
    if (!seen) options.logger.warn(`opencode server ${pid} did not exit after SIGKILL`)
    process.off('exit', onHostExit)
    options.processes?.remove(tag)
  }
  let output = ''
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-8_000)
  }
  child.stdout?.on('data', keep)
  child.stderr?.on('data', keep)
  const log = options.logger

  let url: string
  try {
    url = await waitForUrl(child, () => output, options.startTimeoutMs ?? 30_000, options.signal)
  } catch (err) {
    await stop()
    // What the server printed is the only clue to why it did not start (a bad config, a port).
    const printed = scrubSecrets(output.trim())
    const line = `opencode server ${pid} did not start: ${(err as Error).message}`
    if (options.signal?.aborted) log.info(line)
    else log.error(printed ? `${line}; its output:\n${printed}` : `${line}; it printed nothing`)
    throw err
  }
  log.info(`opencode server ${pid} listening on ${url}`)

  let disposed = false
  let stopping: Promise<void> | undefined
  const exitListeners: ((info: { code: number | null; signal: NodeJS.Signals | null }) => void)[] = []
  void exited.then((info) => {
    if (disposed) return
    log.error(`opencode server ${pid} exited unexpectedly (code ${info.code}, signal ${info.signal})`)
    for (const l of exitListeners) l(info)
  })
  return {
    url,
    password,
    pid,
    exited,
    onUnexpectedExit: (l) => void exitListeners.push(l),
    dispose: () => {
      disposed = true
      stopping ??= stop().then(() => log.info(`opencode server ${pid} stopped`))
      return stopping
    },
  }
}

function waitForUrl(
  child: ChildProcess,
  output: () => string,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const onAbort = () => done(() => reject(new ServerStartError('the server start was cancelled', output())))
    const onData = () => {
      const m = LISTENING.exec(output())
      if (m?.[1]) done(() => resolve(m[1] as string))
    }
    const onExit = (code: number | null, signal: string | null) =>
      done(() =>
        reject(
          new ServerStartError(
            `opencode serve exited before listening (code ${code}, signal ${signal})`,
            output(),
          ),
        ),
      )
    const onError = (err: Error) =>
      done(() => reject(new ServerStartError(`opencode serve failed: ${err.message}`, output())))
    const timer = setTimeout(
      () =>
        done(() =>
          reject(new ServerStartError(`opencode serve did not listen within ${timeoutMs} ms`, output())),
        ),
      timeoutMs,
    )
    const done = (f: () => void) => {
      clearTimeout(timer)
      signal?.removeEventListener('abort', onAbort)
      child.stdout?.off('data', onData)
      child.stderr?.off('data', onData)
      child.off('exit', onExit)
      child.off('error', onError)
      f()
    }
    child.stdout?.on('data', onData)
    child.stderr?.on('data', onData)
    child.once('exit', onExit)
    child.once('error', onError)
    if (signal?.aborted) onAbort()
    else signal?.addEventListener('abort', onAbort)
  })
}

const SETPRIV = '/usr/bin/setpriv'
/**
 * When the host is killed outright (SIGKILL of the extension host) no JavaScript runs, so on Linux
 * the kernel is asked to send the server SIGTERM when its parent dies (util-linux `setpriv`).
 */
function withParentDeathSignal(binary: string, args: string[]): [string, string[]] {
  if (process.platform === 'linux' && existsSync(SETPRIV))
    return [SETPRIV, ['--pdeathsig', 'SIGTERM', binary, ...args]]
  return [binary, args]
}

/** A port on 127.0.0.1 that was free a moment ago (nothing listens on it once this resolves). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address()
      const port = typeof addr === 'object' && addr ? addr.port : 0
      srv.close(() => resolve(port))
    })
  })
}
