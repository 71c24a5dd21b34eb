import * as vscode from 'vscode'
import type { Logger } from '../engine/ports'
import { Emitter } from '../engine/util/emitter'
import { errorMessage } from '../engine/util/error-message'
import { resolveOpencodeBinary } from '../opencode/binary'
import type { Supervisor } from '../opencode/supervisor'
import type { ProcessRegistry } from '../node/process-registry'
import { missionServerConfig } from '../plugin-config/server-config'
import type { ServerStatus } from '../shared/protocol'
import { serverUrlProblem } from '../engine/preflight/server-url'
import { SERVER_PASSWORD_SECRET } from '../shared/constants'
import { getConfig } from './config'

export interface ServerState {
  status: ServerStatus
  url?: string
  error?: string
}

/**
 * Owns the connection to OpenCode: spawns `opencode serve` for the workspace (or attaches to
 * `orchestrator.serverUrl`), shares it between missions, and ends it on dispose.
 */
export class ServerController implements vscode.Disposable {
  #state: ServerState = { status: 'stopped' }
  #connecting: Promise<Supervisor> | undefined
  #connection: Supervisor | undefined
  #closing: Promise<void> = Promise.resolve()
  readonly changes = new Emitter<ServerState>()

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly log: Logger,
    /** Holds the attach password ("Orchestrator: Attach to Server…"); never the settings. */
    private readonly secrets: vscode.SecretStorage,
    /** Where the started server's process group is recorded while it runs. */
    private readonly processes?: ProcessRegistry,
  ) {}

  /** True when missions run on a server the user runs (`orchestrator.serverUrl`), not one we start. */
  get attached(): boolean {
    return getConfig('serverUrl').trim() !== ''
  }

  get state(): ServerState {
    return this.#state
  }

  /** The live connection, started on first use. Rejects with a user-facing message. */
  ensure(directory: string, signal?: AbortSignal): Promise<Supervisor> {
    if (this.#connection) return Promise.resolve(this.#connection)
    this.#connecting ??= this.#connect(directory, signal).finally(() => (this.#connecting = undefined))
    return this.#connecting
  }

  async restart(directory: string): Promise<Supervisor> {
    await this.stop()
    return this.ensure(directory)
  }

  /** Ends the server (awaiting a start in progress first); resolves once its process group is gone. */
  async stop(): Promise<void> {
    await this.#connecting?.catch(() => undefined)
    const c = this.#connection
    this.#connection = undefined
    if (c) this.#closing = this.#closing.then(() => c.dispose())
    await this.#closing
    if (this.#state.status !== 'stopped') this.#set({ status: 'stopped' })
  }

  /**
   * The server cannot run missions (preflight failed): it is let go, so the next start connects
   * afresh after the fix (a restarted server, new auth), and the reason stays on the dashboard.
   */
  async rejectServer(reason: string): Promise<void> {
    await this.stop()
    this.#set({ status: 'failed', error: reason })
  }

  async #connect(directory: string, signal?: AbortSignal): Promise<Supervisor> {
    if (!vscode.workspace.isTrusted)
      throw new Error('Missions run only in a trusted workspace: no OpenCode server is started here.')
    this.#set({ status: 'starting' })
    try {
      // Loaded on first use, not at activation: the OpenCode SDK builds its default client when its
      // module is evaluated, and that first `new Headers()` makes Node load its fetch implementation
      // (undici): ~35 ms of a ~45 ms load of the bundle in Node 24. A mission start waits seconds
      // for the server anyway.
      const { Supervisor } = await import('../opencode/supervisor')
      const attachUrl = getConfig('serverUrl').trim()
      const bad = attachUrl ? serverUrlProblem(attachUrl) : undefined
      if (bad) throw new Error(`Setting orchestrator.serverUrl: ${bad}`)
      const password =
        (attachUrl && (await this.secrets.get(SERVER_PASSWORD_SECRET))) ||
        process.env.OPENCODE_SERVER_PASSWORD
      const connection = attachUrl
        ? await Supervisor.start({
            kind: 'attach',
            url: attachUrl,
            directory,
            logger: this.log,
            ...(password && { password }),
          })
        : await Supervisor.start({
            kind: 'spawn',
            binary: resolveOpencodeBinary({
              configured: getConfig('opencodePath').trim() || undefined,
              searchFrom: [directory, this.extensionUri.fsPath],
            }),
            directory,
            env: { ...process.env, OPENCODE_CLIENT: 'sdk' },
            configContent: this.#serverConfig(),
            logger: this.log,
            ...(signal && { signal }),
            ...(this.processes && { processes: this.processes }),
          })
      // A server that dies is restarted by the supervisor; a mission keeps its ports and resumes.
      connection.onState((s) => {
        if (s.status === 'ready') this.#set({ status: 'ready', url: s.url })
        else if (s.status === 'restarting')
          this.#set({ status: 'starting', error: 'the OpenCode server exited: restarting' })
        else {
          if (this.#connection === connection) this.#connection = undefined
          void connection.dispose()
          this.#set({ status: 'failed', error: s.error })
        }
      })
      this.#connection = connection
      this.#set({ status: 'ready', url: connection.url })
      return connection
    } catch (err) {
      const error = errorMessage(err)
      this.#set({ status: 'failed', error })
      throw err
    }
  }

  /**
   * The companion plugin (and the snapshot choice) go in through the server's config content: no user
   * file is changed.
   */
  #serverConfig(): object {
    return missionServerConfig({
      pluginFile: vscode.Uri.joinPath(this.extensionUri, 'dist', 'plugin.js').fsPath,
      snapshots: getConfig('opencodeSnapshots'),
    })
  }

  #set(state: ServerState): void {
    this.#state = state
    this.changes.emit(state)
  }

  dispose(): void {
    void this.stop()
    this.changes.clear()
  }
}
