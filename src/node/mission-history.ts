// The past missions of a workspace, read from their journals without replaying them: a finished
// mission's journal ends in a `mission.summary` line, so the list reads each file's first and last
// few kilobytes only. A journal without a summary (interrupted, or written before summaries) is
// listed from its first line as not finished. Full replay is for the one mission the user opens.

import { open, readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import type { Logger } from '../engine/ports'
import type { MissionSnapshot, MissionSummary } from '../engine/record/entries'
import { parseEntries } from '../engine/record/journal'
import { replay } from '../engine/record/replay'
import { JournalFile } from './journal-file'

/** Bytes read at each end of a journal; a summary line is far smaller. */
const EDGE_BYTES = 16 * 1024

export interface HistoryItem {
  id: string
  goal: string
  startedAt: number
  /** Set when the journal ends with a summary; otherwise the mission never finished. */
  summary?: MissionSummary
  /** Where it ran, when the history reads several journal folders and this one names itself. */
  origin?: string
}

/** A folder of journals, and how its missions are named when the history reads several. */
export interface JournalSource {
  dir: string
  origin?: string
}

async function edges(path: string): Promise<{ first: string; last: string[] }> {
  const fh = await open(path, 'r')
  try {
    const { size } = await fh.stat()
    const read = async (position: number, length: number) => {
      const buf = Buffer.alloc(length)
      const { bytesRead } = await fh.read(buf, 0, length, position)
      return buf.subarray(0, bytesRead).toString('utf8')
    }
    const head = await read(0, Math.min(size, EDGE_BYTES))
    const tailStart = Math.max(0, size - EDGE_BYTES)
    const tail = tailStart === 0 ? head : await read(tailStart, size - tailStart)
    const tailLines = tail.split('\n').filter((l) => l !== '')
    // A tail read from the middle of the file starts inside a line: drop that fragment.
    if (tailStart > 0) tailLines.shift()
    return { first: head.split('\n')[0] ?? '', last: tailLines.slice(-3) }
  } finally {
    await fh.close()
  }
}

/** Journals of missions in a folder, one `<id>.jsonl` file each. */
export class MissionHistory {
  /**
   * `from`: one folder of journals, or the folders to read at each call (e.g. the extension's own and
   * each workspace folder's `.opencode/orchestrator/`, where the CLI and `/task` journal).
   */
  constructor(
    private readonly from: string | (() => readonly JournalSource[]),
    private readonly log: Logger,
  ) {}

  #sources(): readonly JournalSource[] {
    return typeof this.from === 'string' ? [{ dir: this.from }] : this.from()
  }

  /** Newest first. Unreadable journals and lines that are not entries are skipped and logged. */
  async list(): Promise<HistoryItem[]> {
    const lists = await Promise.all(
      this.#sources().map(async (source) => {
        const files = (await readdir(source.dir).catch(() => [] as string[])).filter((f) =>
          f.endsWith('.jsonl'),
        )
        return Promise.all(files.map((f) => this.#item(source, f)))
      }),
    )
    return lists
      .flat()
      .filter((i) => i !== undefined)
      .sort((a, b) => b.startedAt - a.startedAt)
  }

  async #item(source: JournalSource, file: string): Promise<HistoryItem | undefined> {
    const id = file.slice(0, -'.jsonl'.length)
    const path = join(source.dir, file)
    const origin = source.origin !== undefined ? { origin: source.origin } : {}
    try {
      const { first, last } = await edges(path)
      const start = parseEntries([first]).entries[0]
      const { entries, skipped } = parseEntries(last)
      if (skipped > 0)
        this.log.warn(`history: ${path}: skipped ${skipped} line(s) that are not journal entries`)
      const summary = entries.findLast((e) => e.type === 'mission.summary')
      if (summary?.type === 'mission.summary')
        return {
          id,
          goal: summary.summary.goal,
          startedAt: summary.summary.startedAt,
          summary: summary.summary,
          ...origin,
        }
      if (start?.type === 'mission.started') return { id, goal: start.goal, startedAt: start.at, ...origin }
      this.log.warn(`history: ${path} does not begin with a mission start; left out of the history`)
      return undefined
    } catch (err) {
      this.log.warn(`history: ${path} could not be read: ${(err as Error).message}`)
      return undefined
    }
  }

  /** The whole mission of one journal (full replay). Rejects with a clear message for an unknown id. */
  async open(id: string): Promise<MissionSnapshot> {
    if (!/^[\w-]{1,128}$/.test(id)) throw new Error(`"${id}" is not a mission id of this workspace`)
    const dirs = this.#sources().map((s) => s.dir)
    let path: string | undefined
    for (const dir of dirs) {
      const candidate = join(dir, `${id}.jsonl`)
      if (
        await stat(candidate).then(
          () => true,
          () => false,
        )
      ) {
        path = candidate
        break
      }
    }
    if (!path) throw new Error(`no journal for mission ${id} in ${dirs.join(' or ')}`)
    const { entries, skipped } = parseEntries(await new JournalFile(path).readAll())
    if (skipped > 0)
      this.log.warn(`history: ${path}: skipped ${skipped} line(s) that are not journal entries`)
    return replay(entries)
  }
}
