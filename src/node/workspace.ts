import { spawn } from 'node:child_process'
import { readdir, readFile, stat } from 'node:fs/promises'
import { basename, dirname, join, resolve as resolvePath } from 'node:path'
import type { Ownership } from '../engine/protocol/ownership'
import type { CheckResult, LineCounts, WorkspaceBase, WorkspacePort } from '../engine/ports'
import { captureGitBase, linesSinceBase } from './git-base'
import { clearOwnership, writeOwnership } from '../plugin/ownership'
import type { ProcessRegistry } from './process-registry'
import { endTree, GROUP_TAG_ENV, newGroupTag, signalTree } from './process-tree'

/** `.`, or `..` repeated: the folders `readFile` may read. */
const PARENT_FOLDER = /^(?:\.|\.\.(?:\/\.\.)*)$/

/** Keeps this much of a check command's output in memory (the journal keeps a smaller tail). */
const OUTPUT_KEEP = 64 * 1024
/** Between SIGTERM and SIGKILL when a check is stopped, times out or its mission is disposed. */
export const CHECK_KILL_GRACE_MS = 2_000

/**
 * The workspace on the local disk: the check command (its own process group, ended whole on stop,
 * timeout, dispose or exit), the ownership file, the listing.
 */
export class NodeWorkspace implements WorkspacePort {
  constructor(
    private readonly dir: string,
    private readonly env: NodeJS.ProcessEnv = process.env,
    /** Records the check's process group, so a run that dies leaves it to the next to end. */
    private readonly processes?: ProcessRegistry,
  ) {}

  get directory(): string {
    return this.dir
  }

  captureBase(options: { signal?: AbortSignal } = {}): Promise<WorkspaceBase> {
    return captureGitBase(this.dir, this.env, options)
  }

  linesSinceBase(
    base: Extract<WorkspaceBase, { kind: 'git' }>,
    paths: readonly string[],
  ): Promise<LineCounts> {
    return linesSinceBase(this.dir, base, paths, this.env)
  }

  runCheck(
    command: string,
    options: { timeoutMs: number; signal: AbortSignal; cwd?: string },
  ): Promise<CheckResult> {
    const started = Date.now()
    return new Promise((resolve) => {
      const tag = newGroupTag()
      const child = spawn(command, {
        cwd: options.cwd === undefined ? this.dir : resolvePath(this.dir, options.cwd),
        env: { ...this.env, [GROUP_TAG_ENV]: tag },
        shell: true,
        detached: true,
        windowsHide: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      const pid = child.pid
      if (pid !== undefined) this.processes?.add('check', pid, tag)
      const exited = new Promise<void>((r) => child.once('exit', () => r()))
      // A host that exits without ending the check (process.exit, an uncaught error) takes it along.
      const onHostExit = () => {
        if (pid !== undefined) signalTree(pid, 'SIGKILL', tag)
        this.processes?.remove(tag)
      }
      process.once('exit', onHostExit)
      let output = ''
      const keep = (d: Buffer) => {
        output = (output + d.toString()).slice(-OUTPUT_KEEP)
      }
      child.stdout?.on('data', keep)
      child.stderr?.on('data', keep)
      let timedOut = false
      let ending: Promise<unknown> | undefined
      const end = () => {
        if (pid === undefined) return
        const running = child.exitCode === null && child.signalCode === null
        ending ??= endTree(pid, { exited, running, graceMs: CHECK_KILL_GRACE_MS, tag })
      }
      const timer = setTimeout(() => {
        timedOut = true
        end()
      }, options.timeoutMs)
      options.signal.addEventListener('abort', end, { once: true })
      if (options.signal.aborted) end()
      let finished = false
      const done = (exitCode: number | null, extra = '') => {
        if (finished) return
        finished = true
        clearTimeout(timer)
        options.signal.removeEventListener('abort', end)
        process.off('exit', onHostExit)
        this.processes?.remove(tag)
        resolve({ exitCode, durationMs: Date.now() - started, output: output + extra, timedOut })
      }
      child.once('error', (err) => done(null, `\n${err.message}`))
      // 'exit', not 'close': a background process the check left behind keeps the pipes open. It is
      // ended with the rest of the tree, and its pipes are let go.
      child.once('exit', (code) => {
        const finish = () => {
          if (pid !== undefined) signalTree(pid, 'SIGKILL', tag)
          child.stdout?.destroy()
          child.stderr?.destroy()
          done(code)
        }
        // Let the pipes drain what was already written, but do not wait for leftovers to exit.
        const grace = setTimeout(finish, 200)
        child.once('close', () => {
          clearTimeout(grace)
          finish()
        })
      })
    })
  }

  async publishOwnership(ownership: Ownership | undefined, missionId: string): Promise<void> {
    if (ownership) await writeOwnership(this.dir, ownership)
    else await clearOwnership(this.dir, missionId)
  }

  /**
   * A top-level file of the workspace, or of a folder above it (`..`, `../..`); undefined when it is
   * missing or not a readable file.
   */
  async readFile(name: string, folder = '.'): Promise<string | undefined> {
    if (basename(name) !== name) throw new Error(`readFile takes a top-level file name, got "${name}"`)
    if (!PARENT_FOLDER.test(folder))
      throw new Error(`readFile reads the workspace or a folder above it, got "${folder}"`)
    return readFile(join(this.dir, folder, name), 'utf8').catch(() => undefined)
  }

  /** Folders from the workspace up to the nearest one holding `.git` (a folder, or a worktree's file). */
  async repositoryDepth(): Promise<number | undefined> {
    let dir = resolvePath(this.dir)
    for (let depth = 0; ; depth++) {
      if (
        await stat(join(dir, '.git')).then(
          () => true,
          () => false,
        )
      )
        return depth
      const up = dirname(dir)
      if (up === dir) return undefined
      dir = up
    }
  }

  async listFiles(): Promise<string[]> {
    const entries = await readdir(this.dir, { withFileTypes: true })
    return entries
      .filter((e) => !e.name.startsWith('.') && e.name !== 'node_modules')
      .map((e) => (e.isDirectory() ? `${e.name}/` : e.name))
      .sort()
  }
}
