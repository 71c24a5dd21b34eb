// Worktree mode's end on the host: a mission that left its changes for the user (applyChanges: ask)
// keeps its integration branch; this holds what it changed and carries out the user's choice: apply
// everything or file by file (a file the user changed since the start is left and listed), keep the
// branch, or discard it. Each decision is journaled, with a fresh summary, so the mission's record and
// the history say how it closed.

import { lstat } from 'node:fs/promises'
import { join } from 'node:path'
import type * as vscode from 'vscode'
import { MissionJournal } from '../engine/record/journal'
import { summarizeMission } from '../engine/record/mission-summary'
import type { IsolationClosed } from '../engine/record/entries'
import type { MissionState } from '../engine/record/mission-state'
import { systemClock, type Logger } from '../engine/ports'
import { Emitter } from '../engine/util/emitter'
import { errorMessage } from '../engine/util/error-message'
import { git, lines } from '../node/git-run'
import { GitWorktrees } from '../node/git-worktrees'
import { JournalFile } from '../node/journal-file'
import { worktreeRoot } from '../node/mission-worktrees'
import type { ChangesView } from '../shared/protocol'
import { remaining } from '../shared/changes-words'
import { changedFiles } from './changes-words'

/** One mission's changes, with what the host needs to act on them. */
export interface MissionChangeSet {
  missionId: string
  /** The workspace folder the mission worked in. */
  dir: string
  /** Where the folder sits in the repository (`''` at its top, else ending in `/`). */
  prefix: string
  /** The commit of the mission's base, and the integration branch's tip when the changes were read. */
  baseCommit: string
  tip: string
  todos: MissionState['todos']
  view: ChangesView
}

export class MissionChanges implements vscode.Disposable {
  #set: MissionChangeSet | undefined
  #worktrees: GitWorktrees | undefined
  readonly changes = new Emitter<ChangesView>()

  constructor(
    private readonly log: Logger,
    /** The journal file of a mission. */
    private readonly journalPath: (missionId: string) => string,
  ) {}

  /** The changes of mission `missionId`, when it left them for the user. */
  of(missionId: string | undefined): MissionChangeSet | undefined {
    return missionId !== undefined && this.#set?.missionId === missionId ? this.#set : undefined
  }

  /**
   * A mission ended: when it left its changes for the user, they are read (what changed since the
   * base, on which branch, into which folder) and returned. Undefined otherwise, or when the branch
   * cannot be read (logged).
   */
  async ended(final: MissionState, dir: string, folder: string): Promise<MissionChangeSet | undefined> {
    const isolation = final.isolation
    if (isolation?.mode !== 'worktree' || !isolation.closed?.pending) return undefined
    try {
      const env = process.env
      const worktrees = await GitWorktrees.load({
        repoDir: dir,
        root: worktreeRoot(dir, env),
        missionId: final.id,
        env,
      })
      const [changes, head, prefix, tip] = await Promise.all([
        worktrees.changes(),
        git(dir, ['symbolic-ref', '--short', '-q', 'HEAD'], env),
        git(dir, ['rev-parse', '--show-prefix'], env),
        git(dir, ['rev-parse', '--verify', `${worktrees.integrationBranch}^{commit}`], env),
      ])
      if (tip.code !== 0) throw new Error(`${worktrees.integrationBranch} is gone: ${tip.stderr.trim()}`)
      const userBranch = head.code === 0 ? head.stdout.toString().trim() : ''
      const at = tip.stdout.toString().trim()
      const done = await alreadyApplied(
        dir,
        at,
        changes.map((c) => c.path),
        env,
      ).catch((err: unknown) => {
        this.log.warn(`the files already applied were not told apart: ${errorMessage(err)}`)
        return new Set<string>()
      })
      this.#worktrees = worktrees
      this.#set = {
        missionId: final.id,
        dir,
        prefix: prefix.stdout.toString().trim(),
        baseCommit: isolation.baseCommit,
        tip: at,
        todos: final.todos,
        view: {
          branch: worktrees.integrationBranch,
          target: { folder, ...(userBranch && { branch: userBranch }) },
          files: changedFiles(final.todos, changes).map((f) =>
            done.has(f.path) ? { ...f, fate: 'applied' as const } : f,
          ),
          status: 'pending',
        },
      }
      this.changes.emit(this.#set.view)
      return this.#set
    } catch (err) {
      this.log.error(`the mission's changes could not be read: ${errorMessage(err)}`)
      return undefined
    }
  }

