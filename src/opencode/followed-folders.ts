// Folders besides the project's whose sessions a connection follows: a mission's worktrees. A
// session created in another folder belongs to that folder's OpenCode instance, whose events the
// project's own stream never carries, and whose statuses its status call never lists.

import { realpathSync } from 'node:fs'

export class FollowedFolders {
  readonly #sources = new Set<() => ReadonlySet<string>>()
  /** Each folder as the server may name it: as given, and with its links resolved. */
  readonly #real = new Map<string, string>()

  get empty(): boolean {
    return this.#sources.size === 0
  }

  /** Follows the folders `source` lists (read each time); the returned function stops. */
  add(source: () => ReadonlySet<string>): () => void {
    this.#sources.add(source)
    return () => this.#sources.delete(source)
  }

  /** Every followed folder now. */
  list(): string[] {
    const all = new Set<string>()
    for (const source of this.#sources) for (const dir of source()) all.add(dir)
    return [...all]
  }

  /** Whether the server's `directory` is a followed folder (compared as given and as resolved). */
  has(directory: string): boolean {
    for (const source of this.#sources) {
      const dirs = source()
      if (dirs.has(directory)) return true
      for (const dir of dirs) if (this.#resolved(dir) === directory) return true
    }
    return false
  }

  #resolved(dir: string): string {
    let real = this.#real.get(dir)
    if (real === undefined) {
      try {
        real = realpathSync(dir)
      } catch {
        real = dir
      }
      this.#real.set(dir, real)
    }
    return real
  }
}
