// Replacing a user's config file without ever losing it: timestamped backup (newest 5 kept), write
// to a temp file and rename over the target, read back and verify, and on any failure put the
// original bytes back from the backup. A symlinked file (dotfile managers) is written through to the
// link's target, so the link stays a link. Every file is created with its final mode from the start
// (the original's, 0600 for backups and new files): a config may hold API keys, and no moment exists
// where another user can read a copy of it.
import * as nodeFs from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { errorMessage as message } from '../engine/util/error-message'

/** The file operations safeWrite uses; tests inject failures through it. */
export interface SafeWriteFs {
  readFile(path: string): Promise<Buffer>
  /** Creates `path`, which must not exist (EEXIST otherwise), with `mode` from the start, holding `data`. */
  createFile(path: string, data: string | Buffer, mode: number): Promise<void>
  rename(from: string, to: string): Promise<void>
  unlink(path: string): Promise<void>
  readdir(dir: string): Promise<string[]>
  stat(path: string): Promise<{ mode: number }>
  lstat(path: string): Promise<{ isSymbolicLink(): boolean }>
  readlink(path: string): Promise<string>
  realpath(path: string): Promise<string>
  chmod(path: string, mode: number): Promise<void>
  mkdir(dir: string, options: { recursive: true; mode?: number }): Promise<unknown>
}

export const nodeSafeWriteFs: SafeWriteFs = {
  readFile: (p) => nodeFs.readFile(p),
  createFile: (p, d, mode) => nodeFs.writeFile(p, d, { mode, flag: 'wx' }),
  rename: (a, b) => nodeFs.rename(a, b),
  unlink: (p) => nodeFs.unlink(p),
  readdir: (d) => nodeFs.readdir(d),
  stat: (p) => nodeFs.stat(p),
  lstat: (p) => nodeFs.lstat(p),
  readlink: (p) => nodeFs.readlink(p),
  realpath: (p) => nodeFs.realpath(p),
  chmod: (p, m) => nodeFs.chmod(p, m),
  mkdir: (d, o) => nodeFs.mkdir(d, o),
}

/** Mode of backups, and of a file that did not exist before. */
const PRIVATE = 0o600

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
   * Folder for the backups, created (0700) with a `.gitignore` of `*` in it so no backup is ever
   * committed. Default: next to the file.
   */
  backupDir?: string
  /**
   * The bytes the caller based `text` on (null: the file did not exist). When the file no longer
   * holds them, nothing is written and the write fails with reason `conflict`. Default: not checked.
   */
  expectOriginal?: Buffer | null
}

export type SafeWriteReason = 'conflict' | 'broken-link' | 'backup-failed' | 'write-failed' | 'verify-failed'

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

/**
 * The file to replace: `path` itself, or the file a symlink at `path` points to (through any chain of
 * links). A link to nothing is refused: writing there would create a file the user never named.
 */
async function targetOf(fs: SafeWriteFs, path: string): Promise<string> {
  try {
    return await fs.realpath(path)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') return path
  }
  const link = await fs.lstat(path).then(
    (s) => s.isSymbolicLink(),
    () => false,
  )
  if (!link) return path
  const to = await fs.readlink(path).catch(() => '?')
  throw new SafeWriteError(
    'broken-link',
    `${path} is a symbolic link to ${to}, which does not exist: create that file (or remove the link), then try again`,
    true,
  )
}

