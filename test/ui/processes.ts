import { readdirSync, readFileSync } from 'node:fs'

/** Pids of live processes whose environment mentions the marker (e.g. a sandbox path). */
export function processesWithEnv(marker: string): { pid: number; cmd: string }[] {
  const found: { pid: number; cmd: string }[] = []
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry)
    if (!Number.isInteger(pid) || pid === process.pid) continue
    try {
      if (!readFileSync(`/proc/${pid}/environ`, 'latin1').includes(marker)) continue
      const stat = readFileSync(`/proc/${pid}/stat`, 'latin1')
      if (stat.split(') ')[1]?.startsWith('Z')) continue // zombie: already dead, not yet reaped
      found.push({ pid, cmd: readFileSync(`/proc/${pid}/cmdline`, 'latin1').replace(/\0/g, ' ').trim() })
    } catch {
      // exited while we looked
    }
  }
  return found
}
