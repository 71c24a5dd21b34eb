// The mission the dashboard shows when a window opens (a reload, a new window) and none runs: the
// newest one that ended in one of the window's folders, as its journal ended it. Only finished
// journals are replayed (their summary line says so), newest first, a few at most; the list of
// journals is the one the caller read (the dashboard's mission list), not read again.

import { join, resolve } from 'node:path'
import type { Logger } from '../engine/ports'
import { errorMessage } from '../engine/util/error-message'
import type { HistoryItem } from '../node/mission-history'
import { finishedIn, type PendingMission } from './pending-changes'

/** Finished journals replayed at most, looking for one of the window's folders. */
const MAX_REPLAYED = 5

/**
 * The newest mission of `items` (the journals of `journalDir`, newest first) that ended in one of
 * `directories`; never throws (unreadable journals are logged).
 */
export async function lastFinishedMission(
  journalDir: string,
  items: readonly HistoryItem[],
  directories: readonly string[],
  log: Logger,
): Promise<PendingMission | undefined> {
  const folders = new Set(directories.map((d) => resolve(d)))
  const finished = items.filter((i) => i.summary !== undefined)
  for (const item of finished.slice(0, MAX_REPLAYED)) {
    try {
      const found = await finishedIn(join(journalDir, `${item.id}.jsonl`), item.id, folders)
      if (found) return { directory: found.directory, state: found.state }
    } catch (err) {
      log.warn(`mission ${item.id} is not shown again: ${errorMessage(err)}`)
    }
  }
  return undefined
}
