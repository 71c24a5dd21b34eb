// The engine inside OpenCode: one mission at a time per project folder, started by `/task`, run by
// the same engine, journal, project lock and check the CLI and VS Code use, on a connection that uses
// the plugin's own client (the server's address, transport and credentials in every OpenCode front
// end). Its sessions go under the session the user typed `/task` in, in that session's folder, so the
// TUI shows them and their permission asks; its progress comes back there as notes and toasts. (A
// mission the CLI started in worktrees and `/task --resume` continues keeps its worktrees.)

import { randomUUID } from 'node:crypto'
import { join } from 'node:path'
import type { OpencodeClient } from '@opencode-ai/sdk/v2'
import { Mission } from '../../engine/mission'
import { withJournaledOptions, type MissionOptions } from '../../engine/mission-options'
import { systemClock, type HostEvent, type Logger } from '../../engine/ports'
import type { MissionState } from '../../engine/record/mission-state'
import { cutLine } from '../../engine/util/cut-line'
import { errorMessage } from '../../engine/util/error-message'
import { findResumable } from '../../node/resume-target'
import { JournalFile } from '../../node/journal-file'
import { missionWorktrees } from '../../node/mission-worktrees'
import { latestInterrupted, type InterruptedMission } from '../../node/interrupted-missions'
import { LiveMissionWriter } from '../../node/live-mission'
import { liveHolder, ProjectLock, ProjectLockedError } from '../../node/project-lock'
import { VerbatimFile } from '../../node/verbatim-file'
import { NodeWorkspace } from '../../node/workspace'
import { Supervisor } from '../../opencode/supervisor'
import { orchestratorFolder } from '../orchestrator-folder'
import { hideServerSecrets } from '../shell-env'
import { MissionNotes, missionStatus, type Toast } from './mission-notes'
import { SessionNotes } from './session-notes'
import type { TaskRequest } from './task-commands'

export interface MissionHostDeps {
  directory: string
  /** The server's own client (see plugin-client.ts). */
  client: OpencodeClient
  url: string
  logger: Logger
  /** Shows a toast in the TUI (a no-op without one). */
  toast(toast: Toast): void
  /** Agent sessions a mission runs at once (the plugin option). Default: the engine's. */
  maxConcurrency?: number
}

interface Running {
  id: string
  goal: string
  rootSessionId: string
  mission?: Mission
  /** Why it is to stop, once a stop was asked for (before its mission ran, too). */
  stopRequested?: string
  /** Called once it let go of the project (its lock released). */
  closed?: () => void
}

/** How long the end waits for its notes to be written before it lets go of them. */
const NOTES_AT_END_MS = 30_000

export class MissionHost {
  #running: Running | undefined
  /**
   * Pending from a mission's start until it lets go of the project at its end (its lock released,
   * before its last notes go out): a `/task` meanwhile waits for it instead of meeting its lock.
   */
  #closing: Promise<void> | undefined
  /** The latest mission's state, for `/mission` after it ended. */
  #last: MissionState | undefined

  constructor(private readonly d: MissionHostDeps) {}

  /**
   * Answers `/task`: takes the project's lock and starts the mission in the background. Resolves
   * at once with what to tell the user; never rejects.
   */
  async start(request: TaskRequest, rootSessionId: string): Promise<string> {
    try {
      if (request.kind === 'empty')
        return 'Orchestrator: no mission started: give it a goal, e.g. /task Add input validation to the signup form and test it (or /task --resume).'
      const running = this.#running
      if (running)
        return `Orchestrator: a mission is already running in this project: ${oneLine(running.goal)} (${running.id}). /mission shows it, /stop stops it.`
      // Held from here, before anything is awaited: a second /task meanwhile is refused, a /stop
      // meanwhile stops this one as soon as it runs.
      const run: Running = {
        id: '',
        goal: request.kind === 'start' ? request.goal : 'the interrupted mission',
        rootSessionId,
      }
      this.#running = run
      const started = await this.#begin(run, request).catch((err: unknown) => {
        if (this.#running === run) this.#running = undefined
        throw err
      })
      if (typeof started === 'string') {
        if (this.#running === run) this.#running = undefined
        return started
      }
      this.d.toast({ message: `Mission started: ${oneLine(run.goal)}`, variant: 'info' })
      return `Orchestrator: mission ${started.resumed ? 'resumed' : 'started'}: ${run.goal}\nIts agents work in sessions under this one; notes follow here. /mission shows it, /stop stops it.`
    } catch (err) {
      if (err instanceof ProjectLockedError) return `Orchestrator: no mission started. ${err.message}`
      this.d.logger.error(`/task failed: ${errorMessage(err)}`)
      return `Orchestrator: the mission could not start: ${errorMessage(err)}`
    }
  }

