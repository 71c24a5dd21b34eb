import type { OpencodeClient } from '@opencode-ai/sdk/v2'
import { errorMessage } from '../engine/util/error-message'
import type {
  CreateSessionInput,
  EventPort,
  HostEvent,
  Logger,
  ModelLimit,
  ModelRef,
  PermissionReply,
  PromptInput,
  Role,
  SessionPort,
  SessionStatus,
  ToolCallRecord,
} from '../engine/ports'
import { connect, type ConnectOptions, type Connection } from './connection'
import { OpencodeEventStream } from './event-stream'
import { FollowedFolders } from './followed-folders'

/** Options of {@link Supervisor.start}. */
export interface SupervisorOptions {
  /** Restarts after unexpected exits before giving up. Default: 5. */
  maxRestarts?: number
  /** First restart delay; doubles per failed restart. Default: 250 ms. */
  initialDelayMs?: number
}

export type SupervisorState =
  { status: 'ready'; url: string } | { status: 'restarting' } | { status: 'failed'; error: string }

/**
 * A server connection that survives the server: when the process we spawned dies unexpectedly it is
 * started again (same data directory, so sessions survive) with backoff, and the engine's ports keep
 * working. Listeners see `disconnected`, then `connected` once the new event stream is open, which
 * is the engine's cue to reconcile.
 */
export class Supervisor implements SessionPort, EventPort {
  readonly #listeners = new Set<(e: HostEvent) => void>()
  readonly #stateListeners = new Set<(s: SupervisorState) => void>()
  #current: Connection
  #unforward: () => void = () => {}
  #disposed = false
  /** Restarts in a row that did not bring the server back (reset by a successful one). */
  #restarts = 0
  #restarting: Promise<void> = Promise.resolve()
  readonly #followed = new FollowedFolders()
  /** The global stream that carries the followed folders' events, while any are followed. */
  #folderEvents: OpencodeEventStream | undefined
  #unforwardFolders: () => void = () => {}

  private constructor(
    private readonly connectOptions: ConnectOptions,
    private readonly options: SupervisorOptions,
    first: Connection,
  ) {
    this.#current = first
    this.#adopt(first)
  }

  static async start(connectOptions: ConnectOptions, options: SupervisorOptions = {}): Promise<Supervisor> {
    const first = await connect(connectOptions)
    // The signal abandons this first start only; restarts after a crash are not the user's start.
    const { signal: _started, ...restartOptions } = { signal: undefined, ...connectOptions }
    return new Supervisor(restartOptions as ConnectOptions, options, first)
  }

  get url(): string {
    return this.#current.url
  }
  get pid(): number | undefined {
    return this.#current.process?.pid
  }
  get client(): OpencodeClient {
    return this.#current.client
  }
  private get log(): Logger {
    return this.connectOptions.logger
  }

  onState(listener: (s: SupervisorState) => void): () => void {
    this.#stateListeners.add(listener)
    return () => this.#stateListeners.delete(listener)
  }