  /**
   * Writes the branch's version of `paths` (every file still to apply when absent) into the folder; a
   * file the user changed since the mission started is left and listed. Once no file is left to
   * apply the branch goes, unless a file was left: then it stays for the merge.
   */
  apply(paths?: readonly string[]): Promise<ChangesView | undefined> {
    return this.#act(async (set, worktrees) => {
      const open = remaining(set.view).map((f) => f.path)
      const wanted = paths ? paths.filter((p) => open.includes(p)) : open
      if (set.view.status !== 'pending') return set.view
      // Apply with nothing left (every file was already in the folder, see alreadyApplied) closes them.
      if (wanted.length === 0 && (paths !== undefined || open.length > 0)) return set.view
      const { applied, skipped } = wanted.length
        ? await worktrees.apply(wanted)
        : { applied: [], skipped: [] }
      const fate = new Map<string, 'applied' | 'skipped'>([
        ...applied.map((p) => [p, 'applied'] as const),
        ...skipped.map((p) => [p, 'skipped'] as const),
      ])
      let view: ChangesView = {
        ...set.view,
        files: set.view.files.map((f) => {
          const now = fate.get(f.path)
          return now ? { ...f, fate: now } : f
        }),
      }
      this.log.info(
        `applied ${applied.join(', ') || 'nothing'}${skipped.length ? `; left ${skipped.join(', ')}` : ''}`,
      )
      if (remaining(view).length === 0) {
        const left = view.files.some((f) => f.fate === 'skipped')
        if (!left) await worktrees.close()
        view = { ...view, status: left ? 'partial' : 'applied' }
        await this.#journal(set.missionId, view)
      }
      return view
    })
  }

  /** Leaves the branch for the user to merge; nothing more is removed. */
  keep(): Promise<ChangesView | undefined> {
    return this.#act(async (set) => {
      if (set.view.status !== 'pending') return set.view
      const view: ChangesView = { ...set.view, status: 'kept' }
      await this.#journal(set.missionId, view)
      return view
    })
  }

  /** Removes the branch: what was not applied is gone. */
  discard(): Promise<ChangesView | undefined> {
    return this.#act(async (set, worktrees) => {
      if (set.view.status === 'applied' || set.view.status === 'discarded') return set.view
      await worktrees.close()
      const view: ChangesView = { ...set.view, status: 'discarded' }
      await this.#journal(set.missionId, view)
      return view
    })
  }

  /** Runs one action at a time on the current changes; a failure is kept in the view and logged. */
  async #act(
    fn: (set: MissionChangeSet, worktrees: GitWorktrees) => Promise<ChangesView>,
  ): Promise<ChangesView | undefined> {
    const set = this.#set
    const worktrees = this.#worktrees
    if (!set || !worktrees || set.view.busy) return undefined
    const { error: _error, ...idle } = set.view
    this.#show(set, { ...idle, busy: true })
    let view: ChangesView
    try {
      view = await fn(set, worktrees)
    } catch (err) {
      const error = errorMessage(err)
      this.log.error(`the mission's changes: ${error}`)
      view = { ...idle, error }
    }
    const { busy: _busy, ...done } = view
    this.#show(set, done)
    return done
  }

  #show(set: MissionChangeSet, view: ChangesView): void {
    set.view = view
    if (this.#set === set) this.changes.emit(view)
  }

  /** The decision as the mission's record keeps it: what reached the folder, what was left, what stays. */
  async #journal(missionId: string, view: ChangesView): Promise<void> {
    const closed: IsolationClosed = {
      applied: view.files.filter((f) => f.fate === 'applied').map((f) => f.path),
      skipped: view.files.filter((f) => f.fate === 'skipped').map((f) => f.path),
      ...((view.status === 'kept' || view.status === 'partial') && { keptBranch: view.branch }),
    }
    try {
      const { journal } = await MissionJournal.open({
        store: new JournalFile(this.journalPath(missionId), { logger: this.log }),
        clock: systemClock,
      })
      await journal.append({ type: 'isolation.closed', ...closed })
      // The history lists a mission from its last summary: a fresh one says how the changes closed.
      const snap = journal.snapshot()
      if (snap.status !== 'new' && snap.status !== 'running' && snap.endedAt !== undefined)
        await journal.append({
          type: 'mission.summary',
          summary: summarizeMission(snap, {
            status: snap.status,
            reason: snap.reason ?? '',
            at: snap.endedAt,
          }),
        })
    } catch (err) {
      this.log.warn(`the mission's journal does not record how its changes closed: ${errorMessage(err)}`)
    }
  }

  dispose(): void {
    this.changes.clear()
  }
}

/**
 * The changed files (paths from the repository's top) the folder already holds as the branch `tip`
 * has them: applied one by one in an earlier window, before a reload. They count as applied (else
 * Apply would take them for files the user changed).
 */
async function alreadyApplied(
  dir: string,
  tip: string,
  paths: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<Set<string>> {
  const done = new Set<string>()
  if (paths.length === 0) return done
  const literal = { ...env, GIT_LITERAL_PATHSPECS: '1' }
  const top = (await git(dir, ['rev-parse', '--show-toplevel'], env)).stdout.toString().trim()
  const tree = await git(dir, ['ls-tree', '-z', '--full-tree', tip, '--', ...paths], literal)
  if (!top || tree.code !== 0) return done
  // Blob ids of the branch's files; a link's is empty: Apply leaves links to the user.
  const onBranch = new Map<string, string>()
  for (const line of lines(tree.stdout, '\0')) {
    const tab = line.indexOf('\t')
    const [mode = '', , blob = ''] = line.slice(0, tab).split(' ')
    onBranch.set(line.slice(tab + 1), mode === '120000' ? '' : blob)
  }
  const files = await Promise.all(
    paths.map(async (p) => ({ p, stat: await lstat(join(top, p)).catch(() => undefined) })),
  )
  // A file the branch deletes is applied once it is gone from the folder.
  for (const { p, stat } of files) if (!stat && !onBranch.has(p)) done.add(p)
  const present = files.filter((f) => f.stat?.isFile() && onBranch.get(f.p)).map((f) => f.p)
  if (present.length === 0) return done
  const hashed = await git(top, ['hash-object', '--', ...present], env)
  if (hashed.code !== 0) return done
  lines(hashed.stdout).forEach((blob, i) => {
    const p = present[i]
    if (p !== undefined && onBranch.get(p) === blob.trim()) done.add(p)
  })
  return done
}
