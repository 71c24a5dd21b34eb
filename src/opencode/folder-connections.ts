import { resolve } from 'node:path'

/**
 * Connections to OpenCode keyed by project folder. A connection's client names its folder in every
 * request (OpenCode runs one instance per folder, and the plugin guards that folder's files), so a
 * mission started for a folder must get that folder's connection, whatever ran before it.
 */
export class FolderConnections<T extends { dispose(): Promise<void> }> {
  readonly #live = new Map<string, T>()
  readonly #starting = new Map<string, Promise<T>>()
  #closing: Promise<void> = Promise.resolve()

  constructor(private readonly open: (directory: string, signal?: AbortSignal) => Promise<T>) {}

  /** The folder's live connection, if any. */
  get(directory: string): T | undefined {
    return this.#live.get(resolve(directory))
  }

  /** The folder's connection, opened on first use (one start at a time per folder). */
  ensure(directory: string, signal?: AbortSignal): Promise<T> {
    const key = resolve(directory)
    const live = this.#live.get(key)
    if (live) return Promise.resolve(live)
    let starting = this.#starting.get(key)
    if (!starting) {
      starting = this.open(key, signal)
        .then((c) => {
          this.#live.set(key, c)
          return c
        })
        .finally(() => this.#starting.delete(key))
      this.#starting.set(key, starting)
    }
    return starting
  }

  /** Drops a connection that failed (it is disposed by its owner); the next ensure opens a new one. */
  forget(directory: string, connection: T): void {
    const key = resolve(directory)
    if (this.#live.get(key) === connection) this.#live.delete(key)
  }

  /** Ends every connection, awaiting starts in progress first. */
  async stopAll(): Promise<void> {
    await Promise.allSettled([...this.#starting.values()])
    const all = [...this.#live.values()]
    this.#live.clear()
    this.#closing = this.#closing.then(async () => {
      await Promise.allSettled(all.map((c) => c.dispose()))
    })
    await this.#closing
  }
}
