// Reading and writing the mission's ownership file (format in src/engine/ownership.ts). The plugin
// reads it inside the OpenCode server; the host writes it. Plain node:fs so both runtimes work.
import { mkdir, readFile, rename, rm, rmdir, stat, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { OWNERSHIP_FILE, parseOwnership, type Ownership } from '../engine/protocol/ownership'

/** Absolute path of the ownership file of a project directory. */
export const ownershipPath = (projectDir: string): string => join(projectDir, ...OWNERSHIP_FILE.split('/'))

/**
 * Returns the current ownership of a project, re-reading the file only when its identity (mtime,
 * size, inode) changed since the last call. One stat per call; no watcher, no timer. A missing or
 * malformed file reads as undefined (no mission, so no guard).
 */
export class OwnershipReader {
  readonly path: string
  #key = ''
  #value: Ownership | undefined

  constructor(projectDir: string) {
    this.path = ownershipPath(projectDir)
  }

  async current(): Promise<Ownership | undefined> {
    let key: string
    try {
      const s = await stat(this.path)
      key = `${s.mtimeMs}:${s.size}:${s.ino}`
    } catch {
      this.#key = ''
      this.#value = undefined
      return undefined
    }
    if (key === this.#key) return this.#value
    let text: string
    try {
      text = await readFile(this.path, 'utf8')
    } catch {
      return undefined
    }
    this.#key = key
    this.#value = parseOwnership(text)
    return this.#value
  }
}

let tempCounter = 0

/** Publishes ownership atomically (temp file + rename), so a reader never sees a half-written file. */
export async function writeOwnership(projectDir: string, data: Ownership): Promise<void> {
  const target = ownershipPath(projectDir)
  await mkdir(dirname(target), { recursive: true })
  const temp = `${target}.${process.pid}-${tempCounter++}.tmp`
  try {
    await writeFile(temp, `${JSON.stringify(data, null, 2)}\n`)
    await rename(temp, target)
  } catch (err) {
    await rm(temp, { force: true })
    throw err
  }
}

/**
 * Removes the ownership file, then the `orchestrator` folder and the project's `.opencode` folder
 * when they are left empty: OpenCode treats every `.opencode` folder as a config folder and runs
 * an npm install into it on the next start, so an empty one must not be left behind.
 */
export async function clearOwnership(projectDir: string): Promise<void> {
  const target = ownershipPath(projectDir)
  await rm(target, { force: true })
  for (const dir of [dirname(target), dirname(dirname(target))]) {
    try {
      await rmdir(dir)
    } catch {
      return // not empty (the user's own .opencode content) or already gone
    }
  }
}
