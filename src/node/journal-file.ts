// The journal store on disk: one JSON-lines file per mission. Node-only, so it lives outside the engine;
// it implements the engine's JournalStore port (imports go node → engine, never back).

import { appendFile, mkdir, open, readFile, type FileHandle } from 'node:fs/promises'
import { dirname } from 'node:path'
import type { JournalStore } from '../engine/record/journal'
import type { Logger } from '../engine/ports'

/** Bytes read at a time while looking back for the last line end. */
const CHUNK = 64 * 1024

/** A line waiting for its write, and the caller waiting for it. */
interface Waiting {
  text: string
  resolve: () => void
  reject: (err: unknown) => void
}

/**
 * Appends lines to a file, creating its folder on first write. Lines land in call order even when
 * callers do not await. Lines that come while a write is under way go out together in the next one
 * (a mission's bursts: reports, dispatches, usage), so a caller waits for at most two writes, not for
 * every line queued before its own; a failed write rejects the appends it carried, and the next write
 * is tried anew. Before its first write, and after a failed one, it repairs a torn tail (a last line
 * without its '\n', left by a crash, a full disk or a write cut short), so that the next line cannot
 * be glued onto it.
 */
export class JournalFile implements JournalStore {
  readonly path: string
  readonly #log: Pick<Logger, 'warn'> | undefined
  /** Lines for the next write. */
  #waiting: Waiting[] = []
  /** The writes under way, until the last line appended so far is written (or failed). */
  #drained: Promise<void> = Promise.resolve()
  #writing = false
  #ready = false

  constructor(path: string, options: { logger?: Pick<Logger, 'warn'> } = {}) {
    if (typeof path !== 'string' || path === '')
      throw new TypeError(`Expected \`path\` to be a non-empty string, got ${String(path)}`)
    this.path = path
    this.#log = options.logger
  }

  append(line: string): Promise<void> {
    if (line.includes('\n')) return Promise.reject(new TypeError('A journal line must not contain a newline'))
    const written = new Promise<void>((resolve, reject) => {
      this.#waiting.push({ text: `${line}\n`, resolve, reject })
    })
    if (!this.#writing) {
      this.#writing = true
      this.#drained = this.#drain()
    }
    return written
  }

  /** Writes what is waiting, as one write, until nothing is. */
  async #drain(): Promise<void> {
    while (this.#waiting.length > 0) {
      const batch = this.#waiting
      this.#waiting = []
      try {
        if (!this.#ready) {
          await mkdir(dirname(this.path), { recursive: true })
          await this.#repairTail()
          this.#ready = true
        }
        await appendFile(this.path, batch.map((w) => w.text).join(''), { encoding: 'utf8', mode: 0o600 })
        for (const w of batch) w.resolve()
      } catch (err) {
        // A write cut short may have left a part of a line: the next write repairs the tail first.
        this.#ready = false
        for (const w of batch) w.reject(err)
      }
    }
    this.#writing = false
  }

  /** Every stored line (a missing file reads as none). A torn last line is returned as is. */
  async readAll(): Promise<string[]> {
    await this.#drained
    let text: string
    try {
      text = await readFile(this.path, 'utf8')
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return []
      throw err
    }
    return text.split('\n').filter((l) => l !== '')
  }

  /**
   * A last line without its '\n' is ended with one when it is a whole JSON value (it was read back as
   * an entry, so keeping it keeps the file equal to what a reader replayed), and cut back to the last
   * '\n' otherwise (a torn write: no reader could use it).
   */
  async #repairTail(): Promise<void> {
    let file
    try {
      file = await open(this.path, 'r+')
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return
      throw err
    }
    try {
      const { size } = await file.stat()
      const last = Buffer.alloc(1)
      if (size === 0 || ((await file.read(last, 0, 1, size - 1)).bytesRead === 1 && last[0] === 0x0a)) return
      const lineStart = (await lastLineEnd(file, size)) + 1
      const torn = Buffer.alloc(size - lineStart)
      await file.read(torn, 0, torn.length, lineStart)
      if (isJson(torn.toString('utf8'))) {
        await file.write('\n', size)
        this.#log?.warn(`journal ${this.path}: its last line had no line end; ended it`)
        return
      }
      await file.truncate(lineStart)
      this.#log?.warn(`journal ${this.path}: cut a torn last line (${size - lineStart} bytes)`)
    } finally {
      await file.close()
    }
  }
}

/** The offset of the last '\n' before `size`, or -1 when there is none. */
async function lastLineEnd(file: FileHandle, size: number): Promise<number> {
  const buf = Buffer.alloc(CHUNK)
  for (let end = size; end > 0; end -= CHUNK) {
    const start = Math.max(0, end - CHUNK)
    const { bytesRead } = await file.read(buf, 0, end - start, start)
    const at = buf.subarray(0, bytesRead).lastIndexOf(0x0a)
    if (at >= 0) return start + at
  }
  return -1
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text)
    return true
  } catch {
    return false
  }
}
