// Worktree isolation in plain git: the mission's integration branch starts at a commit of the base
// tree (the user's working state, uncommitted and untracked files included), each todo works in a
// worktree of its own branch, and only merges reach the integration branch. OpenCode's experimental
// worktree API branches from the last commit (no uncommitted work) and has no merge, so it is not used.

import { existsSync, statSync } from 'node:fs'
import {
  appendFile,
  copyFile,
  mkdir,
  readdir,
  readFile,
  rm,
  rmdir,
  symlink,
  writeFile,
} from 'node:fs/promises'
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path'
import type { WorktreeChange, WorktreeMerge, WorktreePort } from '../engine/ports'
import { isObjectId } from '../engine/record/diff-target'
import { linkedGitDir, WORKTREE_PROJECT_FILE } from '../engine/protocol/ownership'
import { configFolders, INSTALL_FILES, installComplete } from './config-folder-install'
import { applyFiles, changesBetween, type GitMust } from './git-apply'
import { INTEGRATION, namePart } from './worktree-names'
import { git, lines, type GitLimits, type GitResult } from './git-run'

/** Top-level folders a worktree borrows from the user's tree (by a link) when the project ignores them. */
export const DEPENDENCY_FOLDERS = ['node_modules', '.venv', 'venv', 'vendor', 'bower_components', '.bundle']

/** The committer of the mission's own commits; the user's identity and hooks are not needed for them. */
const IDENTITY = [
  '-c',
  'user.name=OpenCode Orchestrator',
  '-c',
  'user.email=orchestrator@localhost',
  '-c',
  'commit.gpgsign=false',
]

/** Conflicting files whose marked regions a worker's brief shows, and the characters kept of each. */
const MAX_HUNK_FILES = 5
const MAX_HUNK_CHARS = 1_200

/** The regions git marked in a conflicting file (`<<<<<<<` to `>>>>>>>`), the first ones, bounded. */
export function markedRegions(text: string): string {
  const regions: string[] = []
  let open: string[] | undefined
  for (const line of text.split('\n')) {
    if (line.startsWith('<<<<<<< ')) open = [line]
    else if (open) {
      open.push(line)
      if (line.startsWith('>>>>>>> ')) {
        regions.push(open.join('\n'))
        open = undefined
      }
    }
  }
  const joined = regions.join('\n…\n')
  return joined.length > MAX_HUNK_CHARS ? `${joined.slice(0, MAX_HUNK_CHARS)}\n… (cut)` : joined
}

export interface GitWorktreesOptions {
  /** The user's folder (inside the repository). */
  repoDir: string
  /**
   * Where the mission's folders go (`<root>/_folders/…`), outside the user's tree: one root per user's
   * folder, whose missions run one at a time (the project lock).
   */
  root: string
  missionId: string
  env?: NodeJS.ProcessEnv
  limits?: GitLimits
  /** Runs once in each new todo folder, after the dependency folders are linked (a setup command). */
  setup?: (dir: string) => Promise<void>
  /**
   * Told of each todo folder as soon as it is made (before any todo takes it), so that the host can
   * ready what works there (its OpenCode instance) while the planner plans. Not awaited. `wanted`,
   * asked when the host comes to it: whether a todo holds the folder or the plan may still need it
   * (`expectAtOnce`).
   */
  onFolder?: (dir: string, wanted: () => boolean) => void
}

/**
 * A folder todos work in, one after another: a worktree made once (links, setup) that a todo takes
 * by checking out its branch, and hands on once its work is merged or discarded. Reusing folders
 * keeps what a host readied there (an OpenCode instance boots per folder, and its first prompt there
 * pays for more) and bounds how many there are.
 */
interface Folder {
  /** The worktree's top folder. */
  top: string
  /** The todo (its branch's name part) whose branch the folder holds; none while free. */
  holder?: string
  /** The holder's work is merged: the next todo may take the folder. */
  spent: boolean
  /** A todo worked here (or may have: a resumed host's folder): the next one's checkout is cleaned. */
  used: boolean
  /**
   * Where the holder's branch and the integration branch meet, while known (set when the branch is
   * made or committed to, forgotten when the integration branch is merged into it).
   */
  from?: string
  /** Settles once the worktree is added (what `close` waits for before it removes folders). */
  made: Promise<unknown>
  /** Settles once the folder is made (worktree, links, setup); a failure is the taker's to report. */
  ready: Promise<void>
  /**
   * The git work on the folder's checkout (a todo taking it, a discard putting it back), one after
   * another: a todo that takes a folder being put back waits for that, not races it.
   */
  ops: Promise<unknown>
}

/** Folders made ahead at most, whatever the caps (which may be unbounded). */
export const MAX_FOLDERS_AHEAD = 8

/**
 * The folder under the root that holds the running mission's worktrees: the same paths for every
 * mission of the user's folder, so that what a host readied for a path (OpenCode keeps an instance
 * per folder path, and booting one costs about a second and a half of the server's only thread)
 * serves the next mission too. A name no mission id becomes (`namePart` never starts with `_`):
 * other folders under the root are missions' of an earlier layout (`<root>/<mission>/…`).
 */