  subscribe(listener: (event: HostEvent) => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  /**
   * Follows the sessions of the folders `folders` lists besides the project's (a mission's
   * worktrees, read at every event): their events join this port's, their statuses its statuses.
   * Resolves once their stream is open; the returned function stops following them.
   */
  async follow(folders: () => ReadonlySet<string>): Promise<() => Promise<void>> {
    const stop = this.#followed.add(folders)
    const stream = this.#openFolderEvents(this.#current)
    await stream?.ready()
    return async () => {
      stop()
      if (this.#followed.empty) await this.#closeFolderEvents()
    }
  }

  #openFolderEvents(connection: Connection): OpencodeEventStream | undefined {
    if (this.#folderEvents || this.#followed.empty) return this.#folderEvents
    const stream = new OpencodeEventStream(connection.client, this.log, { directories: () => this.#followed })
    this.#folderEvents = stream
    this.#unforwardFolders = stream.subscribe((e) => {
      for (const l of [...this.#listeners]) l(e)
    })
    return stream
  }

  async #closeFolderEvents(): Promise<void> {
    const stream = this.#folderEvents
    this.#folderEvents = undefined
    this.#unforwardFolders()
    await stream?.dispose()
  }

  #adopt(connection: Connection): void {
    this.#unforward = connection.events.subscribe((e) => {
      for (const l of [...this.#listeners]) l(e)
    })
    this.#openFolderEvents(connection)
    connection.process?.onUnexpectedExit(() => {
      this.#restarting = this.#restart(connection)
    })
  }

  async #restart(dead: Connection): Promise<void> {
    if (this.#disposed || dead !== this.#current) return
    this.#unforward()
    await this.#closeFolderEvents()
    for (const l of [...this.#listeners]) l({ type: 'disconnected', reason: 'the OpenCode server exited' })
    this.#emitState({ status: 'restarting' })
    await dead.dispose().catch(() => undefined)
    let delay = this.options.initialDelayMs ?? 250
    while (!this.#disposed) {
      if (this.#restarts >= (this.options.maxRestarts ?? 5)) {
        const error = `the OpenCode server exited and ${this.#restarts} restarts did not bring it back`
        this.log.error(error)
        for (const l of [...this.#listeners]) l({ type: 'disconnected', reason: error, permanent: true })
        this.#emitState({ status: 'failed', error })
        return
      }
      this.#restarts++
      await new Promise((r) => setTimeout(r, delay))
      try {
        const next = await connect(this.connectOptions)
        if (this.#disposed) return void (await next.dispose())
        this.log.info(`OpenCode server restarted (attempt ${this.#restarts}) at ${next.url}`)
        this.#restarts = 0
        this.#current = next
        this.#adopt(next)
        // The new stream's first event was consumed by connect(): tell listeners it is open.
        for (const l of [...this.#listeners]) l({ type: 'connected' })
        this.#emitState({ status: 'ready', url: next.url })
        return
      } catch (err) {
        this.log.warn(`restart of the OpenCode server failed: ${errorMessage(err)}`)
        delay = Math.min(delay * 2, 5_000)
      }
    }
  }

  #emitState(s: SupervisorState): void {
    for (const l of [...this.#stateListeners]) l(s)
  }

  // SessionPort: always the live server.
  create(input: CreateSessionInput): Promise<{ id: string }> {
    return this.#current.sessions.create(input)
  }
  prompt(input: PromptInput): Promise<void> {
    return this.#current.sessions.prompt(input)
  }
  abort(sessionId: string): Promise<boolean> {
    return this.#current.sessions.abort(sessionId)
  }
  retitle(sessionId: string, title: string): Promise<void> {
    return this.#current.sessions.retitle(sessionId, title)
  }
  remove(sessionId: string): Promise<void> {
    return this.#current.sessions.remove(sessionId)
  }
  /** The project's sessions' statuses, and those of every followed folder. */
  async statuses(): Promise<Record<string, SessionStatus>> {
    const sessions = this.#current.sessions
    const all = await Promise.all([
      sessions.statuses(),
      ...this.#followed.list().map((dir) => sessions.statuses(dir)),
    ])
    return Object.assign({}, ...all) as Record<string, SessionStatus>
  }
  /**
   * Readies a folder's instance before its first session (a worktree made ahead): never throws; a
   * folder not readied boots on its first session instead.
   */
  async readyFolder(directory: string): Promise<void> {
    await this.#current.sessions.readyFolder(directory).catch((err: unknown) => {
      this.log.debug(`folder ${directory} not readied ahead: ${errorMessage(err)}`)
    })
  }
  children(sessionId: string): Promise<string[]> {
    return this.#current.sessions.children(sessionId)
  }
  replyPermission(requestId: string, sessionId: string, reply: PermissionReply): Promise<void> {
    return this.#current.sessions.replyPermission(requestId, sessionId, reply)
  }
  missionToolCalls(sessionId: string): Promise<ToolCallRecord[]> {
    return this.#current.sessions.missionToolCalls(sessionId)
  }
  roleModels(): Promise<Partial<Record<Role, ModelRef>>> {
    return this.#current.sessions.roleModels()
  }
  modelLimits(): Promise<Record<string, ModelLimit>> {
    return this.#current.sessions.modelLimits()
  }

  async dispose(): Promise<void> {
    this.#disposed = true
    // A restart in flight either finishes and disposes what it started, or gives up: wait for it.
    await this.#restarting
    this.#unforward()
    await this.#closeFolderEvents()
    this.#listeners.clear()
    this.#stateListeners.clear()
    await this.#current.dispose()
  }
}
