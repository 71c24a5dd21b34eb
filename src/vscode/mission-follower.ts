// Missions another process runs in the workspace's folders (`/task` inside OpenCode, the CLI), on the
// dashboard live while this window runs none: their runner publishes each one's state beside its
// journal (node/live-mission.ts), this window reads it as it changes and shows it, and its Stop asks
// that runner to stop it. A mission is followed only while the project's lock is held by the run that
// published its state, running; one whose runner went away without an end leaves the screen.

import * as vscode from 'vscode'
import type { Logger } from '../engine/ports'
import { isTerminal } from '../engine/record/mission-state'
import { errorMessage } from '../engine/util/error-message'
import { liveStamp, readLiveMission, stillRunning } from '../node/live-mission'
import type { LockHolder, LockRunner } from '../node/project-lock'
import type { MissionController } from './mission-controller'
import { toast } from './toast'

export interface FollowerTiming {
  /** How often the folders are looked at for a mission to follow. */
  lookMs: number
  /** How often the followed mission's state is looked at. */
  followMs: number
  /** How often the followed mission's runner is checked to still run. */
  aliveMs: number
}

const TIMING: FollowerTiming = { lookMs: 1_000, followMs: 250, aliveMs: 2_000 }

/** How the follower reads the folders (node/live-mission.ts; counted in tests). */
export interface LiveReader {
  stamp: typeof liveStamp
  read: typeof readLiveMission
}

interface Following {
  folder: vscode.WorkspaceFolder
  missionId: string
  runner: LockRunner
  /** The run that published the state last read. */
  holder: LockHolder
  /**
   * Change time and write time of the state last read: a new state shows in either (a file system
   * may keep change times to the second, and the runner writes a few times a second).
   */
  mtimeMs: number
  updatedAt: number
  /** When its runner was last checked, on the monotonic clock (a clock set back must not defer it). */
  checkedAt: number
}

export class MissionFollower implements vscode.Disposable {
  #following: Following | undefined
  #timer: ReturnType<typeof setTimeout> | undefined
  #busy = false
  #disposed = false
  /**
   * Per folder, the stamp of a state read and found not to follow (ended, or its run gone): it is not
   * read again, nor its lock, until it is written again. A large mission's ended state stays in its
   * folder, and reading it every second for nothing would cost the window as much as following it.
   */
  readonly #passed = new Map<string, string>()
  readonly #t: FollowerTiming

  constructor(
    private readonly missions: MissionController,
    private readonly log: Logger,
    timing: Partial<FollowerTiming> = {},
    private readonly live: LiveReader = { stamp: liveStamp, read: readLiveMission },
  ) {
    this.#t = { ...TIMING, ...timing }
  }

  /** Starts looking (again at once: a folder was added, the workspace became trusted). */
  start(): void {
    if (this.#disposed) return
    clearTimeout(this.#timer)
    this.#timer = undefined
    void this.#tick()
  }

  dispose(): void {
    this.#disposed = true
    clearTimeout(this.#timer)
  }

  async #tick(): Promise<void> {
    if (this.#busy || this.#disposed) return
    this.#busy = true
    try {
      if (this.#following) await this.#update(this.#following)
      else await this.#look()
    } catch (err) {
      this.log.warn(`following a mission: ${errorMessage(err)}`)
    } finally {
      this.#busy = false
      if (!this.#disposed) {
        this.#timer = setTimeout(() => void this.#tick(), this.#following ? this.#t.followMs : this.#t.lookMs)
        this.#timer.unref?.()
      }
    }
  }

  /** Looks for a running mission in each workspace folder while this window runs none. */
  async #look(): Promise<void> {
    if (this.missions.running || !vscode.workspace.isTrusted) return
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      const dir = folder.uri.fsPath
      const stamp = await this.live.stamp(dir)
      if (stamp === undefined || this.#passed.get(dir) === stamp) continue
      const read = await this.live.read(dir)
      if (!read || isTerminal(read.live.state.phase) || !(await stillRunning(dir, read.live.holder))) {
        this.#passed.set(dir, stamp)
        continue
      }
      this.#passed.delete(dir)
      if (!this.missions.follow(read.live.state, read.live.runner, folder)) return
      this.log.info(
        `following mission ${read.live.missionId} (${read.live.runner}, pid ${read.live.holder.pid}) in ${dir}`,
      )
      this.#following = {
        folder,
        missionId: read.live.missionId,
        runner: read.live.runner,
        holder: read.live.holder,
        mtimeMs: read.mtimeMs,
        updatedAt: read.live.updatedAt,
        checkedAt: performance.now(),
      }
      return
    }
  }

  /** Shows the followed mission's newest state; lets it go at its end, or when its runner is gone. */
  async #update(f: Following): Promise<void> {
    const dir = f.folder.uri.fsPath
    if (!vscode.workspace.workspaceFolders?.some((w) => w.uri.fsPath === dir)) {
      this.log.info(`${dir} left the workspace: mission ${f.missionId} is not followed any more`)
      this.#following = undefined
      this.missions.unfollow(f.missionId)
      return
    }
    const read = await this.live.read(dir)
    const ours = read?.live.missionId === f.missionId ? read : undefined
    if (ours && (ours.mtimeMs !== f.mtimeMs || ours.live.updatedAt !== f.updatedAt)) {
      f.mtimeMs = ours.mtimeMs
      f.updatedAt = ours.live.updatedAt
      f.holder = ours.live.holder
      if (!this.missions.follow(ours.live.state, ours.live.runner, f.folder)) {
        this.#following = undefined // this window started a mission of its own meanwhile
        return
      }
      if (isTerminal(ours.live.state.phase)) {
        this.log.info(`mission ${f.missionId} ended (${ours.live.state.phase})`)
        this.#following = undefined
        return
      }
    }
    if (ours && performance.now() - f.checkedAt < this.#t.aliveMs) return
    f.checkedAt = performance.now()
    if (ours && (await stillRunning(dir, f.holder))) return
    // Its end may have been written between the two reads.
    const last = await this.live.read(dir)
    if (last?.live.missionId === f.missionId && isTerminal(last.live.state.phase)) {
      this.missions.follow(last.live.state, last.live.runner, f.folder)
      this.#following = undefined
      return
    }
    this.log.warn(
      `mission ${f.missionId} is no longer running in ${dir} and did not end: not followed any more`,
    )
    this.#following = undefined
    this.missions.unfollow(f.missionId)
    const resume =
      f.runner === 'opencode'
        ? '/task --resume in OpenCode continues it'
        : f.runner === 'cli'
          ? 'orchestrator run --resume continues it'
          : 'it can be resumed where it ran'
    void toast.warning(
      `The mission in ${f.folder.name} stopped running without an end (its process is gone): ${resume}.`,
    )
  }
}