  /** Finds what to run, takes the project's lock and starts the run; a string says why not. */
  async #begin(run: Running, request: TaskRequest): Promise<{ resumed: boolean } | string> {
    // The mission before lets go of the project first (its lock is released as soon as it ends).
    await this.#closing
    let resumeId: string | undefined
    if (request.kind === 'resume') {
      const found = await findResumable(orchestratorFolder(this.d.directory), request.id, this.d.logger)
      if (typeof found === 'string') return `Orchestrator: nothing resumed: ${found}.`
      run.goal = found.goal
      resumeId = found.id
    }
    run.id = resumeId ?? randomUUID()
    // Taken before anything starts: a project another mission holds is refused here, naming it.
    const lock = await ProjectLock.acquire(
      this.d.directory,
      { missionId: run.id, runner: 'opencode' },
      this.d.logger,
    )
    // Pending until this mission lets go of the project (not until its last notes are out).
    const closing = (this.#closing = new Promise<void>((resolve) => {
      run.closed = () => {
        if (this.#closing === closing) this.#closing = undefined
        resolve()
      }
    }))
    void this.#run(run, lock, resumeId !== undefined)
    return { resumed: resumeId !== undefined }
  }

  /** Answers `/stop`. */
  stop(): string {
    const running = this.#running
    if (!running) return 'Orchestrator: no mission is running in this project.'
    running.stopRequested = 'stopped by the user (/stop)'
    void running.mission
      ?.stop(running.stopRequested)
      .catch((err: unknown) => this.d.logger.error(`/stop failed: ${errorMessage(err)}`))
    return `Orchestrator: stopping the mission: ${oneLine(running.goal)}. Every agent of it is aborted.`
  }

  /** Answers `/mission`; with nothing to show, offers the interrupted mission, if any. */
  async status(): Promise<string> {
    const state = this.#running?.mission?.state ?? this.#last
    if (state) return missionStatus(state)
    const found = await this.interrupted()
    if (found)
      return `Orchestrator: a mission was interrupted (OpenCode stopped while it ran): ${oneLine(found.goal)} (${found.id}). /task --resume continues it.`
    return missionStatus(undefined)
  }

  /** The latest interrupted mission of this project that nothing runs now, if any. */
  async interrupted(): Promise<InterruptedMission | undefined> {
    if (this.#running) return undefined
    const found = await latestInterrupted(orchestratorFolder(this.d.directory), this.d.logger).catch(
      () => undefined,
    )
    if (!found) return undefined
    // Its journal has no end while it runs, too: in a CLI or VS Code window, which holds the lock.
    const holder = await liveHolder(this.d.directory).catch(() => undefined)
    return holder?.missionId === found.id ? undefined : found
  }

  /** Once per OpenCode process: a toast offers the project's interrupted mission. */
  async offerResume(): Promise<void> {
    const found = await this.interrupted()
    if (found)
      this.d.toast({
        message: `A mission was interrupted: ${oneLine(found.goal)}. /task --resume continues it.`,
        variant: 'warning',
      })
  }

  /** Ends the running mission when OpenCode shuts down: its journal keeps it for `/task --resume`. */
  async dispose(): Promise<void> {
    this.#running?.mission?.dispose()
  }

  async #letGo(run: Running, lock: ProjectLock): Promise<void> {
    if (released.has(lock)) return
    released.add(lock)
    await lock
      .release()
      .catch((err: unknown) => this.d.logger.warn(`project lock not released: ${errorMessage(err)}`))
    if (this.#running === run) this.#running = undefined
    run.closed?.()
  }

  async #run(run: Running, lock: ProjectLock, resumed: boolean): Promise<void> {
    const log = this.d.logger
    const notes = new SessionNotes(this.d.client, run.rootSessionId, log)
    const said = new MissionNotes()
    let connection: Supervisor | undefined
    let unfollow: (() => Promise<void>) | undefined
    let live: LiveMissionWriter | undefined
    try {
      // A VS Code window follows the mission from its state beside the journal, and may stop it.
      live = await LiveMissionWriter.start(this.d.directory, lock.holder, {
        logger: log,
        onStop: (by) => {
          run.stopRequested = `stopped by the user (from ${by})`
          void run.mission
            ?.stop(run.stopRequested)
            .catch((err: unknown) => log.error(`stop from ${by} failed: ${errorMessage(err)}`))
        },
      })
      connection = await Supervisor.start({
        kind: 'client',
        client: this.d.client,
        url: this.d.url,
        directory: this.d.directory,
        logger: log,
      })
      const unsubscribe = connection.subscribe((e) => {
        if (isIdle(e, run.rootSessionId)) notes.idle()
      })
      const file = new JournalFile(join(orchestratorFolder(this.d.directory), `${run.id}.jsonl`), {
        logger: log,
      })
      // The agents' shells and the check must not see the server's password or config content.
      const env: Record<string, string | undefined> = { ...process.env }
      hideServerSecrets(env)
      const options: MissionOptions = {
        id: run.id,
        goal: run.goal,
        rootSessionId: run.rootSessionId,
        // The shared folder: a worktree is another OpenCode instance, whose sessions' permission asks
        // never reach a TUI attached to this folder's (the user could not answer them).
        isolation: 'shared',
        // Nobody answers questions in a terminal here: a project that is not set up stops the mission,
        // and the end's note says why.
        ifCheckFails: 'stop',
        askWhenStuck: false,
        ...(this.d.maxConcurrency !== undefined && { caps: { total: this.d.maxConcurrency } }),
      }
      // A resumed mission keeps the options it started with (its isolation too), but nobody here
      // answers a terminal's questions, whoever started it.
      const runWith = resumed
        ? {
            ...(await withJournaledOptions(file, options)),
            ifCheckFails: 'stop' as const,
            askWhenStuck: false,
          }
        : options
      const workspace = new NodeWorkspace(this.d.directory, env)
      const supervisor = connection
      const worktrees =
        runWith.isolation === 'worktree'
          ? await missionWorktrees({
              directory: this.d.directory,
              missionId: run.id,
              env,
              logger: log,
              workspace,
              readyFolder: (folder) => supervisor.readyFolder(folder),
            })
          : undefined
      if (worktrees) unfollow = await connection.follow(() => worktrees.folders())
      const mission = new Mission(
        {
          sessions: connection,
          events: connection,
          workspace,
          journal: file,
          ...(worktrees && { worktrees }),
          verbatim: VerbatimFile.beside(file.path),
          clock: systemClock,
          logger: log,
        },
        // This session is the one the user typed in, whatever the journal says.
        { ...runWith, rootSessionId: run.rootSessionId },
      )
      run.mission = mission
      const writer = live
      mission.onChange((s) => {
        writer.publish(s)
        const { notes: texts, toasts } = said.next(s)
        notes.add(...texts)
        for (const t of toasts) this.d.toast(t)
      })
      if (run.stopRequested)
        void mission.stop(run.stopRequested).catch((err: unknown) => log.error(errorMessage(err)))
      const final = await mission.run()
      this.#last = final
      await live.close(final)
      mission.dispose()
      // Ended: the project is free for the next `/task` before the last notes go out.
      await this.#letGo(run, lock)
      const end = said.end(final)
      notes.add(...end.notes)
      for (const t of end.toasts) this.d.toast(t)
      await notes.drained(NOTES_AT_END_MS)
      unsubscribe()
    } catch (err) {
      const why = errorMessage(err)
      log.error(`the mission ${run.id} failed to run: ${why}`)
      await this.#letGo(run, lock)
      notes.add(`Orchestrator: the mission could not run: ${why}`)
      this.d.toast({ message: `Mission failed to start: ${oneLine(why)}`, variant: 'error' })
      await notes.drained(NOTES_AT_END_MS)
    } finally {
      live?.dispose()
      await unfollow?.().catch(() => undefined)
      await connection?.dispose().catch(() => undefined)
      await this.#letGo(run, lock)
    }
  }
}

/** Locks already released (a run lets go once, whichever way it ends). */
const released = new WeakSet<ProjectLock>()

/** Text for one line of a toast or a refusal: no line breaks or control characters, bounded. */
export function oneLine(text: string, max = 120): string {
  return cutLine(
    text
      // eslint-disable-next-line no-control-regex -- control characters are what is taken out
      .replace(/[\u0000-\u001f\u007f]+/g, ' ')
      .replace(/\s+/g, ' ')
      .trim(),
    max,
  )
}

/** The user's session finished its turn: notes may be written. */
function isIdle(e: HostEvent, sessionId: string): boolean {
  if (e.type === 'session.idle') return e.sessionId === sessionId
  return e.type === 'session.status' && e.sessionId === sessionId && e.status.type === 'idle'
}
