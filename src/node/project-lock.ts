// One mission per project at a time: `.opencode/orchestrator/lock.json`, created exclusively, names
// the mission that holds the project and where it runs. A holder whose process is gone on this host
// is stale and taken over: its pid is free, or (where /proc tells) the lock is from an earlier boot or
// the pid is now a later process. A holder on another host (a shared folder) cannot be checked and is
// refused like a live one.
import { link, open, readFile, rename, rm, stat } from 'node:fs/promises'
import { readFileSync, rmSync } from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'
import type { Logger } from '../engine/ports'
import { bootId, procEntry } from './proc-table'
import {
  ensureOrchestratorFolder,
  orchestratorFolder,
  tidyOrchestratorFolder,
} from '../plugin/orchestrator-folder'

export type LockRunner = 'vscode' | 'cli' | 'opencode'

/** What the lock file holds. */
export interface LockHolder {
  pid: number
  host: string
  missionId: string
  /** Epoch ms. */
  startedAt: number
  runner: LockRunner
  /** The boot the holder ran in (/proc/sys/kernel/random/boot_id); absent where /proc has none. */
  boot?: string
  /** The holder process's start time in clock ticks since that boot (/proc/<pid>/stat). */
  pidStart?: string
}

/** A lock file this young that cannot be read may be one being written: it is not taken over. */
const UNREADABLE_GRACE_MS = 5_000
const ATTEMPTS = 5

export const lockPath = (projectDir: string): string => join(orchestratorFolder(projectDir), 'lock.json')

/** The project is held by another mission; the message names it and where it runs. */
export class ProjectLockedError extends Error {
  constructor(
    readonly projectDir: string,
    readonly holder: LockHolder | undefined,
  ) {
    super(lockedMessage(projectDir, holder))
    this.name = 'ProjectLockedError'
  }
}

const RUNNERS: Record<LockRunner, string> = {
  vscode: 'VS Code',
  cli: 'the CLI',
  opencode: '/task in OpenCode',
}

function lockedMessage(projectDir: string, h: LockHolder | undefined): string {
  if (!h)
    return `Another mission is starting in ${projectDir} (its lock ${lockPath(projectDir)} is being written). Try again in a moment.`
  const where = `${RUNNERS[h.runner]}, pid ${h.pid}${h.host === hostname() ? '' : ` on host ${h.host}`}`
  const since = new Date(h.startedAt).toISOString()
  return `Another mission is running in ${projectDir}: mission ${h.missionId} (${where}, since ${since}). One mission per project at a time: stop it or wait for its end. If that mission is gone, delete ${lockPath(projectDir)}.`
}

function parseHolder(text: string): LockHolder | undefined {
  try {
    const v = JSON.parse(text) as Partial<LockHolder>
    if (
      typeof v.pid === 'number' &&
      typeof v.host === 'string' &&
      typeof v.missionId === 'string' &&
      typeof v.startedAt === 'number' &&
      (v.runner === 'vscode' || v.runner === 'cli' || v.runner === 'opencode')
    ) {
      const { boot, pidStart, ...rest } = v as LockHolder
      return {
        ...rest,
        ...(typeof boot === 'string' && { boot }),
        ...(typeof pidStart === 'string' && { pidStart }),
      }
    }
  } catch {
    // not JSON (yet)
  }
  return undefined
}

/** True unless the process is known to be gone (EPERM: it runs, as another user). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ESRCH'
  }
}

/**
 * True when a holder on this host is known to be gone: its pid is free, it ran in an earlier boot, or
 * its pid is now a later process (another start time; a reboot hands out low pids again). A lock
 * without the boot and start time, or a system without /proc, is judged by the pid alone.
 */
function holderGone(h: LockHolder): boolean {
  if (!alive(h.pid)) return true
  const boot = bootId()
  if (h.boot === undefined || boot === undefined) return false
  if (h.boot !== boot) return true
  const start = procEntry(h.pid)?.start
  return h.pidStart !== undefined && start !== undefined && start !== h.pidStart
}

/** This process as a lock holds it: the boot and start time only where /proc gives them. */
function holderOfThisProcess(mission: { missionId: string; runner: LockRunner }): LockHolder {
  const boot = bootId()
  const pidStart = procEntry(process.pid)?.start
  return {
    pid: process.pid,
    host: hostname(),
    startedAt: Date.now(),
    ...mission,
    ...(boot !== undefined && pidStart !== undefined && { boot, pidStart }),
  }
}

/** The holder of a project's lock, if any (unreadable content reads as none). */
export async function readLock(projectDir: string): Promise<LockHolder | undefined> {
  return parseHolder(await readFile(lockPath(projectDir), 'utf8').catch(() => ''))
}

