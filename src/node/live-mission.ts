// A running mission seen from another process: its runner (`/task` inside OpenCode, the CLI) writes
// its state to `.opencode/orchestrator/live.json` beside its journal as it changes, at most a few
// times a second, and watches for `stop.json`, which a follower (a VS Code window) writes to stop it.
// The state file is replaced whole (written aside, then renamed), so a reader never sees half of it;
// the last one written holds the mission's end and stays until the project's next mission replaces
// it. A follower trusts it only while the project's lock is held by the run that wrote it, running.
// Like the journal, the file holds no secret an agent or a provider echoed: its strings are scrubbed.
// Plain node:fs, so both runtimes (Node, OpenCode's Bun) run it.

import { readFile, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import type { Logger } from '../engine/ports'
import type { MissionState } from '../engine/record/mission-state'
import { errorMessage } from '../engine/util/error-message'
import { scrubStrings } from '../engine/util/scrub-secrets'
import { ensureOrchestratorFolder, orchestratorFolder } from '../plugin/orchestrator-folder'
import { liveHolder, type LockHolder, type LockRunner } from './project-lock'
import { removeLeftAside, replaceFile } from './replace-file'

const FORMAT = 1
/** Shortest time between two writes of the state. */
const WRITE_EVERY_MS = 250
/** How often the runner looks for a stop request. */
const STOP_POLL_MS = 500
/** A write may take at most this share of the time (a huge mission is written less often). */
const WRITE_SHARE = 10
/** A state file larger than this is not read (no mission's state comes near it). */
const MAX_BYTES = 64 * 1024 * 1024

export const liveMissionPath = (projectDir: string): string =>
  join(orchestratorFolder(projectDir), 'live.json')
export const stopRequestPath = (projectDir: string): string =>
  join(orchestratorFolder(projectDir), 'stop.json')

/** What `live.json` holds. */
export interface LiveMission {
  format: typeof FORMAT
  missionId: string
  runner: LockRunner
  /** The process that runs it, as its project lock names it. */
  holder: LockHolder
  /** Epoch ms of the write. */
  updatedAt: number
  state: MissionState
}

/** What `stop.json` holds: the mission to stop and who asked. */
interface StopRequest {
  missionId: string
  by: string
  at: number
}

export interface LiveMissionWriterOptions {
  logger: Pick<Logger, 'warn'>
  /** A follower asked to stop the mission; `by` names it ("VS Code"). Called once. */
  onStop(by: string): void
  writeEveryMs?: number
  stopPollMs?: number
}

/** The runner's side: publishes the mission's state and hears stop requests. */
export class LiveMissionWriter {
  readonly #path: string
  readonly #stopPath: string
  readonly #every: number
  #latest: MissionState | undefined
  #timer: ReturnType<typeof setTimeout> | undefined
  #writing: Promise<void> | undefined
  /** When the last write ended, on the monotonic clock (a clock set back must not hold the next one). */
  #lastWrite = -Infinity
  /** Milliseconds the last write took (serialising included). */
  #cost = 0
  #closed = false
  #stopPoll: ReturnType<typeof setInterval> | undefined
  #stopHeard = false

  private constructor(
    private readonly projectDir: string,
    private readonly holder: LockHolder,
    private readonly o: LiveMissionWriterOptions,
  ) {
    this.#path = liveMissionPath(projectDir)
    this.#stopPath = stopRequestPath(projectDir)
    this.#every = o.writeEveryMs ?? WRITE_EVERY_MS
  }

  /**
   * Starts publishing for the mission that holds `holder`'s lock: a stop request left from before it
   * started is not for it and is removed.
   */
  static async start(
    projectDir: string,
    holder: LockHolder,
    options: LiveMissionWriterOptions,
  ): Promise<LiveMissionWriter> {
    const writer = new LiveMissionWriter(projectDir, holder, options)
    await ensureOrchestratorFolder(projectDir)
    await rm(writer.#stopPath, { force: true })
    // What a run killed mid-write left aside (this run holds the project: no other writes its state).
    await removeLeftAside(writer.#path)
    writer.#stopPoll = setInterval(() => void writer.#lookForStop(), options.stopPollMs ?? STOP_POLL_MS)
    writer.#stopPoll.unref?.()
    return writer
  }

  /** The mission changed: its state is written within a moment (only the newest of a burst). */
  publish(state: MissionState): void {
    if (this.#closed) return
    this.#latest = state
    this.#schedule()
  }

  /** Writes the mission's end now and stops: no later write replaces it. */
  async close(final: MissionState): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    clearInterval(this.#stopPoll)
    clearTimeout(this.#timer)
    this.#timer = undefined
    this.#latest = undefined
    await this.#writing
    await this.#write(final)
    await rm(this.#stopPath, { force: true }).catch(() => undefined)
  }

  /** Stops without a last write (the mission did not run to an end). */
  dispose(): void {
    this.#closed = true
    clearInterval(this.#stopPoll)
    clearTimeout(this.#timer)
    this.#timer = undefined
  }

  #schedule(): void {
    if (this.#timer || this.#writing || this.#closed) return
    const every = Math.max(this.#every, this.#cost * WRITE_SHARE)
    const wait = Math.max(0, this.#lastWrite + every - performance.now())
    this.#timer = setTimeout(() => {
      this.#timer = undefined
      const state = this.#latest
      this.#latest = undefined
      if (!state || this.#closed) return
      this.#writing = this.#write(state).finally(() => {
        this.#writing = undefined
        if (this.#latest) this.#schedule()
      })
    }, wait)
    this.#timer.unref?.()
  }

  async #write(state: MissionState): Promise<void> {
    const began = performance.now()
    const live: LiveMission = {
      format: FORMAT,
      missionId: this.holder.missionId,
      runner: this.holder.runner,
      holder: this.holder,
      updatedAt: Date.now(),
      state: scrubStrings(state),
    }
    try {
      await replaceFile(this.#path, JSON.stringify(live), 0o600)
    } catch (err) {
      this.o.logger.warn(`the mission's state for other windows was not written: ${errorMessage(err)}`)
    } finally {
      this.#lastWrite = performance.now()
      this.#cost = this.#lastWrite - began
    }
  }

  async #lookForStop(): Promise<void> {
    if (this.#stopHeard || this.#closed) return
    const text = await readFile(this.#stopPath, 'utf8').catch(() => undefined)
    if (text === undefined) return
    const request = parseStop(text)
    if (request?.missionId !== this.holder.missionId || this.#stopHeard || this.#closed) return
    this.#stopHeard = true
    clearInterval(this.#stopPoll)
    await rm(this.#stopPath, { force: true }).catch(() => undefined)
    this.o.onStop(request.by)
  }
}

function parseStop(text: string): StopRequest | undefined {
  try {
    const v = JSON.parse(text) as Partial<StopRequest>
    if (typeof v.missionId === 'string' && typeof v.by === 'string')
      return { missionId: v.missionId, by: v.by.slice(0, 80), at: typeof v.at === 'number' ? v.at : 0 }
  } catch {
    // being written, or not ours
  }
  return undefined
}

const LIST_FIELDS = ['agents', 'todos', 'evidence', 'checks', 'inbox', 'timeline'] as const
const NUMBER_FIELDS = ['startedAt', 'iteration', 'tokens', 'cost', 'modelCalls'] as const
const PHASES = new Set(['starting', 'planning', 'working', 'checking', 'completed', 'failed', 'stopped'])

/** The state of `live.json` when it is whole and of this format; undefined otherwise. */
export function parseLiveMission(text: string): LiveMission | undefined {
  let v: Partial<LiveMission>
  try {
    v = JSON.parse(text) as Partial<LiveMission>
  } catch {
    return undefined
  }
  const s = v?.state as Partial<MissionState> | undefined
  const h = v?.holder
  if (
    v?.format !== FORMAT ||
    typeof v.missionId !== 'string' ||
    typeof v.updatedAt !== 'number' ||
    !h ||
    typeof h.pid !== 'number' ||
    h.missionId !== v.missionId ||
    (v.runner !== 'opencode' && v.runner !== 'cli' && v.runner !== 'vscode') ||
    !s ||
    s.id !== v.missionId ||
    typeof s.goal !== 'string' ||
    typeof s.phase !== 'string' ||
    !PHASES.has(s.phase) ||
    typeof s.paused !== 'boolean' ||
    typeof s.budgets !== 'object' ||
    s.budgets === null ||
    LIST_FIELDS.some((f) => !Array.isArray(s[f])) ||
    NUMBER_FIELDS.some((f) => typeof s[f] !== 'number')
  )
    return undefined
  return v as LiveMission
}

/** The project's published mission, whole, with the file's change time; undefined when there is none. */
export async function readLiveMission(
  projectDir: string,
): Promise<{ live: LiveMission; mtimeMs: number } | undefined> {
  const path = liveMissionPath(projectDir)
  const at = await stat(path).catch(() => undefined)
  // Only a plain file: a pipe or a device (a symlink may name /dev/zero) never ends, and its size says 0.
  if (!at?.isFile() || at.size > MAX_BYTES) return undefined
  const live = parseLiveMission(await readFile(path, 'utf8').catch(() => ''))
  return live && { live, mtimeMs: at.mtimeMs }
}

/**
 * What identifies the state file as it is now (file, size, change times), without reading it; undefined
 * when there is none. A folder whose state was read and found not to follow keeps this stamp until
 * its state is written again.
 */
export async function liveStamp(projectDir: string): Promise<string | undefined> {
  const at = await stat(liveMissionPath(projectDir)).catch(() => undefined)
  return at && `${at.dev}:${at.ino}:${at.size}:${at.mtimeMs}:${at.ctimeMs}`
}

/**
 * True while the project's lock is held by the run that published a state (`live.holder`) and that
 * run still runs. The same mission is not enough: what a killed run left stays until the run that
 * resumes it publishes, and a stop asked of it meanwhile would be taken away unheard when that run
 * starts publishing.
 */
export async function stillRunning(projectDir: string, publisher: LockHolder): Promise<boolean> {
  const holder = await liveHolder(projectDir).catch(() => undefined)
  return (
    holder?.missionId === publisher.missionId &&
    holder.pid === publisher.pid &&
    holder.host === publisher.host &&
    holder.startedAt === publisher.startedAt
  )
}

/** Asks the runner of mission `missionId` to stop it; `by` names who asks ("VS Code"). */
export async function requestStop(projectDir: string, missionId: string, by: string): Promise<void> {
  const request: StopRequest = { missionId, by, at: Date.now() }
  await replaceFile(stopRequestPath(projectDir), JSON.stringify(request), 0o600)
}
