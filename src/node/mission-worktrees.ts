// The worktrees of one mission, as a host makes them: under a folder of the user's cache (outside
// the user's tree), one per project folder, tidied of what earlier missions left there; with the
// project's setup command run once in each new todo folder.

import { createHash } from 'node:crypto'
import { mkdirSync, realpathSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import type { Logger, WorkspacePort } from '../engine/ports'
import { errorMessage } from '../engine/util/error-message'
import { excerpt } from '../engine/util/excerpt'
import { git } from './git-run'
import { GitWorktrees } from './git-worktrees'

export interface MissionWorktreesOptions {
  /** The project folder (inside a git repository). */
  directory: string
  missionId: string
  env: NodeJS.ProcessEnv
  logger: Logger
  /** A command run once in each new todo folder (`orchestrator.worktreeSetup`, `--worktree-setup`). */
  setup?: string
  /** Runs the setup command (through the host's process registry, ended with the host). */
  workspace?: Pick<WorkspacePort, 'runCheck'>
  /** Bound on one run of the setup command. Default: 10 minutes. */
  setupTimeoutMs?: number
  /**
   * Readies a todo folder as soon as it is made, while the planner plans (the host's OpenCode
   * instance for that folder: `Supervisor.readyFolder`).
   */
  readyFolder?: (dir: string) => Promise<void>
}

/**
 * The mission's worktrees, or undefined when the folder is not in a git repository (the mission
 * then runs shared and says so). What missions no longer running left under the same folder goes first.
 */
export async function missionWorktrees(options: MissionWorktreesOptions): Promise<GitWorktrees | undefined> {
  const { directory, env, logger } = options
  const top = await git(directory, ['rev-parse', '--show-toplevel'], env)
  if (top.code !== 0) return undefined
  const root = worktreeRoot(directory, env)
  const swept = await GitWorktrees.sweep(
    { repoDir: directory, root, env },
    new Set([options.missionId]),
  ).catch((err: unknown) => {
    logger.warn(`earlier missions' worktrees not tidied: ${errorMessage(err)}`)
    return []
  })
  if (swept.length) logger.info(`removed worktrees earlier missions left: ${swept.join(', ')}`)
  const { setup, workspace, readyFolder } = options
  return GitWorktrees.load({
    repoDir: directory,
    root,
    missionId: options.missionId,
    env,
    ...(readyFolder && { onFolder: oneAfterAnother(readyFolder) }),
    ...(setup && workspace && { setup: (dir: string) => runSetup(setup, dir, workspace, options) }),
  })
}

/**
 * Readies folders one after another, in the order they were made (the order todos take them): a
 * folder's readying is mostly the server's CPU, so readying several at once makes each take longer
 * and the first todo wait for all of them. A folder the plan turned out not to need is skipped when
 * its turn comes: readying it would take the server's time from the todos at work.
 */
export function oneAfterAnother(
  ready: (dir: string) => Promise<void>,
): (dir: string, wanted: () => boolean) => void {
  let last: Promise<void> = Promise.resolve()
  return (dir, wanted) => {
    last = last.then(() => (wanted() ? ready(dir) : undefined)).catch(() => undefined)
  }
}

/** `<cache>/opencode-orchestrator/worktrees/<hash of the folder>`, made, with its links resolved. */
export function worktreeRoot(directory: string, env: NodeJS.ProcessEnv): string {
  const cache = env.XDG_CACHE_HOME || join(env.HOME || homedir(), '.cache')
  const key = createHash('sha256').update(realpathSync(directory)).digest('hex').slice(0, 16)
  const root = join(cache, 'opencode-orchestrator', 'worktrees', key)
  mkdirSync(root, { recursive: true })
  return realpathSync(root)
}

async function runSetup(
  command: string,
  dir: string,
  workspace: Pick<WorkspacePort, 'runCheck'>,
  options: MissionWorktreesOptions,
): Promise<void> {
  options.logger.info(`worktree setup in ${dir}: ${command}`)
  const result = await workspace.runCheck(command, {
    timeoutMs: options.setupTimeoutMs ?? 600_000,
    signal: new AbortController().signal,
    cwd: dir,
  })
  if (result.exitCode !== 0)
    throw new Error(
      `the worktree setup command failed (${result.timedOut ? 'timed out' : `exit ${String(result.exitCode)}`}) in ${dir}: ${excerpt(result.output.trim(), 400)}`,
    )
}
