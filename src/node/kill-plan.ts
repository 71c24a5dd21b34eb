/**
 * How a spawned process tree is ended on a system, and what can be known there of its processes.
 * - `kill: 'group'`: POSIX; the tree runs in its own process group (spawned detached) and a signal
 *   to the negative pid reaches every member, including children whose parent already exited.
 * - `kill: 'tree'`: Windows, where a negative pid throws; the `tree-kill` package runs
 *   `taskkill /T /F` (always forced: Windows has no SIGTERM to send).
 * - `procfs`: Linux; `/proc` gives each process's start time (a recycled pid is told apart from the
 *   process that was recorded) and its environment (members that left the group are found by the
 *   tag they inherited). Elsewhere processes left by a crashed run are not looked for.
 */
export interface KillPlan {
  kill: 'group' | 'tree'
  procfs: boolean
}

export function killPlan(platform: NodeJS.Platform): KillPlan {
  if (platform === 'win32') return { kill: 'tree', procfs: false }
  return { kill: 'group', procfs: platform === 'linux' }
}