async function write(path: string, text: string, options: SafeWriteOptions): Promise<{ backup?: string }> {
  const fs = options.fs ?? nodeSafeWriteFs
  const target = await targetOf(fs, path)
  const dir = dirname(target)
  const named = target === path ? path : `${path} (a link to ${target})`
  let original: Buffer | undefined
  let mode: number | undefined
  try {
    original = await fs.readFile(target)
    mode = (await fs.stat(target)).mode & 0o7777
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
      throw new SafeWriteError('backup-failed', `cannot read ${named}: ${message(err)}`, true, undefined, {
        cause: err,
      })
  }

  if (options.expectOriginal !== undefined) {
    const same = options.expectOriginal === null ? !original : !!original?.equals(options.expectOriginal)
    if (!same)
      throw new SafeWriteError('conflict', `${path} changed while it was being edited; try again`, true)
  }

  const backupDir = options.backupDir ?? dirname(path)
  let backup: string | undefined
  if (original) {
    try {
      if (options.backupDir) await prepareBackupDir(fs, options.backupDir)
      const now = (options.now ?? (() => new Date()))()
      backup = await makeBackup(fs, join(backupDir, basename(path)), original, now)
    } catch (err) {
      throw new SafeWriteError('backup-failed', `cannot back up ${path}: ${message(err)}`, true, undefined, {
        cause: err,
      })
    }
  }

  const temp = `${target}.${process.pid}.tmp`
  try {
    if (!original) await fs.mkdir(dir, { recursive: true })
    await createReplacing(fs, temp, text, mode ?? PRIVATE)
    await fs.rename(temp, target)
  } catch (err) {
    await fs.unlink(temp).catch(() => undefined)
    const rolledBack = await rollBack(fs, target, original, mode, backup)
    throw new SafeWriteError('write-failed', `cannot write ${named}: ${message(err)}`, rolledBack, backup, {
      cause: err,
    })
  }

  let problem: string | undefined
  try {
    const back = (await fs.readFile(target)).toString('utf8')
    problem = back !== text ? 'the file read back differs from what was written' : options.verify?.(back)
  } catch (err) {
    problem = `cannot read it back: ${message(err)}`
  }
  if (problem !== undefined) {
    const rolledBack = await rollBack(fs, target, original, mode, backup)
    throw new SafeWriteError(
      'verify-failed',
      `${named} failed verification after writing: ${problem}`,
      rolledBack,
      backup,
    )
  }

  await pruneBackups(fs, join(backupDir, basename(path)), options.keepBackups ?? 5)
  return backup ? { backup } : {}
}

/**
 * Writes `path` afresh with `mode` from its creation on (a leftover of a crashed run is removed first);
 * then sets `mode` exactly, since the umask may have narrowed it.
 */
async function createReplacing(fs: SafeWriteFs, path: string, data: string | Buffer, mode: number) {
  await fs.unlink(path).catch(() => undefined)
  await fs.createFile(path, data, mode)
  await fs.chmod(path, mode)
}

async function prepareBackupDir(fs: SafeWriteFs, dir: string): Promise<void> {
  await fs.mkdir(dir, { recursive: true, mode: 0o700 })
  await fs.createFile(join(dir, '.gitignore'), '*\n', 0o644).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'EEXIST') throw err
  })
}

/** Backs up `original` as `<file>.orchestrator-<stamp>[-n].bak` (`file` names its folder), mode 0600. */
async function makeBackup(fs: SafeWriteFs, file: string, original: Buffer, now: Date): Promise<string> {
  const base = `${file}.orchestrator-${stampOf(now)}`
  for (let n = 0; ; n++) {
    const candidate = `${base}${n ? `-${n}` : ''}.bak`
    try {
      await fs.createFile(candidate, original, PRIVATE)
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
  mode: number | undefined,
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
    await createReplacing(fs, temp, backup ? await fs.readFile(backup) : original, mode ?? PRIVATE)
    await fs.rename(temp, path)
    return (await fs.readFile(path)).equals(original)
  } catch {
    return false
  }
}

/** Keeps the newest `keep` backups of `file` (a path in the backup folder). */
async function pruneBackups(fs: SafeWriteFs, file: string, keep: number): Promise<void> {
  const pattern = backupPattern(file)
  try {
    const age = (name: string) => {
      const m = pattern.exec(name) as RegExpExecArray
      return `${m[1]}.${(m[2] ?? '-0').slice(1).padStart(4, '0')}`
    }
    const names = (await fs.readdir(dirname(file)))
      .filter((n) => pattern.test(n))
      .sort((a, b) => (age(a) < age(b) ? -1 : 1))
    for (const name of names.slice(0, Math.max(0, names.length - keep)))
      await fs.unlink(join(dirname(file), name)).catch(() => undefined)
  } catch {
    // Pruning is housekeeping: a failure here must not fail a successful write.
  }
}
