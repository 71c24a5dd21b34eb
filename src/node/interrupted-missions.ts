// Missions whose host went away while they ran (a reload, a crash, a closed terminal): their journal
// has no end. They are offered for resumption, or discarded: marked stopped, with what they left in
// their project (their ownership file, a lock of their dead host) removed.
import { readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { JOURNAL_VERSION } from '../engine/record/entries'
import { MissionJournal, journalVersion, parseEntries } from '../engine/record/journal'
import { replay } from '../engine/record/replay'
import { isMissionId } from '../engine/protocol/ownership'
import type { Clock, Logger } from '../engine/ports'
import { clearOwnership } from '../plugin/ownership'
import { JournalFile } from './journal-file'
import { MissionHistory } from './mission-history'
import { ProjectLock } from './project-lock'

export interface InterruptedMission {
  id: string
  goal: string
  /** The folder it worked in, when its journal names it. */
  directory?: string
}

const journalPath = (journalDir: string, id: string) => join(journalDir, `${id}.jsonl`)

/**
 * The mission of one journal, if it is interrupted (started and never ended). A journal a newer
 * version wrote is not offered: this version can neither resume nor discard it.
 */
export async function interruptedMission(
  journalDir: string,
  id: string,
): Promise<InterruptedMission | undefined> {
  if (!isMissionId(id)) return undefined
  const { entries } = parseEntries(await new JournalFile(journalPath(journalDir, id)).readAll())
  if (journalVersion(entries) > JOURNAL_VERSION) return undefined
  const snap = replay(entries)
  if (snap.status !== 'running') return undefined
  return { id, goal: snap.goal, ...(snap.directory !== undefined && { directory: snap.directory }) }
}

/**
 * The newest mission of a journal folder, when it is interrupted. Only that journal is read (older
 * missions were followed by a newer one), so the cost stays flat however many missions ran.
 */
export async function newestIfInterrupted(journalDir: string): Promise<InterruptedMission | undefined> {
  const files = (await readdir(journalDir).catch(() => [] as string[])).filter((f) => f.endsWith('.jsonl'))
  const dated = await Promise.all(
    files.map(async (f) => ({ f, at: (await stat(join(journalDir, f))).mtimeMs })),
  )
  const newest = dated.reduce<{ f: string; at: number } | undefined>(
    (best, d) => (!best || d.at > best.at ? d : best),
    undefined,
  )
  return newest && interruptedMission(journalDir, newest.f.slice(0, -'.jsonl'.length))
}

/** The most recently started interrupted mission of a journal folder, however many ran after it. */
export async function latestInterrupted(
  journalDir: string,
  log: Logger,
): Promise<InterruptedMission | undefined> {
  // History items without a summary never finished; the newest of them that replays as running.
  for (const item of await new MissionHistory(journalDir, log).list()) {
    if (item.summary) continue
    const found = await interruptedMission(journalDir, item.id)
    if (found) return found
  }
  return undefined
}

/**
 * Marks an interrupted mission as stopped, so it is not offered again, and removes its ownership
 * file (its edit guard) and a lock its dead host left in its folder.
 */
export async function discardMission(
  journalDir: string,
  id: string,
  deps: { clock: Clock; log: Logger },
): Promise<void> {
  const { journal } = await MissionJournal.open({
    store: new JournalFile(journalPath(journalDir, id)),
    clock: deps.clock,
  })
  const { directory } = journal.snapshot()
  await journal.append({
    type: 'mission.ended',
    status: 'stopped',
    reason: 'discarded after an interruption',
  })
  if (directory === undefined) return
  await ProjectLock.clearStale(directory, id, deps.log)
  await clearOwnership(directory, id)
}
