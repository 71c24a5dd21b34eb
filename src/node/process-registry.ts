// Which process groups this host has spawned, on disk: when the host dies without running any of its
// own code (SIGKILL, a crash), the next host to start ends what it left running.

import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import type { Logger } from '../engine/ports'
import { errorMessage } from '../engine/util/error-message'
import { killPlan, type KillPlan } from './kill-plan'
import { allProcesses, bootId, envValue, isSameProcess, procEntry, type ProcEntry } from './proc-table'
import { EXIT_WAIT_MS, GROUP_TAG_ENV, ownerKey, signalPid } from './process-tree'

/** One spawned group: its leader's pid (= its group id) and start time. */
export interface GroupRecord {
  what: string
  pgid: number
  /** Start time of the leader; empty when it had exited before it was recorded. */
  start: string
  tag: string
}

/** One owner's file: the host process (pid and start time, in this boot) and the groups it runs. */
interface OwnerRecord {
  boot: string
  owner: { pid: number; start: string }
  groups: GroupRecord[]
}

/**
 * The user's folder for state that outlives a run: `$XDG_STATE_HOME`, else `~/.local/state` (Linux),
 * `~/Library/Application Support` (macOS) or `%LOCALAPPDATA%` (Windows); then `opencode-orchestrator`.
 */
export function userStateDir(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): string {
  const home = env.HOME || homedir()
  const base =
    env.XDG_STATE_HOME ||
    (platform === 'win32'
      ? env.LOCALAPPDATA || join(home, 'AppData', 'Local')
      : platform === 'darwin'
        ? join(home, 'Library', 'Application Support')
        : join(home, '.local', 'state'))
  return join(base, 'opencode-orchestrator')
}

/** The groups this process recorded, per registry folder: registries on one folder share one file. */
const recorded = new Map<string, Map<string, GroupRecord>>()

/** Time given to a survivor between SIGTERM and SIGKILL. */
const REAP_GRACE_MS = 1_500

/**
 * A file per host process under `dir`, listing the groups it spawned and has not yet ended. Written
 * only where start times can be read (Linux): a pid is never signalled unless it is still the process
 * that was recorded, or a process that inherited a dead owner's tag.
 */
export class ProcessRegistry {
  readonly #groups: Map<string, GroupRecord>
  readonly #file: string

  constructor(
    readonly dir: string,
    private readonly log?: Logger,
    private readonly plan: KillPlan = killPlan(process.platform),
  ) {
    this.#file = join(dir, `${ownerKey()}.json`)
    const shared = recorded.get(this.#file) ?? new Map<string, GroupRecord>()
    recorded.set(this.#file, shared)
    this.#groups = shared
  }

  /** The registry in the user's state folder, shared by every window and CLI run of the user. */
  static forUser(env: NodeJS.ProcessEnv, log?: Logger): ProcessRegistry {
    return new ProcessRegistry(join(userStateDir(env, process.platform), 'processes'), log)
  }

  /** Records a group right after its spawn; `pid` leads it. */
  add(what: string, pid: number, tag: string): void {
    if (!this.plan.procfs) return
    this.#groups.set(tag, { what, pgid: pid, start: procEntry(pid)?.start ?? '', tag })
    this.#write()
  }

  /** Forgets a group once it is ended. */
  remove(tag: string): void {
    if (this.#groups.delete(tag)) this.#write()
  }

  #write(): void {
    try {
      if (this.#groups.size === 0) return void rmSync(this.#file, { force: true })
      const self = procEntry(process.pid)
      const record: OwnerRecord = {
        boot: bootId() ?? '',
        owner: { pid: process.pid, start: self?.start ?? '' },
        groups: [...this.#groups.values()],
      }
      mkdirSync(this.dir, { recursive: true })
      // Whole or not at all: a reader never sees a torn file.
      const tmp = `${this.#file}.tmp`
      writeFileSync(tmp, JSON.stringify(record))
      renameSync(tmp, this.#file)
    } catch (err) {
      this.log?.warn(`cannot record spawned processes in ${this.dir}: ${errorMessage(err)}`)
    }
  }

  /**
   * Ends what hosts that are gone left running: each recorded group whose leader is still the
   * recorded process, and every process carrying a dead owner's tag (SIGTERM, then SIGKILL after a
   * short grace). Files of owners that still run are left alone. Resolves how many were ended.
   */
  async reap(): Promise<number> {
    if (!this.plan.procfs) {
      this.log?.info(`processes left by an earlier run are not looked for on ${process.platform}`)
      return 0
    }
    let names: string[]
    try {
      names = readdirSync(this.dir)
    } catch {
      return 0
    }
    const boot = bootId() ?? ''
    const deadOwners = new Set<string>()
    const groups = new Set<number>()
    const files: string[] = []
    for (const name of names) {
      if (!name.endsWith('.json')) continue
      const path = join(this.dir, name)
      if (path === this.#file) continue
      const record = readRecord(path)
      if (record && record.boot === boot && isSameProcess(record.owner.pid, record.owner.start)) continue
      files.push(path)
      // From an earlier boot: none of its processes runs any more.
      if (!record || record.boot !== boot) continue
      deadOwners.add(`${record.owner.pid}.${record.owner.start}`)
      for (const g of record.groups) if (g.start && isSameProcess(g.pgid, g.start)) groups.add(g.pgid)
    }
    const victims = deadOwners.size ? survivors(groups, deadOwners) : []
    if (victims.length) {
      for (const v of victims) signalPid(v.pid, 'SIGTERM')
      const left = await waitGone(victims, REAP_GRACE_MS)
      for (const v of left) signalPid(v.pid, 'SIGKILL')
      const stuck = await waitGone(left, EXIT_WAIT_MS)
      this.log?.info(
        `ended ${victims.length - stuck.length} process(es) left running by an earlier run that did not exit cleanly`,
      )
      if (stuck.length) this.log?.warn(`processes ${stuck.map((s) => s.pid).join(', ')} did not exit`)
    }
    for (const f of files) rmSync(f, { force: true })
    return victims.length
  }
}

function readRecord(path: string): OwnerRecord | undefined {
  try {
    const r = JSON.parse(readFileSync(path, 'utf8')) as OwnerRecord
    if (typeof r.boot !== 'string' || typeof r.owner?.pid !== 'number' || !Array.isArray(r.groups)) return
    return r
  } catch {
    return undefined
  }
}

/** The processes of the verified groups and those tagged by a dead owner; never this one or its ancestors. */
function survivors(groups: Set<number>, deadOwners: Set<string>): ProcEntry[] {
  const table = allProcesses()
  const spared = new Set<number>()
  const byPid = new Map(table.map((p) => [p.pid, p]))
  for (let p = byPid.get(process.pid); p && !spared.has(p.pid); p = byPid.get(p.ppid)) spared.add(p.pid)
  spared.add(process.pid)
  return table.filter((p) => {
    if (spared.has(p.pid)) return false
    if (groups.has(p.pgrp)) return true
    const tag = envValue(p.pid, GROUP_TAG_ENV)
    return tag !== undefined && deadOwners.has(tag.slice(0, tag.indexOf('/')))
  })
}

/** The processes of `list` still running after up to `ms`. */
async function waitGone(list: ProcEntry[], ms: number): Promise<ProcEntry[]> {
  const until = Date.now() + ms
  let left = list.filter((p) => isSameProcess(p.pid, p.start))
  while (left.length && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 50))
    left = left.filter((p) => isSameProcess(p.pid, p.start))
  }
  return left
}
