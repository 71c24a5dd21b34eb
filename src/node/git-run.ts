// One git call, bounded: a process group of its own, a time limit, Stop, and a cap on its output.

import { spawn } from 'node:child_process'
import { signalTree } from './process-tree'

/** Bound of every git call; one that takes longer is ended and fails. */
export const GIT_TIMEOUT_MS = 60_000

export const megabytes = (bytes: number) => `${(bytes / (1024 * 1024)).toFixed(1)} MB`

/** Output of one git call kept at most (a file's content at the base, a diff's names). */
const GIT_OUTPUT_MAX_BYTES = 64 * 1024 * 1024

/** Bounds of the git calls: a time limit each, and Stop (the signal) ends the one running. */
export interface GitLimits {
  signal?: AbortSignal
  /** Default: {@link GIT_TIMEOUT_MS}. */
  timeoutMs?: number
  /** Untracked files larger than this are left out of a base capture (default 5 MiB). */
  maxFileBytes?: number
}

export interface GitResult {
  code: number
  stdout: Buffer
  stderr: string
}

/**
 * One git call in a process group of its own: on timeout or Stop the whole group is killed (a clean
 * filter or hook that git started too), and the call fails with a message saying which.
 */
export function git(
  dir: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
  limits: GitLimits = {},
): Promise<GitResult> {
  const timeoutMs = limits.timeoutMs ?? GIT_TIMEOUT_MS
  const name = `git ${args[0] ?? ''}`
  const signal = limits.signal
  return new Promise((done, fail) => {
    if (signal?.aborted) return fail(new Error(`${name} was not run: the mission was stopped`))
    const child = spawn('git', ['--no-optional-locks', ...args], {
      cwd: dir,
      env,
      detached: true,
      windowsHide: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const out: Buffer[] = []
    let err = ''
    let size = 0
    child.stdout.on('data', (d: Buffer) => {
      out.push(d)
      size += d.length
      if (size > GIT_OUTPUT_MAX_BYTES) end(`${name} printed more than ${megabytes(GIT_OUTPUT_MAX_BYTES)}`)
    })
    child.stderr.on('data', (d: Buffer) => (err = (err + d.toString('utf8')).slice(-16_000)))
    let ended: string | undefined
    const end = (why: string) => {
      ended ??= why
      if (child.pid !== undefined) signalTree(child.pid, 'SIGKILL')
      // A grandchild holding the pipes must not keep the call open.
      child.stdout.destroy()
      child.stderr.destroy()
      finish(null)
    }
    const timer = setTimeout(() => end(`${name} did not finish within ${timeoutMs / 1000} s`), timeoutMs)
    const onAbort = () => end(`${name} was ended: the mission was stopped`)
    signal?.addEventListener('abort', onAbort, { once: true })
    let settled = false
    const finish = (code: number | null, spawnError?: Error) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      signal?.removeEventListener('abort', onAbort)
      if (ended) fail(new Error(ended))
      else if (spawnError) fail(new Error(`git could not be run: ${spawnError.message}`))
      else done({ code: code ?? 1, stdout: Buffer.concat(out), stderr: err })
    }
    child.once('error', (e) => finish(null, e))
    child.once('close', (code) => finish(code))
  })
}

export const lines = (b: Buffer, sep = '\n') =>
  b
    .toString('utf8')
    .split(sep)
    .filter((l) => l !== '')

/**
 * Puts `git diff --numstat -z` output ("<added>\t<removed>\t<path>\0"…) on the changes of those paths;
 * a binary file ("-\t-") gets no counts.
 */
export function addLineCounts(
  changes: ReadonlyMap<string, { added?: number; removed?: number }>,
  numstat: Buffer,
): void {
  for (const line of lines(numstat, '\0')) {
    const [added, removed, path] = line.split('\t')
    const change = path !== undefined ? changes.get(path) : undefined
    if (change && added !== '-' && removed !== '-')
      Object.assign(change, { added: Number(added), removed: Number(removed) })
  }
}
