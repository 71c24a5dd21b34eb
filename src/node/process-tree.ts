// Ending a spawned process tree: the server's and the check command's. Each is spawned detached (its
// own process group) with a tag in its environment that its descendants inherit.

import { randomUUID } from 'node:crypto'
import treeKill from 'tree-kill'
import { killPlan, type KillPlan } from './kill-plan'
import { allProcesses, envValue, procEntry, type ProcEntry } from './proc-table'

/** The environment variable that tags every process of a spawned group: `<owner key>/<group id>`. */
export const GROUP_TAG_ENV = 'OPENCODE_ORCHESTRATOR_GROUP'

/** After SIGKILL, how long to wait for the exit before giving up on it (a wait is never unbounded). */
export const EXIT_WAIT_MS = 2_000

const hostPlan = killPlan(process.platform)

let owner: string | undefined
/** This process as the owner of the groups it spawns: `<pid>.<start time>` (`<pid>.?` without /proc). */
export function ownerKey(): string {
  owner ??= `${process.pid}.${(hostPlan.procfs && procEntry(process.pid)?.start) || '?'}`
  return owner
}

/** The tag of a group about to be spawned. */
export function newGroupTag(): string {
  return `${ownerKey()}/${randomUUID()}`
}

/** Processes other than this one whose environment carries a tag that `accept` takes. Linux only. */
export function taggedProcesses(accept: (tag: string) => boolean, plan: KillPlan = hostPlan): ProcEntry[] {
  if (!plan.procfs) return []
  return allProcesses().filter((p) => {
    if (p.pid === process.pid) return false
    const tag = envValue(p.pid, GROUP_TAG_ENV)
    return tag !== undefined && accept(tag)
  })
}

/**
 * Sends `signal` to the group (or, on Windows, the tree) led by `pid`, and to every process carrying
 * the group's tag: a member that started a session of its own has left the group but not the tag.
 * Never throws; a process already gone is no error.
 */
export function signalTree(
  pid: number,
  signal: NodeJS.Signals,
  tag?: string,
  plan: KillPlan = hostPlan,
): void {
  if (plan.kill === 'group') signalPid(-pid, signal)
  else treeKill(pid, signal, () => undefined)
  if (tag) for (const p of taggedProcesses((t) => t === tag, plan)) signalPid(p.pid, signal)
}

export function signalPid(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal)
  } catch {
    // gone already, or not ours to signal
  }
}

export interface EndTreeOptions {
  /** Settles when the group's leader has exited. */
  exited: Promise<unknown>
  /** Whether the leader is still running (false: only the rest of the group is left). */
  running: boolean
  /** Time between SIGTERM and SIGKILL. */
  graceMs: number
  tag?: string
}

/**
 * Ends a spawned tree: SIGTERM, then SIGKILL once the leader exits or the grace time is over (what
 * the leader left behind is not waited for). Resolves whether the leader's exit was seen; never
 * waits more than `graceMs` + {@link EXIT_WAIT_MS}.
 */
export async function endTree(pid: number, options: EndTreeOptions): Promise<boolean> {
  if (options.running) {
    signalTree(pid, 'SIGTERM', options.tag)
    await settlesWithin(options.exited, options.graceMs)
  }
  signalTree(pid, 'SIGKILL', options.tag)
  return settlesWithin(options.exited, EXIT_WAIT_MS)
}

/** True when `p` settles within `ms`. */
export function settlesWithin(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined
  return Promise.race([
    p.then(
      () => true,
      () => true,
    ),
    new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms))),
  ]).finally(() => clearTimeout(timer))
}
