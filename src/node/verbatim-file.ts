// The texts a mission keeps whole (the engine's VerbatimStore port): one JSON object in a file beside
// the mission's journal, readable by its owner only, removed once the mission ended.

import { mkdir, readFile, rm } from 'node:fs/promises'
import { dirname } from 'node:path'
import type { VerbatimStore } from '../engine/record/verbatim'
import { replaceFile } from './replace-file'

export class VerbatimFile implements VerbatimStore {
  constructor(readonly path: string) {
    if (typeof path !== 'string' || path === '')
      throw new TypeError(`Expected \`path\` to be a non-empty string, got ${String(path)}`)
  }

  /** The file beside a journal: `<id>.jsonl` keeps its whole texts in `<id>.verbatim.json`. */
  static beside(journalPath: string): VerbatimFile {
    return new VerbatimFile(`${journalPath.replace(/\.jsonl$/, '')}.verbatim.json`)
  }

  async read(): Promise<Record<string, string>> {
    let text: string
    try {
      text = await readFile(this.path, 'utf8')
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {}
      throw err
    }
    const value: unknown = JSON.parse(text)
    if (
      typeof value !== 'object' ||
      value === null ||
      Array.isArray(value) ||
      !Object.values(value).every((v) => typeof v === 'string')
    )
      throw new Error(`${this.path} does not hold an object of texts`)
    return value as Record<string, string>
  }

  /** Written whole to a fresh owner-only file, then renamed over the old one: never half a file. */
  async write(texts: Record<string, string>): Promise<void> {
    if (Object.keys(texts).length === 0) return rm(this.path, { force: true })
    await mkdir(dirname(this.path), { recursive: true })
    await replaceFile(this.path, JSON.stringify(texts), 0o600)
  }
}
