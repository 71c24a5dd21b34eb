import type { OpencodeClient } from '@opencode-ai/sdk/v2'
import type { Logger } from '../engine/ports'
import type { ProcessRegistry } from '../node/process-registry'
import { checkHealth, createClient } from './client'
import { OpencodeEventStream } from './event-stream'
import { startServerProcess, type ServerProcess } from './server-process'
import { OpencodeSessionPort } from './session-port'

export type ConnectOptions =
  | {
      kind: 'spawn'
      binary: string
      /** Project directory; also the server's working directory. */
      directory: string
      env: NodeJS.ProcessEnv
      configContent?: object
      startTimeoutMs?: number
      logger: Logger
      /** Abandons the start (the process is ended). Restarts after a crash do not use it. */
      signal?: AbortSignal
      /** Where the server's process group is recorded while it runs. */
      processes?: ProcessRegistry
    }
  | { kind: 'attach'; url: string; password?: string; directory: string; logger: Logger }
  /**
   * A client made by the host for a server it runs in (the companion plugin inside OpenCode, whose
   * own client carries the server's address, transport and credentials).
   */
  | { kind: 'client'; client: OpencodeClient; url: string; directory: string; logger: Logger }

/** A live, health-checked server with its SSE stream open. */
export interface Connection {
  readonly url: string
  /** The server process we own (spawn mode only). */
  readonly process?: ServerProcess
  readonly client: OpencodeClient
  readonly events: OpencodeEventStream
  readonly sessions: OpencodeSessionPort
  dispose(): Promise<void>
}

/** Starts (or attaches to) a server, checks its health and waits for the event stream. */
export async function connect(options: ConnectOptions): Promise<Connection> {
  const log = options.logger
  const proc =
    options.kind === 'spawn'
      ? await startServerProcess({
          binary: options.binary,
          cwd: options.directory,
          env: options.env,
          ...(options.configContent && { configContent: options.configContent }),
          ...(options.startTimeoutMs !== undefined && { startTimeoutMs: options.startTimeoutMs }),
          logger: log,
          ...(options.signal && { signal: options.signal }),
          ...(options.processes && { processes: options.processes }),
        })
      : undefined
  const url = proc?.url ?? (options.kind === 'spawn' ? '' : options.url)
  const password = proc?.password ?? (options.kind === 'attach' ? options.password : undefined)
  const client =
    options.kind === 'client'
      ? options.client
      : createClient({ baseUrl: url, directory: options.directory, ...(password && { password }) })
  let events: OpencodeEventStream | undefined
  try {
    const health = await checkHealth(client, url, { attached: options.kind !== 'spawn' })
    log.info(`connected to OpenCode ${health.version} at ${url}`)
    // Boot the project's instance (config, plugins, providers, tools) now rather than inside the
    // first prompt: it takes seconds, and the first mission would otherwise wait for it. A file
    // search boots the services a prompt runs in (file index, watcher): without it the first
    // prompt of an instance waits ~0.8 s more for its model call (measured by `npm run bench`).
    const signal = AbortSignal.timeout(60_000)
    const [agents] = await Promise.all([
      client.app.agents(undefined, { signal }),
      client.config.providers(undefined, { signal }),
      client.tool.ids(undefined, { signal }),
      client.find.files({ query: '', limit: 1 }, { signal }),
    ])
    if (agents.error)
      throw new Error(
        `OpenCode could not load the project ${options.directory}: ${JSON.stringify(agents.error)}`,
      )
    events = new OpencodeEventStream(client, log)
    await withTimeout(events.ready(), 30_000, 'the event stream did not open within 30 s')
    if (options.kind === 'spawn') options.signal?.throwIfAborted()
  } catch (err) {
    await events?.dispose()
    await proc?.dispose()
    throw err
  }
  const stream = events
  return {
    url,
    ...(proc && { process: proc }),
    client,
    events: stream,
    sessions: new OpencodeSessionPort(client),
    dispose: async () => {
      await stream.dispose()
      await proc?.dispose()
    },
  }
}

function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(message)), ms))),
  ])
}
