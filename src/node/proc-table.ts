// Linux's process table as /proc shows it: enough to tell a process from a later one that got its
// pid (the start time), which group it is in, and which tag its environment carries.

import { readdirSync, readFileSync } from 'node:fs'

export interface ProcEntry {
  pid: number
  ppid: number
  /** Process group id. */
  pgrp: number
  /** Start time in clock ticks since boot (`/proc/<pid>/stat` field 22), as written there. */
  start: string
}

/** The process as /proc shows it; undefined when it is gone or a zombie (it cannot run again). */
export function procEntry(pid: number): ProcEntry | undefined {
  let stat: string
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  } catch {
    return undefined
  }
  // The command name (field 2) is in parentheses and may itself hold spaces and parentheses.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  const state = fields[0]
  const start = fields[19]
  if (!start || state === 'Z' || state === 'X') return undefined
  return { pid, ppid: Number(fields[1]), pgrp: Number(fields[2]), start }
}

/** True when `pid` is still the process that started at `start`. */
export function isSameProcess(pid: number, start: string): boolean {
  return procEntry(pid)?.start === start
}

/** Every live process that /proc lists. */
export function allProcesses(): ProcEntry[] {
  let names: string[]
  try {
    names = readdirSync('/proc')
  } catch {
    return []
  }
  const out: ProcEntry[] = []
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue
    const entry = procEntry(Number(name))
    if (entry) out.push(entry)
  }
  return out
}

/**
 * The value of one variable in the environment the process started with; undefined when it has
 * none or the environment cannot be read (another user's process).
 */
export function envValue(pid: number, name: string): string | undefined {
  let environ: string
  try {
    environ = readFileSync(`/proc/${pid}/environ`, 'utf8')
  } catch {
    return undefined
  }
  const prefix = `${name}=`
  for (const entry of environ.split('\0')) if (entry.startsWith(prefix)) return entry.slice(prefix.length)
  return undefined
}

/** The id of this boot: start times count from the boot, so they compare only within one. */
export function bootId(): string | undefined {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim()
  } catch {
    return undefined
  }
}
