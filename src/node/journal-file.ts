// The journal store on disk: one JSON-lines file per mission. Node-only, so it lives outside the engine;
// it implements the engine's JournalStore port (imports go node → engine, never back).

import { appendFile, mkdir, readFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import type { JournalStore } from '../engine/record/journal'

/**
 * Appends lines to a file, creating its folder on first write. Appends are serialised, so lines land in
 * call order even when callers do not await; a failed append rejects that call only.
 */
export class JournalFile implements JournalStore {
  readonly path: string
  #tail: Promise<void> = Promise.resolve()
  #dirReady = false

  constructor(path: string) {
    if (typeof path !== 'string' || path === '')
      throw new TypeError(`Expected \`path\` to be a non-empty string, got ${String(path)}`)
    this.path = path
  }

  append(line: string): Promise<void> {
    if (line.includes('\n')) return Promise.reject(new TypeError('A journal line must not contain a newline'))
    const write = this.#tail.then(async () => {
      if (!this.#dirReady) {
        await mkdir(dirname(this.path), { recursive: true })
        this.#dirReady = true
      }
      await appendFile(this.path, `${line}\n`, { encoding: 'utf8', mode: 0o600 })
    })
    this.#tail = write.catch(() => undefined)
    return write
  }

  /** Every stored line (a missing file reads as none). A torn last line is returned as is. */
  async readAll(): Promise<string[]> {
    await this.#tail
    let text: string
    try {
      text = await readFile(this.path, 'utf8')
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return []
      throw err
    }
    return text.split('\n').filter((l) => l !== '')
  }
}
