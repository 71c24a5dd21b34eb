import { randomUUID } from 'node:crypto'
import { join } from 'node:path'
import * as vscode from 'vscode'
import { Emitter } from '../engine/util/emitter'
import { Mission } from '../engine/mission'
import { withJournaledOptions } from '../engine/mission-options'
import { isTerminal, type BaselineAnswer, type MissionState } from '../engine/record/mission-state'
import { systemClock, type Logger } from '../engine/ports'
import { ContextKeys } from '../shared/constants'
import { JournalFile } from '../node/journal-file'
import { VerbatimFile } from '../node/verbatim-file'
import { discardMission, newestIfInterrupted, type InterruptedMission } from '../node/interrupted-missions'
import { ProjectLock, type LockRunner } from '../node/project-lock'
import { requestStop } from '../node/live-mission'
import { sharePrevious } from './followed-state'
import { NodeWorkspace } from '../node/workspace'
import { missionWorktrees } from '../node/mission-worktrees'
import type { ProcessRegistry } from '../node/process-registry'
import { missionSettings, worktreeSetup } from './config'
import type { ServerController } from './server-controller'
import type { Supervisor } from '../opencode/supervisor'
import { OpencodePreflight } from '../opencode/preflight-port'
import { preflight, PreflightError } from '../engine/preflight/preflight'
import type { MissionOptions } from '../engine/mission-options'
import type { Refusal } from '../engine/util/refusal'
import type { StartingView } from '../shared/protocol'

const NO_MISSION: Refusal = { refused: 'No mission is running. Start one with Orchestrator: Run Task.' }

/** Where a mission this window follows runs, as the dashboard names it. */
export const RUNS_IN: Record<LockRunner, string> = {
  opencode: '/task in OpenCode',
  cli: 'the CLI',
  vscode: 'another VS Code window',
}

/** A mission another process runs in a workspace folder, on screen here as it publishes it. */
interface Followed {
  state: MissionState
  runner: LockRunner
  dir: string
  folder: string
}

/** Starts and stops missions in the workspace and publishes their state; one mission at a time. */
export class MissionController implements vscode.Disposable {
  #mission: Mission | undefined
  /** Set from the first line of start() until its mission runs, so two starts cannot race. */
  #starting = false
  /** The folder the latest mission works in. */
  #dir: string | undefined
  /** Name of the workspace folder of the current mission. */
  #folder: string | undefined
  /** The project lock of the running mission: one mission per project, across windows and the CLI. */
  #lock: ProjectLock | undefined
  /**
   * A finished mission brought back from its journal, on screen while no mission of this window is
   * (its changes wait for the user: see {@link restore}).
   */
  #restored: MissionState | undefined
  /**
   * Pending while the latest mission closes after its end is on screen (sessions aborted, its end
   * journaled, its project lock released): the next start waits for it instead of meeting its lock.
   */
  #closing: Promise<void> | undefined
  /** The mission being started, from the user's Run until it runs or fails to start. */
  #startingView: StartingView | undefined
  /**
   * A mission `/task` or the CLI runs in a workspace folder (see MissionFollower): on screen while this
   * window runs none, with Stop; until this window starts or restores one.
   */
  #followed: Followed | undefined
  readonly changes = new Emitter<MissionState>()
  /** No mission is on screen any more (a followed one went away). */
  readonly cleared = new Emitter<void>()
  /** The mission being started changed (it began starting, moved on a step, runs, or did not start). */
  readonly starts = new Emitter<StartingView | undefined>()

  constructor(
    private readonly server: ServerController,
    /** The extension's storage folder: journals live there, one file per mission. */
    private readonly storageDir: string,
    private readonly log: Logger,
    /** Where a running check's process group is recorded. */
    private readonly processes?: ProcessRegistry,
  ) {}

  /** The mission being started, while it is: what the dashboard shows until its state exists. */
  get starting(): StartingView | undefined {
    return this.#startingView
  }