export const FOLDERS = '_folders'

/** A file in a worktree's own git folder naming the mission (its `namePart`) the worktree is of. */
export const WORKTREE_MISSION_FILE = 'orchestrator-mission'

/**
 * The mission (its `namePart`) whose worktree is at `top`, from the mark in the worktree's own git
 * folder; undefined for a folder that is no worktree, or one whose making was cut off before its mark.
 */
export async function worktreeMission(top: string): Promise<string | undefined> {
  const gitDir = await worktreeGitDir(top)
  if (!gitDir) return undefined
  return (await readFile(join(gitDir, WORKTREE_MISSION_FILE), 'utf8').catch(() => '')).trim() || undefined
}

/** A linked worktree's own git folder, from the `.git` file at its top; undefined when there is none. */
async function worktreeGitDir(top: string): Promise<string | undefined> {
  const dotGit = await readFile(join(top, '.git'), 'utf8').catch(() => '')
  const gitDir = linkedGitDir(dotGit)
  return gitDir ? resolve(top, gitDir) : undefined
}

export class GitWorktrees implements WorktreePort {
  readonly #o: GitWorktreesOptions
  readonly #prefix: string
  /** Per folder, the dependency folders linked into it (excluded from git, unlinked before removal). */
  readonly #linked = new Map<string, string[]>()
  /** Merges into the integration folder and writes of the shared exclude file, one at a time. */
  #serial: Promise<unknown> = Promise.resolve()
  /** Where the user's folder sits in the repository (`''` at its top; `/`-separated). */
  #within = ''
  /** The mission's folders that exist (each as the user's folder within it). */
  readonly #open = new Set<string>()
  /** The todos' folders, made ahead or on demand, each held by one todo at a time. */
  #folders: Folder[] = []
  /** Names of the todo folders made so far (`<mission>/todos/<n>`). */
  #made = 0
  /** Set by `close`: no folder is made after it. */
  #closed = false
  /** How many todos the plan lets work at once (`expectAtOnce`): free folders beyond are not wanted. */
  #atOnce = Infinity
  /** Where this mission's folders are, when not `<root>/_folders` (a mission of the layout before). */
  #home: string | undefined
  /**
   * What every folder's making asks of the user's tree, asked once per mission: its top, what it
   * ignores, where its exclude file is, and git's list of worktrees pruned (a folder removed without
   * git is forgotten before a path is added again).
   */
  readonly #once = new Map<string, Promise<unknown>>()

  constructor(options: GitWorktreesOptions) {
    this.#o = options
    this.#prefix = `orchestrator/${namePart(options.missionId)}`
  }

  /** Whether the worktree at `top` is this mission's (its mark names it). */
  async #mine(top: string): Promise<boolean> {
    return (await worktreeMission(top)) === namePart(this.#o.missionId)
  }