/** The holder of a project's lock while it still runs (a lock its dead host left reads as none). */
export async function liveHolder(projectDir: string): Promise<LockHolder | undefined> {
  const holder = await readLock(projectDir)
  return holder && (holder.host !== hostname() || !holderGone(holder)) ? holder : undefined
}

/** A held project lock; release it when the mission ends (or the host goes away). */
export class ProjectLock {
  #released = false

  private constructor(
    readonly projectDir: string,
    readonly holder: LockHolder,
  ) {}

  /**
   * Takes the project's lock for a mission, or throws {@link ProjectLockedError} naming the mission
   * that holds it. The same mission of this process taking it again (a resume) is let through.
   */
  static async acquire(
    projectDir: string,
    mission: { missionId: string; runner: LockRunner },
    log: Logger,
  ): Promise<ProjectLock> {
    const me = holderOfThisProcess(mission)
    const path = lockPath(projectDir)
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      await ensureOrchestratorFolder(projectDir)
      try {
        const fh = await open(path, 'wx', 0o600)
        try {
          await fh.writeFile(`${JSON.stringify(me)}\n`)
        } finally {
          await fh.close()
        }
        return new ProjectLock(projectDir, me)
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code
        if (code === 'ENOENT') continue // the folder was tidied away between the two calls
        if (code !== 'EEXIST') throw err
      }
      const text = await readFile(path, 'utf8').catch(() => undefined)
      if (text === undefined) continue // released meanwhile
      const holder = parseHolder(text)
      const ours = holder?.pid === process.pid && holder.host === me.host && holder.missionId === me.missionId
      const stale = holder ? holder.host === me.host && holderGone(holder) : await oldEnough(path)
      if (!ours && !stale) throw new ProjectLockedError(projectDir, holder)
      if (ours) {
        await rm(path, { force: true })
        continue
      }
      if (await takeOver(path, text))
        log.warn(
          holder
            ? `took over the lock of ${projectDir} from mission ${holder.missionId} (${RUNNERS[holder.runner]}, pid ${holder.pid}, no longer running)`
            : `took over the unreadable lock ${path}`,
        )
    }
    throw new ProjectLockedError(projectDir, await readLock(projectDir))
  }

  /** Removes the lock a mission's dead host left (a discarded mission); a live holder's stays. */
  static async clearStale(projectDir: string, missionId: string, log: Logger): Promise<void> {
    const holder = await readLock(projectDir)
    if (holder?.missionId !== missionId || holder.host !== hostname() || !holderGone(holder)) return
    await rm(lockPath(projectDir), { force: true })
    log.info(`removed the lock ${lockPath(projectDir)} of mission ${missionId} (pid ${holder.pid} is gone)`)
    await tidyOrchestratorFolder(projectDir)
  }

  /** Lets the project go, unless another mission took the lock over meanwhile. */
  async release(): Promise<void> {
    if (this.#released) return
    this.#released = true
    const text = await readFile(lockPath(this.projectDir), 'utf8').catch(() => '')
    if (!this.#isMine(text)) return
    await rm(lockPath(this.projectDir), { force: true })
    await tidyOrchestratorFolder(this.projectDir)
  }

  /** {@link release} for a host going away synchronously (VS Code's dispose). */
  releaseSync(): void {
    if (this.#released) return
    this.#released = true
    let text = ''
    try {
      text = readFileSync(lockPath(this.projectDir), 'utf8')
    } catch {
      return
    }
    if (this.#isMine(text)) rmSync(lockPath(this.projectDir), { force: true })
  }

  #isMine(text: string): boolean {
    const h = parseHolder(text)
    return h?.pid === this.holder.pid && h.host === this.holder.host && h.missionId === this.holder.missionId
  }
}

async function oldEnough(path: string): Promise<boolean> {
  const s = await stat(path).catch(() => undefined)
  return s !== undefined && Date.now() - s.mtimeMs > UNREADABLE_GRACE_MS
}

/**
 * Moves a stale lock aside. Two processes may see the same stale lock: the one that moved it aside
 * checks that it moved what it read, and puts back a fresh lock it moved by mistake (a link fails
 * when a third one was made meanwhile, which then stands).
 */
async function takeOver(path: string, staleText: string): Promise<boolean> {
  const aside = `${path}.${process.pid}-${Date.now()}.stale`
  try {
    await rename(path, aside)
  } catch {
    return false // another process moved it first
  }
  const moved = await readFile(aside, 'utf8').catch(() => staleText)
  if (moved !== staleText) await link(aside, path).catch(() => undefined)
  await rm(aside, { force: true })
  return moved === staleText
}