  #startingStep(view: StartingView | undefined): void {
    this.#startingView = view
    this.starts.emit(view)
  }

  get current(): MissionState | undefined {
    return this.#followed?.state ?? this.#mission?.state ?? this.#restored
  }

  /** The folder the latest mission works in (undefined before the first start). */
  get directory(): string | undefined {
    return this.#followed?.dir ?? this.#dir
  }

  /** Where the mission on screen runs when another process runs it (this window follows it). */
  get runsIn(): string | undefined {
    return this.#followed && RUNS_IN[this.#followed.runner]
  }

  /** Where the journals live, one `<id>.jsonl` per mission. */
  get journalDir(): string {
    return join(this.storageDir, 'missions')
  }

  /** Name of the workspace folder the current mission works in. */
  get folder(): string | undefined {
    if (this.#followed) return this.#followed.folder
    return this.#mission || this.#restored ? this.#folder : undefined
  }

  get running(): boolean {
    return this.#runningHere || (this.#followed !== undefined && !isTerminal(this.#followed.state.phase))
  }

  /** A mission of this window starts or runs. */
  get #runningHere(): boolean {
    const s = this.#mission?.state
    return this.#starting || (s !== undefined && !isTerminal(s.phase))
  }

  /**
   * Shows a mission another process runs in `folder` (its newest state), in place of the one on
   * screen. Refused (false) while a mission of this window starts or runs.
   */
  follow(state: MissionState, runner: LockRunner, folder: vscode.WorkspaceFolder): boolean {
    if (this.#runningHere) return false
    const shown = sharePrevious(this.#followed?.state, state)
    this.#followed = { state: shown, runner, dir: folder.uri.fsPath, folder: folder.name }
    this.changes.emit(shown)
    return true
  }

  /**
   * The followed mission `id` went away without an end (its runner was killed; the mission list shows
   * it interrupted), or its folder left the workspace: it leaves the screen.
   */
  unfollow(id: string): void {
    if (this.#followed?.state.id !== id) return
    this.#followed = undefined
    const shown = this.current
    if (shown) this.changes.emit(shown)
    else this.cleared.emit()
  }

  #journalPath(id: string): string {
    return join(this.storageDir, 'missions', `${id}.jsonl`)
  }

  /**
   * The newest mission, when its journal has no end: the host went away while it ran (with the
   * folder it worked in, when its journal names it).
   */
  interrupted(): Promise<InterruptedMission | undefined> {
    return newestIfInterrupted(this.journalDir)
  }

  /**
   * Shows a finished mission again, as its journal holds it, in place of the one on screen: a mission
   * of an earlier window whose changes wait for the user. Refused (false) while a mission starts or
   * runs; the next start replaces it.
   */
  restore(state: MissionState, folder: vscode.WorkspaceFolder): boolean {
    if (this.running || !isTerminal(state.phase)) return false
    this.#mission?.dispose()
    this.#mission = undefined
    this.#followed = undefined
    this.#restored = state
    this.#dir = folder.uri.fsPath
    this.#folder = folder.name
    this.changes.emit(state)
    return true
  }

  /** Marks an interrupted mission as stopped, so it is not offered again, and clears its edit guard. */
  async discard(id: string): Promise<void> {
    await discardMission(this.journalDir, id, { clock: systemClock, log: this.log })
    await VerbatimFile.beside(this.#journalPath(id)).write({})
  }

  /**
   * Starts a mission, or resumes an interrupted one from its journal; resolves with its final state.
   * Throws a user-facing error when it cannot start.
   */
  async start(goal: string, folder: vscode.WorkspaceFolder, resumeId?: string): Promise<MissionState> {
    const trimmed = goal.trim()
    if (!trimmed) throw new Error('Type a goal for the mission.')
    if (this.#followed && !this.#runningHere && !isTerminal(this.#followed.state.phase))
      throw new Error(
        `A mission runs in ${RUNS_IN[this.#followed.runner]} in ${this.#followed.folder}: stop it first, or wait for its end.`,
      )
    if (this.running) throw new Error('A mission is already running. Stop it first.')
    const dir = folder.uri.fsPath
    const settings = missionSettings() // before the server starts: a bad setting fails fast
    const id = resumeId ?? randomUUID()
    this.#starting = true
    const since = Date.now()
    const step = (words: string) =>
      this.#startingStep({ goal: trimmed, folder: folder.name, step: words, since })
    step(resumeId ? 'Resuming: starting the OpenCode server' : 'Starting the OpenCode server')
    let connection
    let lock: ProjectLock | undefined
    try {
      if (this.#closing) {
        step('Waiting for the last mission to close')
        await this.#closing
        step(resumeId ? 'Resuming: starting the OpenCode server' : 'Starting the OpenCode server')
      }
      // Before the server: a project another mission holds is refused at once, naming that mission.
      lock = await ProjectLock.acquire(dir, { missionId: id, runner: 'vscode' }, this.log)
      connection = await this.#readyServer(dir, settings.models)
    } catch (err) {
      await lock?.release()
      this.#starting = false
      this.#startingStep(undefined)
      throw err
    }
    step('Preparing the mission')
    const journal = new JournalFile(this.#journalPath(id), { logger: this.log })
    // The user is at hand: before the planner's retry bound ends the mission, ask them.
    const options = { id, goal: trimmed, ...settings, askWhenStuck: true }
    const workspace = new NodeWorkspace(dir, process.env, this.processes)
    let mission: Mission
    let unfollow: (() => Promise<void>) | undefined
    try {
      // A resumed mission runs with the options it started with (its isolation too), whatever the
      // settings are now.
      const runWith = resumeId ? await withJournaledOptions(journal, options) : options
      const worktrees =
        runWith.isolation === 'worktree' ? await this.#worktrees(dir, id, workspace, connection) : undefined
      // The todos' sessions work in their worktrees: their events and statuses are followed there.
      if (worktrees) unfollow = await connection.follow(() => worktrees.folders())
      mission = new Mission(
        {
          sessions: connection,
          events: connection,
          workspace,
          journal,
          ...(worktrees && { worktrees }),
          verbatim: VerbatimFile.beside(journal.path),
          clock: systemClock,
          logger: this.log,
        },
        runWith,
      )
    } catch (err) {
      await unfollow?.()
      await lock.release()
      this.#startingStep(undefined)
      throw err
    } finally {
      // Starting until the mission is in place: a second start meanwhile is refused.
      this.#starting = false
      this.#startingView = undefined // told with the mission's first state, or the failure
    }
    this.#mission?.dispose()
    this.#restored = undefined
    this.#followed = undefined
    this.#lock = lock
    this.#mission = mission
    this.#dir = dir
    this.#folder = folder.name
    let paused = false
    const setContext = (key: string, value: boolean) =>
      void vscode.commands.executeCommand('setContext', key, value)
    mission.onChange((s) => {
      // The palette offers Pause or Resume, whichever applies.
      if (s.paused !== paused) setContext(ContextKeys.missionPaused, (paused = s.paused))
      this.changes.emit(s)
    })
    this.starts.emit(undefined)
    setContext(ContextKeys.missionRunning, true)
    let closed!: () => void
    const closing = (this.#closing = new Promise<void>((resolve) => (closed = resolve)))
    try {
      return await mission.run()
    } finally {
      await unfollow?.().catch((err: unknown) => this.log.warn(`worktree events not closed: ${String(err)}`))
      if (this.#lock === lock) this.#lock = undefined
      await lock.release().catch((err: unknown) => this.log.warn(`project lock not released: ${String(err)}`))
      setContext(ContextKeys.missionRunning, false)
      setContext(ContextKeys.missionPaused, false)
      if (this.#closing === closing) this.#closing = undefined
      closed()
    }
  }

  /**
   * The mission's worktrees (what earlier missions left there tidied first), or undefined when the
   * folder is not in git: the mission then runs shared and says so.
   */
  #worktrees(dir: string, missionId: string, workspace: NodeWorkspace, server: Supervisor) {
    const setup = worktreeSetup()
    return missionWorktrees({
      directory: dir,
      missionId,
      env: process.env,
      logger: this.log,
      workspace,
      readyFolder: (folder) => server.readyFolder(folder),
      ...(setup && { setup }),
    })
  }

  /**
   * The server, started or attached, that passed preflight; VS Code's progress shows meanwhile, and
   * its Cancel ends the start. No session exists before this resolves.
   */
  async #readyServer(dir: string, models: MissionOptions['models']): Promise<Supervisor> {
    return await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Orchestrator', cancellable: true },
      async (progress, token) => {
        const cancel = new AbortController()
        const sub = token.onCancellationRequested(() => cancel.abort())
        try {
          progress.report({
            message: this.server.attached ? 'Connecting to OpenCode…' : 'Starting OpenCode…',
          })
          const connection = await this.server.ensure(dir, cancel.signal)
          if (token.isCancellationRequested) throw new Error('Cancelled.')
          progress.report({ message: 'Checking the server (providers, models, plugin)…' })
          const report = await preflight(new OpencodePreflight(connection.client, connection.url), {
            attached: this.server.attached,
            ...(models && { models }),
          })
          for (const w of report.warnings) this.log.warn(w)
          if (!report.ok) {
            this.log.error(`preflight failed:\n${report.problems.map((p) => `- ${p.message}`).join('\n')}`)
            await this.server.rejectServer(report.problems.map((p) => p.message).join(' '))
            throw new PreflightError(report)
          }
          if (token.isCancellationRequested) throw new Error('Cancelled.')
          return connection
        } finally {
          sub.dispose()
        }
      },
    )
  }

  async stop(): Promise<void> {
    const f = this.#followed
    // Its runner hears the request within a moment and stops it as its own Stop would.
    if (f && !isTerminal(f.state.phase)) return requestStop(f.dir, f.state.id, 'VS Code')
    await this.#mission?.stop()
  }

  /** Refuses what only the mission's own runner can do; undefined for a mission of this window. */
  #elsewhere(): Refusal | undefined {
    const f = this.#followed
    return (
      f && {
        refused: `This mission runs in ${RUNS_IN[f.runner]}: this window follows it and can only stop it.`,
      }
    )
  }

  /** Pauses the running mission: no new turn starts; running ones finish. */
  pause(): Refusal | undefined {
    const elsewhere = this.#elsewhere()
    if (elsewhere) return elsewhere
    const m = this.#mission
    if (!m || isTerminal(m.state.phase)) return NO_MISSION
    if (m.state.paused) return { refused: 'The mission is already paused.' }
    m.pause()
    return undefined
  }

  resume(): Refusal | undefined {
    const elsewhere = this.#elsewhere()
    if (elsewhere) return elsewhere
    const m = this.#mission
    if (!m || isTerminal(m.state.phase)) return NO_MISSION
    if (!m.state.paused) return { refused: 'The mission is not paused.' }
    m.resume()
    return undefined
  }

  /** Answers the mission's "keep waiting?" question: one more retry bound. */
  keepWaiting(): void {
    if (!this.#followed) this.#mission?.keepWaiting()
  }

  /** Answers the mission's baseline question (see Mission.answerBaseline). */
  answerBaseline(answer: BaselineAnswer): Promise<Refusal | undefined> {
    const elsewhere = this.#elsewhere()
    if (elsewhere) return Promise.resolve(elsewhere)
    return this.#mission?.answerBaseline(answer) ?? Promise.resolve(NO_MISSION)
  }

  replyPermission(requestId: string, reply: 'once' | 'always' | 'reject'): Promise<void> {
    const elsewhere = this.#elsewhere()
    if (elsewhere) return Promise.reject(new Error(elsewhere.refused))
    if (!this.#mission) return Promise.reject(new Error('no mission'))
    return this.#mission.replyPermission(requestId, reply)
  }

  /** Cancels one todo of the running mission (see Mission.cancelTodo). */
  async cancelTodo(todoId: string): Promise<Refusal | undefined> {
    return this.#elsewhere() ?? (this.#mission ? this.#mission.cancelTodo(todoId) : NO_MISSION)
  }

  /** Sends a failed or cancelled todo of the running mission back to the queue. */
  async retryTodo(todoId: string): Promise<Refusal | undefined> {
    return this.#elsewhere() ?? (this.#mission ? this.#mission.retryTodo(todoId) : NO_MISSION)
  }

  /** Queues a message for a running agent, delivered at its next idle. */
  steer(sessionId: string, text: string): Refusal | undefined {
    return this.#elsewhere() ?? (this.#mission ? this.#mission.steer(sessionId, text) : NO_MISSION)
  }

  /**
   * The host is going away (reload, shutdown): the mission is not stopped but left to its journal,
   * and offered for resumption on the next start.
   */
  dispose(): void {
    this.#mission?.dispose()
    this.#lock?.releaseSync()
    this.changes.clear()
    this.cleared.clear()
  }
}
