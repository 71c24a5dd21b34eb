import { readdirSync, readFileSync } from 'node:fs'

// Finds processes by a variable in the environment they started with, from /proc (Linux): every
// descendant inherits it, including one that started a session of its own or was re-parented, so a
// test sees the whole tree it started, not one pid.

export const MARK_ENV = 'ORCH_TEST_MARK'

/** Live processes (not zombies) whose environment has ORCH_TEST_MARK=`mark`. */
export function markedProcesses(mark: string): number[] {
  const found: number[] = []
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    try {
      const env = readFileSync(`/proc/${name}/environ`, 'utf8').split('\0')
      if (!env.includes(`${MARK_ENV}=${mark}`)) continue
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8')
      const state = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0]
      if (state !== 'Z' && state !== 'X') found.push(Number(name))
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return found
}

/** Waits until `check` holds, up to `ms`; resolves whether it did. */
export async function eventually(check: () => boolean, ms: number): Promise<boolean> {
  const until = Date.now() + ms
  while (!check()) {
    if (Date.now() > until) return false
    await new Promise((r) => setTimeout(r, 50))
  }
  return true
}

/** The command line of a process ('' once it is gone). */
export function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim()
  } catch {
    return ''
  }
}

/** Test cleanup: SIGKILLs every process carrying one of the marks, again until none is left (a tree may still be forking). */
export async function endMarked(marks: string[]): Promise<void> {
  await eventually(() => {
    const pids = marks.flatMap((mark) => markedProcesses(mark))
    for (const pid of pids)
      try {
        process.kill(pid, 'SIGKILL')
      } catch {
        // exited meanwhile
      }
    return pids.length === 0
  }, 2_000)
}