  /**
   * The mission's worktrees, with the folders it already has (a resumed mission's) known: the ones
   * `folders()` lists from the start.
   */
  static async load(options: GitWorktreesOptions): Promise<GitWorktrees> {
    const w = new GitWorktrees(options)
    const prefix = await w.#must(options.repoDir, ['rev-parse', '--show-prefix'])
    w.#within = prefix.stdout.toString().trim().replace(/\/$/, '')
    await w.#adoptOlderLayout()
    if (await w.#mine(w.integrationDir)) w.#open.add(w.#inside(w.integrationDir))
    const todos = join(w.#missionRoot, 'todos')
    const names = await readdir(todos).catch(() => [] as string[])
    // A folder whose todo's work is merged goes to the next todo, as before the host stopped.
    const merged = names.length ? await w.#mergedTips() : new Set<string>()
    for (const name of names) {
      const top = join(todos, name)
      if (!(await w.#mine(top))) continue // another mission's (the sweep's to remove), or half made
      // The todo whose branch the folder holds (a detached folder is free).
      const head = await w.#run(top, ['symbolic-ref', '-q', '--short', 'HEAD'])
      const branch = head.code === 0 ? head.stdout.toString().trim() : ''
      const holder = branch.startsWith(`${w.#prefix}/`) ? branch.slice(w.#prefix.length + 1) : undefined
      const done = Promise.resolve()
      const spent = holder !== undefined && merged.has(await w.#tip(top))
      w.#folders.push({
        top,
        ...(holder && { holder }),
        spent,
        used: true,
        made: done,
        ready: done,
        ops: done,
      })
      w.#made = Math.max(w.#made, Number(name) || 0)
      w.#open.add(w.#inside(top))
    }
    return w
  }

  /**
   * The folders the mission's agents and check work in, as they stand for the user's folder: read at
   * every event by the event stream that passes on their sessions' events.
   */
  folders(): ReadonlySet<string> {
    return this.#open
  }

  /** The folder standing for the user's folder in the worktree at `top`. */
  #inside(top: string): string {
    return this.#within ? join(top, ...this.#within.split('/')) : top
  }

  /**
   * Tidies what missions no longer running left behind (a crash, a killed host): every worktree under
   * `root` and every todo branch, but those of `keep` (mission ids). An integration branch that holds
   * merged work stays (nothing is lost; a resume of that mission goes on from it); one holding nothing
   * but the base goes. A branch that only looks like one of ours is never touched. Returns the
   * missions tidied.
   */
  static async sweep(
    options: Omit<GitWorktreesOptions, 'missionId' | 'setup'>,
    keep: ReadonlySet<string>,
  ): Promise<string[]> {
    const kept = new Set([...keep].map(namePart))
    const run = (args: string[]) => git(options.repoDir, args, options.env, options.limits)
    const refs = await run(['for-each-ref', '--format=%(refname)', 'refs/heads/orchestrator/'])
    const branches = lines(refs.stdout).map((r) => r.split('/').slice(3))
    // Folders of the earlier layout, one per mission (`<root>/<mission>/…`).
    const older = (await readdir(options.root).catch(() => [] as string[])).filter((n) => n !== FOLDERS)
    // A mission with a worktree checked out outside this root runs for another folder of the repository.
    const listed = await run(['worktree', 'list', '--porcelain', '-z'])
    const elsewhere = new Set<string>()
    const here: { path: string; mission: string | undefined }[] = []
    let path = ''
    for (const field of lines(listed.stdout, '\0')) {
      if (field.startsWith('worktree ')) {
        path = field.slice('worktree '.length)
        if (within(options.root, path)) here.push({ path, mission: await worktreeMission(path) })
      }
      const mission = /^branch refs\/heads\/orchestrator\/([^/]+)\//.exec(field)?.[1]
      if (mission && !within(options.root, path)) elsewhere.add(mission)
    }
    const marked = here.flatMap((h) => (h.mission ? [h.mission] : []))
    const left = [...new Set([...branches.map((b) => b[0] ?? ''), ...older, ...marked])].filter(
      (m) => m !== '' && !kept.has(m) && !elsewhere.has(m),
    )
    const removed: string[] = []
    for (const missionId of left) {
      const hasFolder = older.includes(missionId) || marked.includes(missionId)
      const todoBranches = branches.filter((b) => b[0] === missionId && b.slice(1).join('/') !== INTEGRATION)
      const mission = new GitWorktrees({ ...options, missionId })
      // Branches alone are a mission's only when its integration branch holds a base commit of ours:
      // a user's own `orchestrator/…` branch is never touched.
      const base = await mission.#baseCommit().catch(() => undefined)
      if (!hasFolder && base === undefined) continue
      const tip = await mission.#run(options.repoDir, [
        'rev-parse',
        '-q',
        '--verify',
        mission.integrationBranch,
      ])
      const holdsWork = base !== undefined && tip.stdout.toString().trim() !== base
      // An integration branch alone that holds merged work was kept (by the user, or a closed mission).
      if (!hasFolder && todoBranches.length === 0 && holdsWork) continue
      await mission.close({ keepIntegration: holdsWork })
      removed.push(missionId)
    }
    // A worktree whose making was cut off before its mark is nobody's: it goes too.
    const unmarked = here.filter(
      (h) => h.mission === undefined && within(join(options.root, FOLDERS), h.path),
    )
    if (unmarked.length) {
      const tidy = new GitWorktrees({ ...options, missionId: '' })
      for (const h of unmarked) await tidy.#removeWorktree(h.path)
    }
    return removed
  }

  get integrationBranch(): string {
    return `${this.#prefix}/${INTEGRATION}`
  }

  branchOf(todoId: string): string {
    return `${this.#prefix}/${namePart(todoId)}`
  }

  /** The folder the todo's branch is checked out in (its top), if it holds one now. */
  dirOf(todoId: string): string | undefined {
    return this.#folderOf(todoId)?.top
  }

  #folderOf(todoId: string): Folder | undefined {
    const name = namePart(todoId)
    return this.#folders.find((f) => f.holder === name)
  }

