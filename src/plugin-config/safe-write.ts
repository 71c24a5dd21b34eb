// Replacing a user's config file without ever losing it: timestamped backup (newest 5 kept), write
// to a temp file and rename over the target, read back and verify, and on any failure put the
// original bytes back from the backup.
import * as nodeFs from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { errorMessage as message } from '../engine/util/error-message'

/** The file operations safeWrite uses; tests inject failures through it. */
export interface SafeWriteFs {
  readFile(path: string): Promise<Buffer>
  writeFile(path: string, data: string | Buffer): Promise<void>
  rename(from: string, to: string): Promise<void>
  copyFile(from: string, to: string): Promise<void>
  unlink(path: string): Promise<void>
  readdir(dir: string): Promise<string[]>
  stat(path: string): Promise<{ mode: number }>
  chmod(path: string, mode: number): Promise<void>
  mkdir(dir: string, options: { recursive: true }): Promise<unknown>
}

export const nodeSafeWriteFs: SafeWriteFs = {
  readFile: (p) => nodeFs.readFile(p),
  writeFile: (p, d) => nodeFs.writeFile(p, d),
  rename: (a, b) => nodeFs.rename(a, b),
  copyFile: (a, b) => nodeFs.copyFile(a, b, nodeFs.constants.COPYFILE_EXCL),
  unlink: (p) => nodeFs.unlink(p),
  readdir: (d) => nodeFs.readdir(d),
  stat: (p) => nodeFs.stat(p),
  chmod: (p, m) => nodeFs.chmod(p, m),
  mkdir: (d, o) => nodeFs.mkdir(d, o),
}

export interface SafeWriteOptions {
  /** Checks the text read back from disk; returns a problem to roll back for, or undefined. */
  verify?: (text: string) => string | undefined
  /** File operations. Default: node:fs/promises. */
  fs?: SafeWriteFs
  /** Clock for backup names. Default: () => new Date(). */
  now?: () => Date
  /** Backups kept per file, newest first. Default: 5. */
  keepBackups?: number
  /**
   * The bytes the caller based `text` on (null: the file did not exist). When the file no longer
   * holds them, nothing is written and the write fails with reason `conflict`. Default: not checked.
   */
  expectOriginal?: Buffer | null
}

export type SafeWriteReason = 'conflict' | 'backup-failed' | 'write-failed' | 'verify-failed'

