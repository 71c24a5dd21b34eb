import { resolve } from 'node:path'
import * as vscode from 'vscode'
import type { Logger } from '../engine/ports'
import { Emitter } from '../engine/util/emitter'
import { errorMessage } from '../engine/util/error-message'
import { resolveOpencodeBinary } from '../opencode/binary'
import { checkOpencodeBinary } from '../opencode/binary-version'
import { opencodeSearchFrom } from '../opencode/managed-opencode'
import { FolderConnections } from '../opencode/folder-connections'
import type { Supervisor } from '../opencode/supervisor'
import type { ProcessRegistry } from '../node/process-registry'
import { missionServerConfig } from '../plugin-config/server-config'
import type { ServerStatus } from '../shared/protocol'
import { serverUrlProblem } from '../engine/preflight/server-url'
import { SERVER_PASSWORD_SECRET } from '../shared/constants'
import { getConfig } from './config'
import { VSCODE_OPENCODE_FIXES } from './install-opencode'

export interface ServerState {
  status: ServerStatus
  url?: string
  error?: string
}

/**
 * Owns the connections to OpenCode, one per workspace folder: spawns `opencode serve` in the folder
 * (or attaches to `orchestrator.serverUrl` with the folder named in every request), shares it
 * between that folder's missions, and ends them all on dispose. The state shown is that of the
 * folder asked for last.
 */
export class ServerController implements vscode.Disposable {
  #state: ServerState = { status: 'stopped' }
  readonly #folders = new FolderConnections<Supervisor>((dir, signal) => this.#connect(dir, signal))
  /** The folder asked for last: its connection's state is the one shown. */
  #shown: string | undefined
  readonly changes = new Emitter<ServerState>()

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly log: Logger,
    /** Holds the attach password ("Orchestrator: Attach to Server…"); never the settings. */
    private readonly secrets: vscode.SecretStorage,
    /** The extension's global storage, where "Install OpenCode 1.x" puts OpenCode. */
    private readonly storageDir?: string,
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

  /**
   * The folder's live connection, started on first use: its sessions, tools and plugin work in that
   * folder. Rejects with a user-facing message.
   */
  ensure(directory: string, signal?: AbortSignal): Promise<Supervisor> {
    this.#shown = resolve(directory)
    const live = this.#folders.get(directory)
    if (live && (this.#state.status !== 'ready' || this.#state.url !== live.url))
      this.#set({ status: 'ready', url: live.url })
    return this.#folders.ensure(directory, signal)
  }

  async restart(directory: string): Promise<Supervisor> {
    await this.stop()
    return this.ensure(directory)
  }

  /** Ends every server (awaiting starts in progress first); resolves once their process groups are gone. */
  async stop(): Promise<void> {
    await this.#folders.stopAll()
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
    const shown = () => this.#shown === directory
    if (shown()) this.#set({ status: 'starting' })
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
            binary: await this.#checkedBinary(directory),
            directory,
            env: { ...process.env, OPENCODE_CLIENT: 'sdk' },
            configContent: this.#serverConfig(),
            logger: this.log,
            ...(signal && { signal }),
            ...(this.processes && { processes: this.processes }),
          })
      // A server that dies is restarted by the supervisor; a mission keeps its ports and resumes.
      connection.onState((s) => {
        if (s.status === 'failed') {
          this.#folders.forget(directory, connection)
          void connection.dispose()
        }
        if (!shown()) return
        if (s.status === 'ready') this.#set({ status: 'ready', url: s.url })
        else if (s.status === 'restarting')
          this.#set({ status: 'starting', error: 'the OpenCode server exited: restarting' })
        else this.#set({ status: 'failed', error: s.error })
      })
      if (shown()) this.#set({ status: 'ready', url: connection.url })
      return connection
    } catch (err) {
      const error = errorMessage(err)
      if (shown()) this.#set({ status: 'failed', error })
      throw err
    }
  }

  /**
   * The binary to spawn: the setting, the installed OpenCode 1.x, the workspace's or the extension's
   * `opencode-ai`, PATH; refused (an OpencodeVersionError) unless it is an OpenCode this build drives.
   */
  async #checkedBinary(directory: string): Promise<string> {
    const binary = resolveOpencodeBinary({
      configured: getConfig('opencodePath').trim() || undefined,
      searchFrom: opencodeSearchFrom({
        ...(this.storageDir && { storageDir: this.storageDir }),
        workspace: directory,
        extension: this.extensionUri.fsPath,
      }),
    })
    const { version, warning } = await checkOpencodeBinary(binary, { fixes: VSCODE_OPENCODE_FIXES })
    if (warning) this.log.warn(warning)
    else this.log.info(`OpenCode ${version} at ${binary}`)
    return binary
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
