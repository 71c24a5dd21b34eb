// Reading and writing the missions' ownership files (format in src/engine/protocol/ownership.ts), one
// per mission. The plugin reads them inside the OpenCode server; the host writes them. Plain node:fs
// so both runtimes work.
import { readFileSync, statSync } from 'node:fs'
import { mkdir, readdir, readFile, rm, rmdir, stat } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import {
  isMissionId,
  linkedGitDir,
  OWNERSHIP_DIR,
  parseOwnership,
  WORKTREE_PROJECT_FILE,
  type Ownership,
} from '../engine/protocol/ownership'
import { replaceFile } from '../node/replace-file'
import { ensureOrchestratorFolder, tidyOrchestratorFolder } from './orchestrator-folder'

/** Absolute path of the folder holding a project's ownership files. */
export const ownershipDir = (projectDir: string): string => join(projectDir, ...OWNERSHIP_DIR.split('/'))

/** Absolute path of one mission's ownership file. */
export function ownershipPath(projectDir: string, missionId: string): string {
  if (!isMissionId(missionId)) throw new Error(`"${missionId}" is not a mission id`)
  return join(ownershipDir(projectDir), `${missionId}.json`)
}

interface Cached {
  key: string
  mtimeMs: number
  value: Ownership | undefined
}

/**
 * The ownership of the missions running in a project, each file re-read only when its identity
 * (mtime, size, inode) changed since the last call: one listing and one stat per file per call; no
 * watcher, no timer. Missing or malformed files read as no mission (no guard).
 */
export class OwnershipReader {
  readonly dir: string
  readonly #cache = new Map<string, Cached>()

  constructor(projectDir: string) {
    this.dir = ownershipDir(projectDir)
  }

  /** Every mission's ownership, the most recently published first. */
  async all(): Promise<Ownership[]> {
    const names = (await readdir(this.dir).catch(() => [] as string[])).filter((n) => n.endsWith('.json'))
    for (const name of this.#cache.keys()) if (!names.includes(name)) this.#cache.delete(name)
    const read = await Promise.all(names.map((n) => this.#read(n)))
    return read
      .filter((c) => c?.value !== undefined)
      .sort((a, b) => (b as Cached).mtimeMs - (a as Cached).mtimeMs)
      .map((c) => (c as Cached).value as Ownership)
  }

  /**
   * The ownership of the mission a session works for (as a worker or a reviewer); for a session no
   * mission lists (a planner, the user's own), the most recently published one.
   */
  async forSession(sessionID: string): Promise<Ownership | undefined> {
    const all = await this.all()
    return all.find((o) => o.sessions[sessionID] || o.reviews?.[sessionID] !== undefined) ?? all[0]
  }

  async #read(name: string): Promise<Cached | undefined> {
    const path = join(this.dir, name)
    let key: string
    let mtimeMs: number
    try {
      const s = await stat(path)
      key = `${s.mtimeMs}:${s.size}:${s.ino}`
      mtimeMs = s.mtimeMs
    } catch {
      this.#cache.delete(name)
      return undefined
    }
    const cached = this.#cache.get(name)
    if (cached?.key === key) return cached
    let text: string
    try {
      text = await readFile(path, 'utf8')
    } catch {
      return undefined
    }
    const fresh = { key, mtimeMs, value: parseOwnership(text) }
    this.#cache.set(name, fresh)
    return fresh
  }
}

/** Publishes a mission's ownership atomically (temp file + rename): a reader never sees half a file. */
export async function writeOwnership(projectDir: string, data: Ownership): Promise<void> {
  const target = ownershipPath(projectDir, data.missionId)
  await ensureOrchestratorFolder(projectDir)
  await mkdir(dirname(target), { recursive: true })
  await replaceFile(target, `${JSON.stringify(data, null, 2)}\n`)
}

/**
 * Removes one mission's ownership file (another mission's stays), then the folders it left empty
 * (see {@link tidyOrchestratorFolder}).
 */
export async function clearOwnership(projectDir: string, missionId: string): Promise<void> {
  const target = ownershipPath(projectDir, missionId)
  await rm(target, { force: true })
  try {
    await rmdir(dirname(target))
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') return // another mission's file is there
  }
  await tidyOrchestratorFolder(projectDir)
}

/**
 * The project folder whose missions a plugin instance follows: its own, or, for a mission's worktree
 * (a linked git worktree whose git folder names it), the user's folder the mission runs for. Sync and
 * plain node:fs: it runs once, as the plugin starts, in either runtime.
 */
export function missionProjectDir(directory: string): string {
  let dir = directory
  for (let depth = 0; depth < 64; depth++) {
    const dotGit = join(dir, '.git')
    let gitFile: string | undefined
    try {
      if (statSync(dotGit).isFile()) gitFile = readFileSync(dotGit, 'utf8')
      else return directory // a repository's own folder: not a worktree
    } catch {
      const up = dirname(dir)
      if (up === dir) return directory
      dir = up
      continue
    }
    const gitDir = linkedGitDir(gitFile)
    if (!gitDir) return directory
    try {
      const named = readFileSync(join(resolve(dir, gitDir), WORKTREE_PROJECT_FILE), 'utf8').trim()
      return named || directory
    } catch {
      return directory // a worktree the orchestrator did not make
    }
  }
  return directory
}