export class SafeWriteError extends Error {
  override readonly name = 'SafeWriteError'
  constructor(
    readonly reason: SafeWriteReason,
    message: string,
    /** True when the file holds its original bytes again (or is absent again, if it was new). */
    readonly rolledBack: boolean,
    readonly backup?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
  static is(err: unknown, reason?: SafeWriteReason): err is SafeWriteError {
    return err instanceof SafeWriteError && (reason === undefined || err.reason === reason)
  }
}

const stampOf = (d: Date) => d.toISOString().replace(/[-:.]/g, '')
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
/** Backups of `file` are named `<file>.orchestrator-<UTC stamp>[-n].bak`, which sorts by age. */
const backupPattern = (file: string) =>
  new RegExp(`^${escape(basename(file))}\\.orchestrator-(\\d{8}T\\d{9}Z)(-\\d+)?\\.bak$`)

// One write per path at a time within this process, so the temp name cannot collide.
const queues = new Map<string, Promise<unknown>>()

/** Writes `text` to `path` safely; resolves with the backup made (none when the file was new). */
export function safeWrite(
  path: string,
  text: string,
  options: SafeWriteOptions = {},
): Promise<{ backup?: string }> {
  const previous = queues.get(path) ?? Promise.resolve()
  const run = previous.then(
    () => write(path, text, options),
    () => write(path, text, options),
  )
  const tail = run.catch(() => undefined)
  queues.set(path, tail)
  void tail.then(() => {
    if (queues.get(path) === tail) queues.delete(path)
  })
  return run
}

async function write(path: string, text: string, options: SafeWriteOptions): Promise<{ backup?: string }> {
  const fs = options.fs ?? nodeSafeWriteFs
  const dir = dirname(path)
  let original: Buffer | undefined
  let mode: number | undefined
  try {
    original = await fs.readFile(path)
    mode = (await fs.stat(path)).mode & 0o7777
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
      throw new SafeWriteError('backup-failed', `cannot read ${path}: ${message(err)}`, true, undefined, {
        cause: err,
      })
  }

  if (options.expectOriginal !== undefined) {
    const same = options.expectOriginal === null ? !original : !!original?.equals(options.expectOriginal)
    if (!same)
      throw new SafeWriteError('conflict', `${path} changed while it was being edited; try again`, true)
  }

  let backup: string | undefined
  if (original) {
    try {
      backup = await makeBackup(fs, path, (options.now ?? (() => new Date()))())
    } catch (err) {
      throw new SafeWriteError('backup-failed', `cannot back up ${path}: ${message(err)}`, true, undefined, {
        cause: err,
      })
    }
  } else await fs.mkdir(dir, { recursive: true })

  const temp = `${path}.${process.pid}.tmp`
  try {
    await fs.writeFile(temp, text)
    if (mode !== undefined) await fs.chmod(temp, mode)
    await fs.rename(temp, path)
  } catch (err) {
    await fs.unlink(temp).catch(() => undefined)
    const rolledBack = await rollBack(fs, path, original, backup)
    throw new SafeWriteError('write-failed', `cannot write ${path}: ${message(err)}`, rolledBack, backup, {
      cause: err,
    })
  }

  let problem: string | undefined
  try {
    const back = (await fs.readFile(path)).toString('utf8')
    problem = back !== text ? 'the file read back differs from what was written' : options.verify?.(back)
  } catch (err) {
    problem = `cannot read it back: ${message(err)}`
  }
  if (problem !== undefined) {
    const rolledBack = await rollBack(fs, path, original, backup)
    throw new SafeWriteError(
      'verify-failed',
      `${path} failed verification after writing: ${problem}`,
      rolledBack,
      backup,
    )
  }

  await pruneBackups(fs, path, options.keepBackups ?? 5)
  return backup ? { backup } : {}
}

async function makeBackup(fs: SafeWriteFs, path: string, now: Date): Promise<string> {
  const base = `${path}.orchestrator-${stampOf(now)}`
  for (let n = 0; ; n++) {
    const candidate = `${base}${n ? `-${n}` : ''}.bak`
    try {
      await fs.copyFile(path, candidate)
      return candidate
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || n >= 100) throw err
    }
  }
}

/** Puts the original bytes back (or removes a file that did not exist); true when that worked. */
async function rollBack(
  fs: SafeWriteFs,
  path: string,
  original: Buffer | undefined,
  backup: string | undefined,
) {
  try {
    if (!original) {
      await fs.unlink(path).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'ENOENT') throw err
      })
      return true
    }
    const current = await fs.readFile(path).catch(() => undefined)
    if (current?.equals(original)) return true
    const temp = `${path}.${process.pid}.restore.tmp`
    await fs.writeFile(temp, backup ? await fs.readFile(backup) : original)
    await fs.rename(temp, path)
    return (await fs.readFile(path)).equals(original)
  } catch {
    return false
  }
}

async function pruneBackups(fs: SafeWriteFs, path: string, keep: number): Promise<void> {
  const pattern = backupPattern(path)
  try {
    const age = (name: string) => {
      const m = pattern.exec(name) as RegExpExecArray
      return `${m[1]}.${(m[2] ?? '-0').slice(1).padStart(4, '0')}`
    }
    const names = (await fs.readdir(dirname(path)))
      .filter((n) => pattern.test(n))
      .sort((a, b) => (age(a) < age(b) ? -1 : 1))
    for (const name of names.slice(0, Math.max(0, names.length - keep)))
      await fs.unlink(join(dirname(path), name)).catch(() => undefined)
  } catch {
    // Pruning is housekeeping: a failure here must not fail a successful write.
  }
}