  /** The top of the todo's folder; an error when it holds none (it was never opened, or discarded). */
  #topOf(todoId: string): string {
    const top = this.dirOf(todoId)
    if (!top) throw new Error(`todo ${todoId} has no worktree (open it first)`)
    return top
  }

  get integrationDir(): string {
    return join(this.#missionRoot, INTEGRATION)
  }

  get #missionRoot(): string {
    return this.#home ?? join(this.#o.root, FOLDERS)
  }

  /** The mission's own folder in the layout before this one (`<root>/<mission>/…`). */
  get #older(): string {
    return join(this.#o.root, namePart(this.#o.missionId))
  }

  /**
   * A mission resumed from the layout before this one keeps its folders there (its branches are
   * checked out in them, and a todo's work not yet committed is in them): they are marked as its own,
   * and its folders stay there until it closes.
   */
  async #adoptOlderLayout(): Promise<void> {
    const older = this.#older
    const tops = [
      join(older, INTEGRATION),
      ...(await readdir(join(older, 'todos')).catch(() => [] as string[])).map((n) =>
        join(older, 'todos', n),
      ),
    ]
    let found = false
    for (const top of tops) {
      const gitDir = await worktreeGitDir(top)
      if (!gitDir) continue
      await writeFile(join(gitDir, WORKTREE_MISSION_FILE), namePart(this.#o.missionId))
      found = true
    }
    if (found) this.#home = older
  }

  async prepare(
    baseTree: string,
    options: { folders?: number } = {},
  ): Promise<{ dir: string; branch: string; baseCommit: string }> {
    if (!isObjectId(baseTree)) throw new Error(`"${baseTree.slice(0, 80)}" is not a git object id`)
    const dir = this.integrationDir
    const branch = this.integrationBranch
    if (!(await this.#refs([branch])).has(branch)) {
      const head = await this.#run(this.#o.repoDir, ['rev-parse', '--verify', '-q', 'HEAD^{commit}'])
      const parent = head.code === 0 ? ['-p', head.stdout.toString().trim()] : []
      const made = await this.#must(this.#o.repoDir, [
        ...IDENTITY,
        'commit-tree',
        ...parent,
        '-m',
        this.#baseSubject,
        baseTree,
      ])
      await this.#must(this.#o.repoDir, ['branch', '--', branch, made.stdout.toString().trim()])
    }
    await this.#addWorktree(dir, branch)
    this.#open.add(this.#inside(dir))
    const ahead = Math.min(options.folders ?? 0, MAX_FOLDERS_AHEAD) - this.#folders.length
    for (let i = 0; i < ahead; i++) this.#newFolder()
    return { dir: this.#inside(dir), branch, baseCommit: await this.#baseCommit() }
  }

  expectAtOnce(todos: number): void {
    this.#atOnce = Math.max(1, todos)
  }

  /** A folder a todo holds, or one of the first the plan may use at once (they are taken in order). */
  #wanted(folder: Folder): boolean {
    const at = this.#folders.indexOf(folder)
    return !this.#closed && at !== -1 && (folder.holder !== undefined || at < this.#atOnce)
  }

  /**
   * A todo folder, made in the background (detached at the integration branch): its worktree, its
   * links, the setup command; the host is told of it at once. Folders are made one after another.
   */
  #newFolder(holder?: string): Folder {
    const top = join(this.#missionRoot, 'todos', String(++this.#made))
    const made = (async () => {
      if (this.#closed) throw new Error('the mission closed its worktrees')
      await this.#addWorktree(top, ['--detach', this.integrationBranch])
      this.#open.add(this.#inside(top))
      this.#o.onFolder?.(this.#inside(top), () => this.#wanted(folder))
    })()
    const ready = made.then(() => this.#o.setup?.(this.#inside(top)))
    ready.catch(() => undefined) // reported to the todo that takes the folder
    const folder: Folder = {
      top,
      ...(holder && { holder }),
      spent: false,
      used: false,
      made,
      ready,
      ops: ready,
    }
    this.#folders.push(folder)
    return folder
  }

  /**
   * Claims a folder for the todo, at once (before any await, so two opens never take the same one):
   * a free one the host readies (or readied); else one whose todo's work is merged (warm); else any
   * free one; else a new one.
   */
  #claim(name: string): Folder {
    const free = this.#folders.filter((f) => f.holder === undefined)
    const folder = free.find((f) => this.#wanted(f)) ?? this.#folders.find((f) => f.spent) ?? free[0]
    if (!folder) return this.#newFolder(name)
    folder.holder = name
    folder.spent = false
    folder.from = undefined
    return folder
  }

  async open(todoId: string): Promise<{ dir: string; branch: string; from: string }> {
    if (this.#closed) throw new Error(`the mission closed its worktrees: ${todoId} cannot be opened`)
    const name = namePart(todoId)
    const branch = this.branchOf(todoId)
    const held = this.#folderOf(todoId)
    if (held) {
      // Made, and switched to this todo's branch by the open that took it.
      await held.ops.catch(() => undefined)
      await held.ready
      if (existsSync(join(held.top, '.git')))
        return { dir: this.#inside(held.top), branch, from: held.from ?? (await this.#mergeBase(branch)) }
      this.#folders = this.#folders.filter((f) => f !== held) // lost: taken again below
    }
    const folder = this.#claim(name)
    try {
      // One git call tells whether the todo has its branch already and where the integration branch is.
      const refs = await this.#refs([branch, this.integrationBranch])
      const tip = refs.get(this.integrationBranch)
      if (!tip) throw new Error(`${this.integrationBranch} is gone`)
      const fresh = !refs.has(branch)
      await folder.ready
      // A new branch starts at the integration branch as it is now. What the folder's last todo left
      // that git does not track goes (ignored files, the linked dependency folders and what the setup
      // command made, stay); a folder no todo worked in has nothing to clean but the setup's.
      await this.#onFolder(folder, async () => {
        await this.#must(folder.top, [
          'checkout',
          '-q',
          '-f',
          ...(fresh ? ['-b', branch, tip] : [branch]),
          '--',
        ])
        if (folder.used || this.#o.setup) await this.#must(folder.top, ['clean', '-q', '-f', '-f', '-d'])
        folder.used = true
      })
      folder.from = fresh ? tip : await this.#mergeBase(branch)
      return { dir: this.#inside(folder.top), branch, from: folder.from }
    } catch (err) {
      // A folder that could not be made or switched is not handed to anyone else.
      this.#folders = this.#folders.filter((f) => f !== folder)
      throw err
    }
  }

  /** The tips of those of `branches` that exist (one git call). */
  async #refs(branches: string[]): Promise<Map<string, string>> {
    const listed = await this.#must(this.#o.repoDir, [
      'for-each-ref',
      '--format=%(objectname) %(refname)',
      ...branches.map((b) => `refs/heads/${b}`),
    ])
    const tips = new Map<string, string>()
    for (const line of lines(listed.stdout)) {
      const [tip = '', ref = ''] = line.split(' ')
      const branch = ref.slice('refs/heads/'.length)
      if (branches.includes(branch)) tips.set(branch, tip)
    }
    return tips
  }

  async commit(todoId: string, message: string): Promise<{ commit: string; files: string[]; from: string }> {
    const dir = this.#topOf(todoId)
    const branch = this.branchOf(todoId)
    // A merge being concluded (a conflict the worker resolved) is committed even with nothing staged.
    const gitDir = await worktreeGitDir(dir)
    const merging = gitDir
      ? existsSync(join(gitDir, 'MERGE_HEAD'))
      : (await this.#run(dir, ['rev-parse', '-q', '--verify', 'MERGE_HEAD'])).code === 0
    // Where the branch meets the integration branch: a plain commit does not move it, so it is asked
    // beside the add; concluding a merge does, so then it is asked after the commit.
    const early = merging ? undefined : this.#mergeBase(branch)
    early?.catch(() => undefined) // awaited below
    await this.#must(dir, ['add', '-A', '--', '.'])
    // Committed straight away: git refusing for want of anything staged is no failure.
    const commit = [...IDENTITY, 'commit', '-q', '--no-verify', '-m', message]
    const made = await this.#run(dir, commit)
    if (made.code !== 0 && (merging || (await this.#run(dir, ['diff', '--cached', '--quiet'])).code !== 0))
      throw gitFailure(commit, made)
    const from = await (early ?? this.#mergeBase(branch))
    const folder = this.#folderOf(todoId)
    if (folder) folder.from = from
    const [tip, diff] = await Promise.all([
      this.#must(dir, ['rev-parse', 'HEAD']),
      this.#must(dir, ['diff', '-z', '--name-only', from, 'HEAD', '--']),
    ])
    return { commit: tip.stdout.toString().trim(), files: lines(diff.stdout, '\0'), from }
  }

  async changedSince(from: string): Promise<string[]> {
    if (!isObjectId(from)) throw new Error(`"${from.slice(0, 80)}" is not a git object id`)
    const diff = await this.#must(this.#o.repoDir, [
      'diff',
      '-z',
      '--name-only',
      from,
      this.integrationBranch,
      '--',
    ])
    return lines(diff.stdout, '\0')
  }

  merge(todoId: string, message: string): Promise<WorktreeMerge> {
    return this.#oneAtATime(() => this.#merge(todoId, message))
  }

  async #merge(todoId: string, message: string): Promise<WorktreeMerge> {
    const dir = this.integrationDir
    const merged = await this.#run(dir, [
      ...IDENTITY,
      'merge',
      '--no-ff',
      '--no-verify',
      '-m',
      message,
      '--',
      this.branchOf(todoId),
    ])
    if (merged.code === 0) {
      const folder = this.#folderOf(todoId)
      if (folder) folder.spent = true
      return { merged: true, commit: (await this.#must(dir, ['rev-parse', 'HEAD'])).stdout.toString().trim() }
    }
    const conflicts = await this.#conflicts(dir)
    await this.#run(dir, ['merge', '--abort'])
    if (!conflicts.length)
      throw new Error(`git merge of ${this.branchOf(todoId)} failed: ${merged.stderr.trim()}`)
    return { merged: false, conflicts }
  }

  async refresh(todoId: string): Promise<{ conflicts: string[]; hunks?: Record<string, string> }> {
    const dir = this.#topOf(todoId)
    const folder = this.#folderOf(todoId)
    if (folder) folder.from = undefined
    const merged = await this.#run(dir, [
      ...IDENTITY,
      'merge',
      '--no-verify',
      '-m',
      `Bring in the integration branch`,
      '--',
      this.integrationBranch,
    ])
    if (merged.code === 0) return { conflicts: [] }
    const conflicts = await this.#conflicts(dir)
    if (!conflicts.length)
      throw new Error(`git merge into ${this.branchOf(todoId)} failed: ${merged.stderr.trim()}`)
    const hunks: Record<string, string> = {}
    for (const file of conflicts.slice(0, MAX_HUNK_FILES)) {
      const text = await readFile(join(dir, file), 'utf8').catch(() => '')
      const marked = markedRegions(text)
      if (marked) hunks[file] = marked
    }
    return { conflicts, hunks }
  }

  async discard(todoId: string): Promise<void> {
    const folder = this.#folderOf(todoId)
    if (folder) {
      // The folder goes back to the integration branch, free for the next todo; one that cannot be
      // switched back is removed.
      folder.holder = undefined
      const back = await folder.ready
        .then(() =>
          this.#onFolder(folder, async () => {
            await this.#must(folder.top, ['checkout', '-q', '-f', '--detach', this.integrationBranch, '--'])
            await this.#must(folder.top, ['clean', '-q', '-f', '-f', '-d'])
          }),
        )
        .then(
          () => true,
          () => false,
        )
      if (!back) {
        this.#folders = this.#folders.filter((f) => f !== folder)
        this.#open.delete(this.#inside(folder.top))
        await this.#removeWorktree(folder.top)
      }
    }
    await this.#run(this.#o.repoDir, ['branch', '-D', '--', this.branchOf(todoId)])
  }

  async changes(): Promise<WorktreeChange[]> {
    return changesBetween(this.#gitMust, this.#o.repoDir, await this.#baseCommit(), this.integrationBranch)
  }

  async apply(paths: readonly string[]): Promise<{ applied: string[]; skipped: string[] }> {
    return applyFiles(this.#gitMust, this.#o.repoDir, await this.#baseCommit(), this.integrationBranch, paths)
  }

  async close(options: { keepIntegration?: boolean } = {}): Promise<void> {
    // Folders being made ahead are waited for (not their setup), so that none is added after.
    this.#closed = true
    await Promise.allSettled(this.#folders.map((f) => f.made))
    const listed = await this.#must(this.#o.repoDir, ['worktree', 'list', '--porcelain', '-z'])
    // Its worktrees by their mark (the next mission's, at the same paths, stay), and what an earlier
    // layout of this mission left.
    const older = this.#older
    const paths = lines(listed.stdout, '\0').flatMap((f) => (f.startsWith('worktree ') ? [f.slice(9)] : []))
    const mine = await Promise.all(
      paths.map(async (p) => within(older, p) || (within(this.#missionRoot, p) && (await this.#mine(p)))),
    )
    // The folders go at once, and one prune tells git (a `worktree remove` each costs a git call each).
    await Promise.all(paths.filter((_, i) => mine[i]).map((p) => this.#dropFolder(p)))
    await rm(older, { recursive: true, force: true })
    // The folders' parents, once no mission's folder is left in them.
    for (const empty of [join(this.#missionRoot, 'todos'), this.#missionRoot])
      await rmdir(empty).catch(() => undefined)
    await this.#oneAtATime(() => this.#run(this.#o.repoDir, ['worktree', 'prune']))
    const refs = await this.#must(this.#o.repoDir, [
      'for-each-ref',
      '--format=%(refname:short)',
      `refs/heads/${this.#prefix}/`,
    ])
    const gone = lines(refs.stdout).filter((b) => !options.keepIntegration || b !== this.integrationBranch)
    if (gone.length) await this.#run(this.#o.repoDir, ['branch', '-D', '--', ...gone])
    this.#open.clear()
    this.#folders = []
  }

  /**
   * Adds the folder at `at` (a branch, or `--detach` and a commit) unless it is there already; links
   * the dependency folders. True when made.
   */
  async #addWorktree(dir: string, at: string | string[]): Promise<boolean> {
    if (existsSync(join(dir, '.git'))) {
      if (await this.#mine(dir)) return false
      // Another mission's, one the sweep could not remove, or one whose making was cut off: the
      // project's missions run one at a time (the project lock), so the path is this mission's now.
      await this.#removeWorktree(dir)
    } else await rm(dir, { recursive: true, force: true }) // a folder half made, no worktree in it
    await mkdir(dirname(dir), { recursive: true })
    const [first, ...rest] = typeof at === 'string' ? [at] : at
    const where = first === '--detach' ? ['--detach', '--', dir, ...rest] : ['--', dir, first ?? '']
    // One at a time: a prune while another folder is being added removes that folder's half-made
    // administrative files (git then fails to write its `locked` file).
    await this.#oneAtATime(async () => {
      await this.#memo('pruned', () => this.#run(this.#o.repoDir, ['worktree', 'prune']))
      const add = ['worktree', 'add', '-q', ...where]
      if ((await this.#run(this.#o.repoDir, add)).code === 0) return
      // The path still registered: a git killed while adding it (Stop, a time limit) leaves it locked,
      // which a prune keeps. Unlocked and pruned, it is added again.
      await this.#forget(dir)
      await this.#must(this.#o.repoDir, add)
    })
    try {
      // The plugin instance of this folder follows the missions of the user's folder (ownership.ts);
      // the mark says whose the worktree is.
      const gitDir = await worktreeGitDir(dir)
      if (!gitDir) throw new Error(`git made no worktree at ${dir}`)
      await writeFile(join(gitDir, WORKTREE_PROJECT_FILE), this.#o.repoDir)
      await writeFile(join(gitDir, WORKTREE_MISSION_FILE), namePart(this.#o.missionId))
    } catch (err) {
      await this.#removeWorktree(dir).catch(() => undefined)
      throw err
    }
    this.#linked.set(dir, await this.#linkDependencies(dir))
    return true
  }

  /**
   * Links each dependency folder the user's tree has and ignores, and the worktree lacks; and what
   * OpenCode installed in the user's config folders (`#borrowInstall`). Returns the links.
   */
  async #linkDependencies(dir: string): Promise<string[]> {
    const top = await this.#memo('top', async () =>
      (await this.#must(this.#o.repoDir, ['rev-parse', '--show-toplevel'])).stdout.toString().trim(),
    )
    const linked: string[] = []
    const copied: string[] = []
    for (const name of DEPENDENCY_FOLDERS) {
      const source = join(top, name)
      if (!existsSync(source) || existsSync(join(dir, name))) continue
      if (!(await this.#ignored(top, `${name}/`))) continue
      await linkFolder(source, join(dir, name))
      linked.push(name)
    }
    for (const config of configFolders(this.#within)) {
      const borrowed = await this.#borrowInstall(top, dir, config)
      linked.push(...borrowed.links)
      copied.push(...borrowed.copies)
    }
    if (linked.length || copied.length)
      await this.#oneAtATime(() => this.#excludeLinks([...linked, ...copied]))
    return linked
  }

  /**
   * OpenCode installs its plugin package into each config folder (`.opencode`) of a folder it has not
   * served yet, before that folder's plugins load, unless the install is there
   * (`config-folder-install.ts`). Its `.gitignore` keeps the install out of git, so without this every
   * worktree installs again: a download, or about 70 s of npm's retries with no network, per folder.
   * When the worktree has the config folder (something in it is tracked), the user's install goes in:
   * `node_modules` linked, `package.json` and `package-lock.json` copied, each only where the user's
   * tree has it and ignores it and the worktree lacks it, and only when the result counts as
   * installed, so that OpenCode never installs through the link into the user's folder.
   */
  async #borrowInstall(
    top: string,
    dir: string,
    config: string,
  ): Promise<{ links: string[]; copies: string[] }> {
    const none = { links: [], copies: [] }
    const theirs = join(top, config)
    const mine = join(dir, config)
    const modules = `${config}/node_modules`
    if (!isFolder(mine) || existsSync(join(mine, 'node_modules')) || !isFolder(join(theirs, 'node_modules')))
      return none
    if (!(await this.#ignored(top, `${modules}/`))) return none
    const copies: string[] = []
    const text: Partial<Record<(typeof INSTALL_FILES)[number], string>> = {}
    for (const name of INSTALL_FILES) {
      const own = join(mine, name)
      const from = existsSync(own)
        ? own
        : existsSync(join(theirs, name)) && (await this.#ignored(top, `${config}/${name}`))
          ? join(theirs, name)
          : undefined
      if (from === undefined) continue
      if (from !== own) copies.push(name)
      const read = await readFile(from, 'utf8').catch(() => undefined)
      if (read !== undefined) text[name] = read
    }
    if (!installComplete(text['package.json'], text['package-lock.json'])) return none
    for (const name of copies) await copyFile(join(theirs, name), join(mine, name))
    await linkFolder(join(theirs, 'node_modules'), join(mine, 'node_modules'))
    return { links: [modules], copies: copies.map((name) => `${config}/${name}`) }
  }

  /** Whether the user's tree ignores `path` (relative to its top; a trailing `/` for a folder). */
  #ignored(top: string, path: string): Promise<boolean> {
    return this.#memo(
      `ignored ${path}`,
      async () => (await this.#run(top, ['check-ignore', '-q', '--', path])).code === 0,
    )
  }

  /** `fn`'s result, from its first call on this object under `key`. */
  #memo<T>(key: string, fn: () => Promise<T>): Promise<T> {
    let known = this.#once.get(key) as Promise<T> | undefined
    if (!known) {
      known = fn()
      this.#once.set(key, known)
      known.catch(() => this.#once.delete(key)) // a failure is asked again
    }
    return known
  }

  /**
   * A link is not a folder to git: `node_modules/` in .gitignore does not match it, so a worker's
   * `git status` or `git add -A` would see it. The repository's own exclude file (shared by every
   * worktree) gets `/<name>` for each linked folder and copied file; the user's tree already ignores
   * them, so nothing changes for it.
   */
  async #excludeLinks(names: string[]): Promise<void> {
    const file = await this.#memo('exclude', async () =>
      resolve(
        this.#o.repoDir,
        (await this.#must(this.#o.repoDir, ['rev-parse', '--git-path', 'info/exclude'])).stdout
          .toString()
          .trim(),
      ),
    )
    const had = await readFile(file, 'utf8').catch(() => '')
    const missing = names.map((n) => `/${n}`).filter((p) => !had.split(/\r?\n/).includes(p))
    if (!missing.length) return
    await mkdir(dirname(file), { recursive: true })
    const head = had === '' || had.endsWith('\n') ? '' : '\n'
    await appendFile(file, `${head}# linked into OpenCode Orchestrator's worktrees\n${missing.join('\n')}\n`)
  }

  async #removeWorktree(dir: string): Promise<void> {
    await this.#dropFolder(dir)
    await this.#oneAtATime(() => this.#forget(dir))
  }

  /** Git forgets the worktree at `dir`, whose folder is gone: unlocked (a killed add locks it), pruned. */
  async #forget(dir: string): Promise<void> {
    await this.#run(this.#o.repoDir, ['worktree', 'unlock', '--', dir])
    await this.#run(this.#o.repoDir, ['worktree', 'prune'])
  }

  /** A worktree's folder goes (git forgets it at the next prune). */
  async #dropFolder(dir: string): Promise<void> {
    // The links first: removing the folder must never reach into the user's dependency folders.
    const linkable = [...DEPENDENCY_FOLDERS, ...configFolders(this.#within).map((c) => `${c}/node_modules`)]
    for (const name of this.#linked.get(dir) ?? linkable)
      await rm(join(dir, name), { force: true }).catch(() => undefined)
    this.#linked.delete(dir)
    await rm(dir, { recursive: true, force: true })
  }

  /** The todo branches' tips the integration branch merged (its merge commits' second parents). */
  async #mergedTips(): Promise<Set<string>> {
    const merges = await this.#run(this.#o.repoDir, [
      'log',
      '--merges',
      '--first-parent',
      '--format=%P',
      this.integrationBranch,
      '--',
    ])
    return new Set(lines(merges.stdout).map((parents) => parents.split(' ')[1] ?? ''))
  }

  async #tip(dir: string): Promise<string> {
    return (await this.#run(dir, ['rev-parse', '-q', '--verify', 'HEAD'])).stdout.toString().trim()
  }

  async #conflicts(dir: string): Promise<string[]> {
    return lines((await this.#must(dir, ['diff', '-z', '--name-only', '--diff-filter=U'])).stdout, '\0')
  }

  async #mergeBase(branch: string): Promise<string> {
    return (await this.#must(this.#o.repoDir, ['merge-base', '--', branch, this.integrationBranch])).stdout
      .toString()
      .trim()
  }

  get #baseSubject(): string {
    return `Mission ${namePart(this.#o.missionId)}: the working tree as the mission started`
  }

  /** The commit of the base tree: on the integration branch's first-parent line, under its subject. */
  #baseCommit(): Promise<string> {
    return this.#memo('base', async () => {
      const log = await this.#must(this.#o.repoDir, [
        'log',
        '--first-parent',
        '--format=%H %s',
        this.integrationBranch,
      ])
      const found = lines(log.stdout).find((l) => l.slice(l.indexOf(' ') + 1) === this.#baseSubject)
      if (!found) throw new Error(`${this.integrationBranch} does not hold the mission's base commit`)
      return found.slice(0, found.indexOf(' '))
    })
  }

  /** Runs `fn` after the git work already queued on the folder's checkout. */
  #onFolder<T>(folder: Folder, fn: () => Promise<T>): Promise<T> {
    const next = folder.ops.then(fn, fn)
    folder.ops = next.catch(() => undefined)
    return next
  }

  #oneAtATime<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.#serial.then(fn, fn)
    this.#serial = next.catch(() => undefined)
    return next
  }

  #run(dir: string, args: string[]): Promise<GitResult> {
    return git(dir, args, this.#o.env, this.#o.limits)
  }

  readonly #gitMust: GitMust = (dir, args) => this.#must(dir, args)

  async #must(dir: string, args: string[]): Promise<GitResult> {
    const r = await this.#run(dir, args)
    if (r.code !== 0) throw gitFailure(args, r)
    return r
  }
}

/** A git call's failure in git's own words, without its advice lines. */
function gitFailure(args: string[], r: GitResult): Error {
  const said = r.stderr.split('\n').filter((l) => /^(fatal|error):/.test(l.trim()))
  const words = (said.length ? said.join('; ') : r.stderr.trim() || r.stdout.toString().trim()).slice(0, 600)
  return new Error(`git ${args.find((a) => !a.startsWith('-') && !a.includes('=')) ?? ''} failed: ${words}`)
}

/**
 * Whether `path` is the folder `dir` or inside it; by `relative`, so that git's way of writing a
 * Windows path (`C:/…`) and Node's compare equal.
 */
function within(dir: string, path: string): boolean {
  const down = relative(dir, path)
  return !isAbsolute(down) && down !== '..' && !down.startsWith(`..${sep}`)
}

/** A link at `target` to the folder `source` (a junction on Windows, which needs no privilege). */
const linkFolder = (source: string, target: string): Promise<void> =>
  symlink(source, target, process.platform === 'win32' ? 'junction' : 'dir')

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory()
  } catch {
    return false
  }
}
