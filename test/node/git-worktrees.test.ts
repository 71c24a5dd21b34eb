import { execFileSync } from 'node:child_process'
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { captureGitBase } from '../../src/node/git-base'
import { installComplete } from '../../src/node/config-folder-install'
import { GitWorktrees, markedRegions } from '../../src/node/git-worktrees'
import { namePart } from '../../src/node/worktree-names'
import { missionProjectDir } from '../../src/plugin/ownership'

const dirs: string[] = []
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })))

const env = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', HOME: tmpdir() }
const git = (dir: string, ...args: string[]) => execFileSync('git', args, { cwd: dir, env }).toString()
const temp = (prefix: string) => {
  const d = mkdtempSync(join(tmpdir(), prefix))
  dirs.push(d)
  return d
}

/**
 * A user's repository mid-work: a commit, a file changed but not committed, a staged file, an
 * untracked file, a stash entry of their own, and an ignored node_modules with a package in it.
 */
function userRepo(): string {
  const dir = temp('orch-wt-user-')
  git(dir, 'init', '-q', '-b', 'main')
  git(dir, 'config', 'user.email', 'dev@example.com')
  git(dir, 'config', 'user.name', 'dev')
  writeFileSync(join(dir, '.gitignore'), 'node_modules/\n')
  writeFileSync(join(dir, 'a.txt'), 'a1\nshared line\na3\n')
  writeFileSync(join(dir, 'b.txt'), 'b1\n')
  git(dir, 'add', '.')
  git(dir, 'commit', '-qm', 'first')
  writeFileSync(join(dir, 'b.txt'), 'b stashed\n')
  git(dir, 'stash', 'push', '-q', '-m', 'mine')
  writeFileSync(join(dir, 'a.txt'), 'a1\nshared line (uncommitted)\na3\n')
  writeFileSync(join(dir, 'staged.txt'), 'staged\n')
  git(dir, 'add', 'staged.txt')
  writeFileSync(join(dir, 'untracked.txt'), 'untracked\n')
  mkdirSync(join(dir, 'node_modules', 'dep'), { recursive: true })
  writeFileSync(join(dir, 'node_modules', 'dep', 'index.js'), 'module.exports = 42\n')
  return dir
}

/** What must not change in the user's repository: status, index, stash list, branch and HEAD. */
const userSide = (dir: string) => ({
  status: git(dir, 'status', '--porcelain=v1', '-uall'),
  staged: git(dir, 'diff', '--cached', '--name-only'),
  stash: git(dir, 'stash', 'list'),
  branch: git(dir, 'branch', '--show-current'),
  head: git(dir, 'rev-parse', 'HEAD'),
  a: readFileSync(join(dir, 'a.txt'), 'utf8'),
})

/** The user's working state as a mission's base, as a host captures it. */
async function baseRef(dir: string): Promise<string> {
  const base = await captureGitBase(dir, env)
  if (base.kind !== 'git') throw new Error(base.reason)
  return base.ref
}

async function mission(repoDir: string, missionId = 'm1', setup?: (dir: string) => Promise<void>) {
  const ref = await baseRef(repoDir)
  const wt = new GitWorktrees({
    repoDir,
    root: temp('orch-wt-root-'),
    missionId,
    env,
    ...(setup && { setup }),
  })
  const prepared = await wt.prepare(ref)
  return { wt, prepared }
}

const edit = (dir: string, file: string, from: string, to: string) =>
  writeFileSync(join(dir, file), readFileSync(join(dir, file), 'utf8').replace(from, to))

describe('a worktree per todo, merged only on purpose', { timeout: 30_000 }, () => {
  it('starts every todo from the user tree as it was, and leaves that tree, index and stash alone', async () => {
    const repo = userRepo()
    const before = userSide(repo)
    const { wt, prepared } = await mission(repo)
    const t = await wt.open('t1')
    for (const dir of [prepared.dir, t.dir]) {
      expect(readFileSync(join(dir, 'a.txt'), 'utf8')).toContain('(uncommitted)')
      expect(readFileSync(join(dir, 'staged.txt'), 'utf8')).toBe('staged\n')
      expect(readFileSync(join(dir, 'untracked.txt'), 'utf8')).toBe('untracked\n')
    }
    expect(relative(repo, t.dir).startsWith('..')).toBe(true)
    expect(git(t.dir, 'branch', '--show-current').trim()).toBe('orchestrator/m1/t1')
    expect(t.from).toBe(prepared.baseCommit)
    expect(git(repo, 'rev-parse', `${prepared.baseCommit}^`)).toBe(before.head)
    // A todo's edits, committed, stay on its branch until merged.
    writeFileSync(join(t.dir, 'new.txt'), 'from t1\n')
    expect(await wt.commit('t1', 'Todo t1')).toMatchObject({ files: ['new.txt'] })
    expect(existsSync(join(prepared.dir, 'new.txt'))).toBe(false)
    expect(userSide(repo)).toEqual(before)
    await wt.close()
    expect(userSide(repo)).toEqual(before)
  })

  it('links the ignored dependency folders into each worktree without copying or committing them', async () => {
    const repo = userRepo()
    const ran: string[] = []
    const { wt } = await mission(repo, 'm1', async (dir) => {
      ran.push(dir)
    })
    const t = await wt.open('t1')
    expect(lstatSync(join(t.dir, 'node_modules')).isSymbolicLink()).toBe(true)
    const required = execFileSync(process.execPath, ['-e', 'process.stdout.write(String(require("dep")))'], {
      cwd: t.dir,
    }).toString()
    expect(required).toBe('42')
    writeFileSync(join(t.dir, 'c.txt'), 'c\n')
    expect((await wt.commit('t1', 'Todo t1')).files).toEqual(['c.txt'])
    expect(git(t.dir, 'ls-tree', '-r', '--name-only', 'HEAD')).not.toContain('node_modules')
    // A worker's own `git status` or `git add -A` does not see the link either.
    expect(git(t.dir, 'status', '--porcelain')).toBe('')
    // Opened again (a resume): the same folder, and the setup command does not run twice.
    await wt.open('t1')
    expect(ran).toEqual([t.dir])
    await wt.discard('t1')
    expect(git(repo, 'branch', '--list', 'orchestrator/m1/t1')).toBe('')
    // The next todo takes the folder as it is made: no setup again, the link kept, t1's file gone.
    const next = await wt.open('t2')
    expect(next.dir).toBe(t.dir)
    expect(ran).toEqual([t.dir])
    expect(existsSync(join(next.dir, 'c.txt'))).toBe(false)
    expect(lstatSync(join(next.dir, 'node_modules')).isSymbolicLink()).toBe(true)
    await wt.close()
    expect(existsSync(t.dir)).toBe(false)
    // The user's own dependency folder survives the worktree's removal.
    expect(readFileSync(join(repo, 'node_modules', 'dep', 'index.js'), 'utf8')).toContain('42')
  })

  it("gives each worktree the install OpenCode made in the user's .opencode, so that OpenCode installs nothing there", async () => {
    const repo = userRepo()
    // A config folder as OpenCode leaves it: the user's agent in it, and OpenCode's install, which
    // its own .gitignore keeps out of git (so a worktree gets the agent and none of the install).
    const config = join(repo, '.opencode')
    const deps = { '@opencode-ai/plugin': '1.18.33', 'left-pad': '1.3.0' }
    mkdirSync(join(config, 'agent'), { recursive: true })
    writeFileSync(join(config, 'agent', 'helper.md'), '---\ndescription: helps\n---\nHelp.\n')
    writeFileSync(
      join(config, '.gitignore'),
      'node_modules\npackage.json\npackage-lock.json\nbun.lock\n.gitignore',
    )
    writeFileSync(join(config, 'package.json'), JSON.stringify({ dependencies: deps }))
    const lock = JSON.stringify({ lockfileVersion: 3, packages: { '': { dependencies: deps } } })
    writeFileSync(join(config, 'package-lock.json'), lock)
    mkdirSync(join(config, 'node_modules', 'left-pad'), { recursive: true })
    writeFileSync(join(config, 'node_modules', 'left-pad', 'index.js'), 'module.exports = 1\n')
    const { wt } = await mission(repo)
    const t = await wt.open('t1')
    const mine = join(t.dir, '.opencode')
    expect(readFileSync(join(mine, 'agent', 'helper.md'), 'utf8')).toContain('Help.')
    // What OpenCode's rule looks for: node_modules (the user's, linked), and the two files (copied).
    expect(lstatSync(join(mine, 'node_modules')).isSymbolicLink()).toBe(true)
    expect(existsSync(join(mine, 'node_modules', 'left-pad', 'index.js'))).toBe(true)
    expect(lstatSync(join(mine, 'package-lock.json')).isSymbolicLink()).toBe(false)
    const text = (name: string) => readFileSync(join(mine, name), 'utf8')
    expect(installComplete(text('package.json'), text('package-lock.json'))).toBe(true)
    expect(text('package-lock.json')).toBe(lock)
    // None of it reaches git: not a worker's status, not the todo's commit.
    expect(git(t.dir, 'status', '--porcelain')).toBe('')
    writeFileSync(join(t.dir, 'c.txt'), 'c\n')
    expect((await wt.commit('t1', 'Todo t1')).files).toEqual(['c.txt'])
    await wt.close()
    expect(existsSync(t.dir)).toBe(false)
    expect(readFileSync(join(config, 'node_modules', 'left-pad', 'index.js'), 'utf8')).toContain('1')
    expect(readFileSync(join(config, 'package-lock.json'), 'utf8')).toBe(lock)
  })

  it("leaves a worktree's .opencode to OpenCode when the user's install is not complete by OpenCode's rule", async () => {
    const repo = userRepo()
    const config = join(repo, '.opencode')
    mkdirSync(join(config, 'node_modules'), { recursive: true })
    writeFileSync(join(config, 'opencode.json'), '{}\n')
    writeFileSync(join(config, '.gitignore'), 'node_modules\npackage.json\npackage-lock.json\n.gitignore')
    // The lock lacks a dependency: OpenCode would install, and must not do it through a link.
    writeFileSync(
      join(config, 'package.json'),
      JSON.stringify({ dependencies: { '@opencode-ai/plugin': '*', x: '1' } }),
    )
    writeFileSync(
      join(config, 'package-lock.json'),
      JSON.stringify({ packages: { '': { dependencies: { '@opencode-ai/plugin': '*' } } } }),
    )
    const { wt } = await mission(repo)
    const t = await wt.open('t1')
    expect(existsSync(join(t.dir, '.opencode', 'opencode.json'))).toBe(true)
    for (const name of ['node_modules', 'package.json', 'package-lock.json'])
      expect(existsSync(join(t.dir, '.opencode', name)), name).toBe(false)
    await wt.close()
  })

  it("makes folders ahead for the host to ready, and hands a merged or discarded todo's folder on", async () => {
    const repo = userRepo()
    const ref = await baseRef(repo)
    const told: string[] = []
    const wt = new GitWorktrees({
      repoDir: repo,
      root: temp('orch-wt-root-'),
      missionId: 'pool',
      env,
      onFolder: (d) => told.push(d),
    })
    await wt.prepare(ref, { folders: 2 })
    const [t1, t2] = [await wt.open('t1'), await wt.open('t2')]
    // The todos took the folders made ahead, which the host was told of before any todo opened.
    expect(told.sort()).toEqual([t1.dir, t2.dir].sort())
    writeFileSync(join(t1.dir, 'one.txt'), 'one\n')
    await wt.commit('t1', 'Todo t1')
    writeFileSync(join(t1.dir, 'left.tmp'), 'not committed\n')
    expect(await wt.merge('t1', 'Merge t1')).toMatchObject({ merged: true })
    // t1's work is merged: t3 takes its folder, on its own branch from the integration branch.
    const t3 = await wt.open('t3')
    expect(t3.dir).toBe(t1.dir)
    expect(git(t3.dir, 'branch', '--show-current').trim()).toBe('orchestrator/pool/t3')
    expect(readFileSync(join(t3.dir, 'one.txt'), 'utf8')).toBe('one\n')
    expect(existsSync(join(t3.dir, 'left.tmp'))).toBe(false)
    expect(git(t3.dir, 'status', '--porcelain')).toBe('')
    // t2 still works in its own folder; a todo opened while every folder is held gets a new one.
    expect(wt.dirOf('t2')).toBe(t2.dir)
    const t4 = await wt.open('t4')
    expect([t1.dir, t2.dir]).not.toContain(t4.dir)
    expect(told).toContain(t4.dir)
    // Discarded, t2's folder goes back to the integration branch, clean, for the next todo.
    writeFileSync(join(t2.dir, 'half.txt'), 'half\n')
    await wt.discard('t2')
    expect(git(t2.dir, 'status', '--porcelain')).toBe('')
    expect((await wt.open('t5')).dir).toBe(t2.dir)
    writeFileSync(join(t3.dir, 'three.txt'), 'three\n')
    await wt.commit('t3', 'Todo t3')
    expect(await wt.merge('t3', 'Merge t3')).toMatchObject({ merged: true })
    // A host that loads the mission again (a resume) finds each todo in its folder, and knows which
    // folders' work is merged.
    const again = await GitWorktrees.load({
      repoDir: repo,
      root: join(wt.integrationDir, '..', '..'),
      missionId: 'pool',
      env,
    })
    for (const id of ['t3', 't4', 't5']) expect(again.dirOf(id)).toBe(wt.dirOf(id))
    expect((await again.open('t5')).dir).toBe(t2.dir)
    expect((await again.open('t6')).dir).toBe(t1.dir)
    await again.close()
  })

  it('wants only the folders the plan may use at once, and any a todo holds', async () => {
    const repo = userRepo()
    const ref = await baseRef(repo)
    const told = new Map<string, () => boolean>()
    const wt = new GitWorktrees({
      repoDir: repo,
      root: temp('orch-wt-root-'),
      missionId: 'wanted',
      env,
      onFolder: (d, wanted) => told.set(d, wanted),
    })
    await wt.prepare(ref, { folders: 3 })
    const t1 = await wt.open('t1')
    await expect.poll(() => told.size).toBe(3)
    const wanted = () => [...told.values()].map((w) => w())
    // Before a plan, every folder made ahead may be needed.
    expect(wanted()).toEqual([true, true, true])
    // The plan lets one todo work at a time: t1 holds the first folder, the other two are not needed.
    wt.expectAtOnce(1)
    expect(told.get(t1.dir)?.()).toBe(true)
    expect(wanted().filter(Boolean)).toHaveLength(1)
    // A todo that takes a free folder after all makes it wanted again.
    const t2 = await wt.open('t2')
    expect(told.get(t2.dir)?.()).toBe(true)
    expect(wanted().filter(Boolean)).toHaveLength(2)
    // A todo after t1's merge takes t1's warm folder, not the free one the host never readied.
    writeFileSync(join(t1.dir, 'one.txt'), 'one\n')
    await wt.commit('t1', 'Todo t1')
    expect(await wt.merge('t1', 'Merge t1')).toMatchObject({ merged: true })
    expect((await wt.open('t3')).dir).toBe(t1.dir)
    await wt.close()
    // Closed: none.
    expect(wanted().filter(Boolean)).toHaveLength(0)
  })

  it('puts a discarded folder back before the next todo takes it, also when both come at once', async () => {
    const repo = userRepo()
    const ref = await baseRef(repo)
    // A git whose putting back of a folder is slow: a todo taking the folder meanwhile must wait for it.
    const bin = temp('orch-wt-slowgit-')
    const real = execFileSync('sh', ['-c', 'command -v git'], { env }).toString().trim()
    writeFileSync(
      join(bin, 'git'),
      `#!/bin/sh\ncase "$*" in *"checkout -q -f --detach"*) sleep 0.4;; esac\nexec ${real} "$@"\n`,
      { mode: 0o755 },
    )
    const slowEnv = { ...env, PATH: `${bin}:${process.env.PATH ?? ''}` }
    const wt = new GitWorktrees({
      repoDir: repo,
      root: temp('orch-wt-root-'),
      missionId: 'race',
      env: slowEnv,
    })
    await wt.prepare(ref, { folders: 1 })
    for (let round = 0; round < 5; round++) {
      const [from, to] = [`t${round}`, `t${round + 1}`]
      if (round === 0) await wt.open(from)
      const dir = wt.dirOf(from) ?? ''
      writeFileSync(join(dir, 'half.txt'), 'half\n')
      const [, next] = await Promise.all([wt.discard(from), wt.open(to)])
      expect(next.dir).toBe(dir)
      expect(git(dir, 'branch', '--show-current').trim()).toBe(`orchestrator/race/${to}`)
      expect(git(dir, 'status', '--porcelain')).toBe('')
    }
    await wt.close()
  })

  it('makes no folder after close, even when close comes while folders are being made ahead', async () => {
    const repo = userRepo()
    const ref = await baseRef(repo)
    const wt = new GitWorktrees({ repoDir: repo, root: temp('orch-wt-root-'), missionId: 'short', env })
    await wt.prepare(ref, { folders: 4 })
    await wt.close()
    expect(git(repo, 'worktree', 'list', '--porcelain').match(/^worktree /gm)).toHaveLength(1)
    expect(git(repo, 'for-each-ref', 'refs/heads/orchestrator/')).toBe('')
    await expect(wt.open('t1')).rejects.toThrow(/closed/)
  })

  it('merges passed todos into the integration branch; a todo opened later starts from them', async () => {
    const repo = userRepo()
    const { wt, prepared } = await mission(repo)
    const t1 = await wt.open('t1')
    const t2 = await wt.open('t2')
    writeFileSync(join(t1.dir, 'one.txt'), '1\n')
    writeFileSync(join(t2.dir, 'two.txt'), '2\n')
    await wt.commit('t1', 'Todo t1')
    await wt.commit('t2', 'Todo t2')
    expect(await wt.merge('t1', 'Merge t1')).toMatchObject({ merged: true })
    expect(await wt.merge('t2', 'Merge t2')).toMatchObject({ merged: true })
    expect(existsSync(join(prepared.dir, 'one.txt')) && existsSync(join(prepared.dir, 'two.txt'))).toBe(true)
    const t3 = await wt.open('t3')
    expect(existsSync(join(t3.dir, 'one.txt')) && existsSync(join(t3.dir, 'two.txt'))).toBe(true)
    // A todo that changed nothing commits nothing and merges as a no-op.
    expect((await wt.commit('t3', 'Todo t3')).files).toEqual([])
    await wt.close()
  })

  it('names the conflicting files and merges nothing; the todo then resolves them on current work', async () => {
    const repo = userRepo()
    const { wt, prepared } = await mission(repo)
    const t1 = await wt.open('t1')
    const t2 = await wt.open('t2')
    edit(t1.dir, 'a.txt', 'shared line (uncommitted)', 'shared line by t1')
    writeFileSync(join(t1.dir, 'only1.txt'), 't1 alone\n')
    edit(t2.dir, 'a.txt', 'shared line (uncommitted)', 'shared line by t2')
    await wt.commit('t1', 'Todo t1')
    await wt.commit('t2', 'Todo t2')
    expect(await wt.merge('t1', 'Merge t1')).toMatchObject({ merged: true })
    const head = git(prepared.dir, 'rev-parse', 'HEAD')
    expect(await wt.merge('t2', 'Merge t2')).toEqual({ merged: false, conflicts: ['a.txt'] })
    // Nothing of t2 reached the integration branch, and its folder is clean.
    expect(git(prepared.dir, 'rev-parse', 'HEAD')).toBe(head)
    expect(git(prepared.dir, 'status', '--porcelain')).toBe('')
    expect(readFileSync(join(prepared.dir, 'a.txt'), 'utf8')).toContain('by t1')
    // Sent back: t2 gets the integration branch with the conflict marked in its folder.
    const refreshed = await wt.refresh('t2')
    expect(refreshed.conflicts).toEqual(['a.txt'])
    // The marked region, for the worker's brief: both sides, without the lines around it.
    expect(refreshed.hunks?.['a.txt']).toMatch(
      /^<<<<<<< HEAD\nshared line by t2\n=======\nshared line by t1\n>>>>>>> /,
    )
    expect(refreshed.hunks?.['a.txt']).not.toContain('a1')
    expect(readFileSync(join(t2.dir, 'a.txt'), 'utf8')).toMatch(
      /<<<<<<<[\s\S]*by t2[\s\S]*by t1[\s\S]*>>>>>>>/,
    )
    writeFileSync(join(t2.dir, 'a.txt'), 'a1\nshared line by t1 and t2\na3\n')
    // Its work now starts where it took in the integration branch: t1's files are not its own.
    const resolved = await wt.commit('t2', 'Todo t2, resolved')
    const tip = git(prepared.dir, 'rev-parse', 'HEAD').trim()
    expect(resolved).toMatchObject({ from: tip, files: ['a.txt'] })
    expect((await wt.open('t2')).from).toBe(tip)
    expect(await wt.commit('t2', 'nothing more')).toMatchObject({ from: tip, files: ['a.txt'] })
    expect(await wt.merge('t2', 'Merge t2')).toMatchObject({ merged: true })
    expect(readFileSync(join(prepared.dir, 'a.txt'), 'utf8')).toContain('by t1 and t2')
    await wt.close()
  })

  it('takes todos opened, committed and merged all at once, as parallel workers finish', async () => {
    const repo = userRepo()
    const { wt, prepared } = await mission(repo)
    const ids = ['t1', 't2', 't3', 't4']
    const opened = await Promise.all(ids.map((id) => wt.open(id)))
    opened.forEach((t, i) => writeFileSync(join(t.dir, `${ids[i]}.txt`), `${ids[i]}\n`))
    await Promise.all(ids.map((id) => wt.commit(id, `Todo ${id}`)))
    const merged = await Promise.all(ids.map((id) => wt.merge(id, `Merge ${id}`)))
    expect(merged.map((m) => m.merged)).toEqual([true, true, true, true])
    for (const id of ids) expect(readFileSync(join(prepared.dir, `${id}.txt`), 'utf8')).toBe(`${id}\n`)
    await wt.close()
  })

  it("applies merged work to the user's tree per file, leaving files the user changed since the base", async () => {
    const repo = userRepo()
    const { wt } = await mission(repo)
    const t1 = await wt.open('t1')
    edit(t1.dir, 'a.txt', 'shared line (uncommitted)', 'shared line by t1')
    writeFileSync(join(t1.dir, 'one.txt'), '1\n')
    rmSync(join(t1.dir, 'b.txt'))
    writeFileSync(join(t1.dir, 'staged.txt'), 'staged by t1\n')
    await wt.commit('t1', 'Todo t1')
    // Work of a todo that was never merged is not a change of the mission.
    const t2 = await wt.open('t2')
    writeFileSync(join(t2.dir, 'two.txt'), '2\n')
    await wt.commit('t2', 'Todo t2')
    await wt.merge('t1', 'Merge t1')
    // Each with its lines against the base.
    expect(await wt.changes()).toEqual([
      { path: 'a.txt', status: 'modified', added: 1, removed: 1 },
      { path: 'b.txt', status: 'deleted', added: 0, removed: 1 },
      { path: 'one.txt', status: 'added', added: 1, removed: 0 },
      { path: 'staged.txt', status: 'modified', added: 1, removed: 1 },
    ])
    // The user edits staged.txt while the mission runs: that file is theirs.
    writeFileSync(join(repo, 'staged.txt'), 'staged, edited by the user\n')
    const result = await wt.apply((await wt.changes()).map((c) => c.path))
    expect(result).toEqual({ applied: ['a.txt', 'b.txt', 'one.txt'], skipped: ['staged.txt'] })
    expect(readFileSync(join(repo, 'a.txt'), 'utf8')).toContain('by t1')
    expect(readFileSync(join(repo, 'one.txt'), 'utf8')).toBe('1\n')
    expect(existsSync(join(repo, 'b.txt'))).toBe(false)
    expect(existsSync(join(repo, 'two.txt'))).toBe(false)
    expect(readFileSync(join(repo, 'staged.txt'), 'utf8')).toBe('staged, edited by the user\n')
    await expect(wt.apply(['../outside.txt'])).rejects.toThrow('is not a path inside the workspace')
    await wt.close()
  })

  it("applies many files at once, in folders, with odd names and modes, the user's edits left", async () => {
    const repo = userRepo()
    const { wt } = await mission(repo)
    const t = await wt.open('t1')
    const names = Array.from({ length: 230 }, (_, i) => `gen/${String(i).padStart(3, '0')} -x [${i}].txt`)
    mkdirSync(join(t.dir, 'gen'))
    for (const n of names) writeFileSync(join(t.dir, n), `${n}\n`)
    writeFileSync(join(t.dir, 'run.sh'), '#!/bin/sh\n')
    chmodSync(join(t.dir, 'run.sh'), 0o755)
    await wt.commit('t1', 'many')
    await wt.merge('t1', 'Merge t1')
    // The user makes one of them meanwhile, as the mission would have it, and another differently.
    mkdirSync(join(repo, 'gen'))
    writeFileSync(join(repo, names[7] ?? ''), `${names[7]}\n`)
    writeFileSync(join(repo, names[150] ?? ''), 'mine\n')
    const paths = (await wt.changes()).map((c) => c.path)
    expect(paths).toHaveLength(231)
    const { applied, skipped } = await wt.apply(paths)
    expect(skipped).toEqual([names[7], names[150]])
    expect(applied).toHaveLength(229)
    for (const n of names.filter((_, i) => i !== 7 && i !== 150))
      expect(readFileSync(join(repo, n), 'utf8')).toBe(`${n}\n`)
    expect(readFileSync(join(repo, names[150] ?? ''), 'utf8')).toBe('mine\n')
    expect(statSync(join(repo, 'run.sh')).mode & 0o111).not.toBe(0)
    await wt.close()
  })

  it('makes folders where a killed git left a locked registration, swept or not', async () => {
    const repo = userRepo()
    const ref = await baseRef(repo)
    const root = temp('orch-wt-root-')
    // What a `git worktree add` killed mid-way leaves: a registration locked "initializing", no folder.
    const leave = (path: string) => {
      git(repo, 'worktree', 'add', '-q', '--detach', path, 'HEAD')
      git(repo, 'worktree', 'lock', '--reason', 'initializing', path)
      rmSync(path, { recursive: true, force: true })
    }
    leave(join(root, '_folders', 'integration'))
    expect(await GitWorktrees.sweep({ repoDir: repo, root, env }, new Set())).toEqual([])
    expect(git(repo, 'worktree', 'list', '--porcelain').match(/^worktree /gm)).toHaveLength(1)
    // Left where no sweep came: the mission's own folders take the paths.
    leave(join(root, '_folders', 'integration'))
    leave(join(root, '_folders', 'todos', '1'))
    const wt = new GitWorktrees({ repoDir: repo, root, missionId: 'after', env })
    await wt.prepare(ref, { folders: 1 })
    const t = await wt.open('t1')
    expect(t.dir).toBe(join(root, '_folders', 'todos', '1'))
    expect(readFileSync(join(t.dir, 'untracked.txt'), 'utf8')).toBe('untracked\n')
    await wt.close()
    expect(git(repo, 'worktree', 'list', '--porcelain').match(/^worktree /gm)).toHaveLength(1)
  })

  it('resumes a mission whose folders are in the layout before this one, and closes them', async () => {
    const repo = userRepo()
    const ref = await baseRef(repo)
    const root = temp('orch-wt-root-')
    const before = new GitWorktrees({ repoDir: repo, root, missionId: 'A', env })
    await before.prepare(ref)
    const t = await before.open('t1')
    writeFileSync(join(t.dir, 'half.txt'), 'work not committed yet\n')
    // As that layout had them: `<root>/<mission>/…`, no marks.
    const older = (name: string) => join(root, 'A', name)
    mkdirSync(older('todos'), { recursive: true })
    for (const [from, to] of [
      [before.integrationDir, older('integration')],
      [t.dir, older(join('todos', '1'))],
    ] as const) {
      const gitDir = git(from, 'rev-parse', '--absolute-git-dir').trim()
      rmSync(join(gitDir, 'orchestrator-mission'))
      git(repo, 'worktree', 'move', from, to)
    }
    expect(await GitWorktrees.sweep({ repoDir: repo, root, env }, new Set(['A']))).toEqual([])
    const resumed = await GitWorktrees.load({ repoDir: repo, root, missionId: 'A', env })
    expect([...resumed.folders()].sort()).toEqual([older('integration'), older(join('todos', '1'))])
    expect((await resumed.prepare(ref)).dir).toBe(older('integration'))
    const again = await resumed.open('t1')
    expect(again.dir).toBe(older(join('todos', '1')))
    expect(readFileSync(join(again.dir, 'half.txt'), 'utf8')).toBe('work not committed yet\n')
    expect((await resumed.commit('t1', 't1')).files).toEqual(['half.txt'])
    expect(await resumed.merge('t1', 'Merge t1')).toMatchObject({ merged: true })
    await resumed.close()
    expect(existsSync(join(root, 'A'))).toBe(false)
    expect(git(repo, 'worktree', 'list', '--porcelain').match(/^worktree /gm)).toHaveLength(1)
  })

  it('applies names git would read as patterns or with a backslash, and a file that became a folder or a folder a file', async () => {
    const repo = userRepo()
    mkdirSync(join(repo, 'dir'))
    writeFileSync(join(repo, 'dir', 'inner.txt'), 'inner\n')
    writeFileSync(join(repo, 'plain'), 'a file\n')
    const { wt } = await mission(repo)
    const t = await wt.open('t1')
    const odd = [':y', ':(glob)z', '-lead', '*star', 'ünï cödé.txt', 'back\\slash.txt']
    for (const n of odd) writeFileSync(join(t.dir, n), `${n}\n`)
    rmSync(join(t.dir, 'dir'), { recursive: true })
    writeFileSync(join(t.dir, 'dir'), 'now a file\n')
    rmSync(join(t.dir, 'plain'))
    mkdirSync(join(t.dir, 'plain'))
    writeFileSync(join(t.dir, 'plain', 'inside.txt'), 'now in a folder\n')
    await wt.commit('t1', 'odd')
    await wt.merge('t1', 'Merge t1')
    // One file at a time, as Review Changes applies them: the folder's file, then the file in its place.
    expect(await wt.apply(['dir/inner.txt'])).toEqual({ applied: ['dir/inner.txt'], skipped: [] })
    expect(await wt.apply(['dir'])).toEqual({ applied: ['dir'], skipped: [] })
    const rest = (await wt.changes()).map((c) => c.path).filter((p) => !p.startsWith('dir'))
    const result = await wt.apply(rest)
    expect(result.skipped).toEqual([])
    expect(result.applied.sort()).toEqual([...odd, 'plain', 'plain/inside.txt'].sort())
    for (const n of odd) expect(readFileSync(join(repo, n), 'utf8')).toBe(`${n}\n`)
    expect(readFileSync(join(repo, 'dir'), 'utf8')).toBe('now a file\n')
    expect(readFileSync(join(repo, 'plain', 'inside.txt'), 'utf8')).toBe('now in a folder\n')
    await wt.close()
  })

  it('sweeps what missions no longer running left, and keeps the resumed one', async () => {
    const repo = userRepo()
    const before = userSide(repo)
    const ref = await baseRef(repo)
    // A mission cut off mid-way under one root; the same under another root, resumed there now.
    const root = temp('orch-wt-root-')
    const crashed = new GitWorktrees({ repoDir: repo, root, missionId: 'crashed', env })
    await crashed.prepare(ref)
    await crashed.open('t1')
    const resumedRoot = temp('orch-wt-root-')
    const resumed = new GitWorktrees({ repoDir: repo, root: resumedRoot, missionId: 'resumed', env })
    await resumed.prepare(ref)
    await resumed.open('t1')
    // A crash between the branches and the folders, and a branch of the user's own under the same prefix.
    const early = new GitWorktrees({ repoDir: repo, root: temp('orch-wt-root-'), missionId: 'early', env })
    await early.prepare(ref)
    rmSync(early.integrationDir, { recursive: true, force: true })
    git(repo, 'branch', 'orchestrator/mine/work', 'HEAD')
    // What the folder layout before this one left: `<root>/<mission>/…`.
    git(repo, 'branch', 'orchestrator/older/t1', 'HEAD')
    git(repo, 'worktree', 'add', '-q', join(root, 'older', 'todos', '1'), 'orchestrator/older/t1')
    // A mission running for another folder of the repository, its worktrees under another root.
    const other = new GitWorktrees({ repoDir: repo, root: temp('orch-wt-root-'), missionId: 'other', env })
    await other.prepare(ref)
    await other.open('t1')
    const swept = await GitWorktrees.sweep({ repoDir: repo, root, env }, new Set(['resumed']))
    expect(swept.sort()).toEqual(['crashed', 'early', 'older'])
    expect(existsSync(join(root, 'older'))).toBe(false)
    // Swept under its own root, the resumed mission keeps its folders.
    expect(await GitWorktrees.sweep({ repoDir: repo, root: resumedRoot, env }, new Set(['resumed']))).toEqual(
      [],
    )
    expect(existsSync(resumed.dirOf('t1') ?? '')).toBe(true)
    expect(git(repo, 'for-each-ref', '--format=%(refname:short)', 'refs/heads/orchestrator/')).toBe(
      'orchestrator/mine/work\norchestrator/other/integration\norchestrator/other/t1\norchestrator/resumed/integration\norchestrator/resumed/t1\n',
    )
    const worktrees = () => git(repo, 'worktree', 'list', '--porcelain').match(/^worktree .*/gm) ?? []
    expect(worktrees().filter((w) => w.includes(root))).toEqual([])
    await resumed.close()
    await other.close()
    expect(worktrees()).toHaveLength(1)
    git(repo, 'branch', '-D', 'orchestrator/mine/work')
    expect(userSide(repo)).toEqual(before)
  })

  it("gives the next mission the same folder paths, and an earlier mission's late close leaves them", async () => {
    const repo = userRepo()
    const ref = await baseRef(repo)
    const root = temp('orch-wt-root-')
    const first = new GitWorktrees({ repoDir: repo, root, missionId: 'first', env })
    const p1 = await first.prepare(ref)
    const a = await first.open('a')
    writeFileSync(join(a.dir, 'a.txt'), 'first\n')
    await first.commit('a', 'a')
    await first.merge('a', 'Merge a')
    await first.close({ keepIntegration: true })
    expect(existsSync(p1.dir)).toBe(false)
    // The next mission of the folder: its sweep keeps the first's branch (merged work), its folders
    // take the paths the first's had, where a host's readied instances still are.
    expect(await GitWorktrees.sweep({ repoDir: repo, root, env }, new Set(['second']))).toEqual([])
    const second = await GitWorktrees.load({ repoDir: repo, root, missionId: 'second', env })
    expect([...second.folders()]).toEqual([])
    const p2 = await second.prepare(ref)
    const b = await second.open('b')
    expect([p2.dir, b.dir]).toEqual([p1.dir, a.dir])
    expect(existsSync(join(b.dir, 'a.txt')) && readFileSync(join(b.dir, 'a.txt'), 'utf8')).toContain('a1')
    // The first mission's changes, applied later (its branch closed from another object): the second's
    // folders stay, and a load of the first finds none of them.
    const late = await GitWorktrees.load({ repoDir: repo, root, missionId: 'first', env })
    expect([...late.folders()]).toEqual([])
    await late.close()
    expect(existsSync(join(b.dir, '.git')) && existsSync(join(p2.dir, '.git'))).toBe(true)
    expect(git(repo, 'for-each-ref', '--format=%(refname:short)', 'refs/heads/orchestrator/')).toBe(
      'orchestrator/second/b\norchestrator/second/integration\n',
    )
    await second.close()
    expect(git(repo, 'worktree', 'list', '--porcelain').match(/^worktree /gm)).toHaveLength(1)
    expect(existsSync(join(root, '_folders'))).toBe(false)
  })

  it('takes over a path another mission left or half made, and sweeps a worktree cut off before its mark', async () => {
    const repo = userRepo()
    const ref = await baseRef(repo)
    const root = temp('orch-wt-root-')
    const gone = new GitWorktrees({ repoDir: repo, root, missionId: 'gone', env })
    const p = await gone.prepare(ref)
    await gone.open('t1')
    // Left without a sweep: the next mission's folders replace them.
    const next = new GitWorktrees({ repoDir: repo, root, missionId: 'next', env })
    expect((await next.prepare(ref)).dir).toBe(p.dir)
    const t = await next.open('t1')
    expect(git(t.dir, 'branch', '--show-current').trim()).toBe('orchestrator/next/t1')
    await next.close()
    // A worktree added, its mark never written (the host killed between the two).
    git(repo, 'worktree', 'add', '-q', '--detach', join(root, '_folders', 'todos', '1'), 'HEAD')
    const half = join(root, '_folders', 'todos', '2')
    mkdirSync(half, { recursive: true })
    writeFileSync(join(half, 'left.txt'), 'half made\n')
    // The sweep removes it, and the branches of the mission whose folders were taken over.
    expect(await GitWorktrees.sweep({ repoDir: repo, root, env }, new Set())).toEqual(['gone'])
    expect(git(repo, 'worktree', 'list', '--porcelain').match(/^worktree /gm)).toHaveLength(1)
    const again = new GitWorktrees({ repoDir: repo, root, missionId: 'again', env })
    await again.prepare(ref, { folders: 2 })
    const t2 = await again.open('x')
    await again.open('y')
    expect(existsSync(join(again.dirOf('y') ?? '', 'left.txt'))).toBe(false)
    expect(t2.dir).toBe(join(root, '_folders', 'todos', '1'))
    await again.close()
    expect(git(repo, 'for-each-ref', 'refs/heads/orchestrator/')).toBe('')
  })

  it('keeps ids from a plan inside its folder and out of git options; close leaves nothing behind', async () => {
    const repo = userRepo()
    const before = userSide(repo)
    const { wt } = await mission(repo, 'm2')
    const hostile = ['../../escape', '-D', 'integration', 'a b;rm -rf ~', 'ünïcode', '']
    const names = hostile.map(namePart)
    expect(new Set(names).size).toBe(hostile.length)
    for (const n of names) expect(n).toMatch(/^[A-Za-z0-9][A-Za-z0-9_-]*$/)
    for (const id of hostile) {
      const t = await wt.open(id)
      expect(relative(join(wt.integrationDir, '..'), t.dir).startsWith('..')).toBe(false)
      writeFileSync(join(t.dir, `${namePart(id)}.txt`), id)
      await wt.commit(id, `Todo ${id}`)
      expect(await wt.merge(id, `Merge ${id}`)).toMatchObject({ merged: true })
    }
    await wt.close()
    expect(git(repo, 'branch', '--list', 'orchestrator/*')).toBe('')
    expect(git(repo, 'worktree', 'list', '--porcelain').match(/^worktree /gm)).toHaveLength(1)
    expect(existsSync(wt.integrationDir)).toBe(false)
    expect(userSide(repo)).toEqual(before)
  })

  it('works in the folder that stands for a subfolder workspace, and lists the folders it made (also when loaded again)', async () => {
    const repo = userRepo()
    const sub = join(repo, 'packages', 'app')
    mkdirSync(sub, { recursive: true })
    writeFileSync(join(sub, 'app.txt'), 'app\n')
    const ref = await baseRef(sub)
    const root = temp('orch-wt-root-')
    const wt = await GitWorktrees.load({ repoDir: sub, root, missionId: 'sub', env })
    const prepared = await wt.prepare(ref)
    const t = await wt.open('t1')
    expect(relative(wt.integrationDir, prepared.dir)).toBe(join('packages', 'app'))
    expect(readFileSync(join(t.dir, 'app.txt'), 'utf8')).toBe('app\n')
    // The base is the whole repository's working state, not the subfolder's alone.
    expect(readFileSync(join(wt.integrationDir, 'untracked.txt'), 'utf8')).toBe('untracked\n')
    expect(readFileSync(join(wt.integrationDir, 'a.txt'), 'utf8')).toContain('(uncommitted)')
    expect([...wt.folders()].sort()).toEqual([prepared.dir, t.dir].sort())
    // A resumed mission's host knows them at once, before any call.
    const again = await GitWorktrees.load({ repoDir: sub, root, missionId: 'sub', env })
    expect([...again.folders()].sort()).toEqual([prepared.dir, t.dir].sort())
    // Discarded, its folder stays for the next todo (and is still followed) until the mission closes.
    await wt.discard('t1')
    expect([...wt.folders()].sort()).toEqual([prepared.dir, t.dir].sort())
    await wt.close()
    expect([...wt.folders()]).toEqual([])
  })

  it('names what the integration branch changed since a todo began; close can keep that branch alone', async () => {
    const repo = userRepo()
    const before = userSide(repo)
    const { wt, prepared } = await mission(repo, 'keep')
    const t1 = await wt.open('t1')
    const t2 = await wt.open('t2')
    writeFileSync(join(t1.dir, 'one.txt'), 'one\n')
    await wt.commit('t1', 'one')
    expect(await wt.merge('t1', 'Merge t1')).toMatchObject({ merged: true })
    expect(await wt.changedSince(t2.from)).toEqual(['one.txt'])
    const made = await wt.commit('t2', 'nothing yet')
    expect(made.from).toBe(t2.from)
    // Opened again (its reviewer), the folder says where its branch meets the integration branch:
    // after the integration branch is brought in, that is its new tip.
    expect((await wt.open('t2')).from).toBe(t2.from)
    expect(await wt.refresh('t2')).toEqual({ conflicts: [] })
    const moved = (await wt.open('t2')).from
    expect(moved).toBe(git(repo, 'rev-parse', 'orchestrator/keep/integration').trim())
    expect(moved).not.toBe(t2.from)
    expect((await wt.commit('t2', 'took in t1')).from).toBe(moved)
    await expect(wt.changedSince('--output=/tmp/x')).rejects.toThrow(/not a git object id/)
    await wt.close({ keepIntegration: true })
    expect(existsSync(prepared.dir)).toBe(false)
    expect(git(repo, 'for-each-ref', '--format=%(refname:short)', 'refs/heads/orchestrator/')).toBe(
      'orchestrator/keep/integration\n',
    )
    expect(git(repo, 'worktree', 'list', '--porcelain').match(/^worktree /gm)).toHaveLength(1)
    // The next start's sweep leaves a kept branch that holds work.
    expect(await GitWorktrees.sweep({ repoDir: repo, root: temp('orch-wt-root-'), env }, new Set())).toEqual(
      [],
    )
    git(repo, 'branch', '-D', 'orchestrator/keep/integration')
    expect(userSide(repo)).toEqual(before)
  })

  it('keeps the merged work of a crashed mission when it sweeps its folders and todo branches', async () => {
    const repo = userRepo()
    const root = temp('orch-wt-root-')
    const ref = await baseRef(repo)
    const crashed = new GitWorktrees({ repoDir: repo, root, missionId: 'crashed', env })
    await crashed.prepare(ref)
    const t = await crashed.open('t1')
    writeFileSync(join(t.dir, 'done.txt'), 'done\n')
    await crashed.commit('t1', 'done')
    await crashed.merge('t1', 'Merge t1')
    await crashed.open('t2')
    expect(await GitWorktrees.sweep({ repoDir: repo, root, env }, new Set())).toEqual(['crashed'])
    expect(git(repo, 'worktree', 'list', '--porcelain').match(/^worktree /gm)).toHaveLength(1)
    expect(git(repo, 'for-each-ref', '--format=%(refname:short)', 'refs/heads/orchestrator/')).toBe(
      'orchestrator/crashed/integration\n',
    )
    expect(git(repo, 'show', 'orchestrator/crashed/integration:done.txt')).toBe('done\n')
    git(repo, 'branch', '-D', 'orchestrator/crashed/integration')
  })

  it("lets a worktree's plugin instance find the user's folder whose missions it follows", async () => {
    const repo = userRepo()
    const { wt, prepared } = await mission(repo, 'owners')
    const t = await wt.open('t1')
    mkdirSync(join(t.dir, 'deep', 'er'), { recursive: true })
    for (const dir of [prepared.dir, t.dir, join(t.dir, 'deep', 'er')])
      expect(missionProjectDir(dir)).toBe(repo)
    // The user's own folders and worktrees are their own projects.
    expect(missionProjectDir(repo)).toBe(repo)
    const own = join(temp('orch-wt-own-'), 'own')
    git(repo, 'worktree', 'add', '-q', own, 'HEAD')
    expect(missionProjectDir(own)).toBe(own)
    git(repo, 'worktree', 'remove', '--force', own)
    const outside = temp('orch-wt-nogit-')
    expect(missionProjectDir(outside)).toBe(outside)
    await wt.close()
  })

  it('opens and discards many folders at once without one git call undoing another', async () => {
    const repo = userRepo()
    const { wt } = await mission(repo, 'many')
    const ids = Array.from({ length: 16 }, (_, i) => `t${i}`)
    const [first, second] = [ids.slice(0, 8), ids.slice(8)]
    for (let round = 0; round < 4; round++) {
      const opened = await Promise.all(ids.map((id) => wt.open(id)))
      for (const t of opened) expect(existsSync(join(t.dir, 'a.txt'))).toBe(true)
      // Half go while the other half are opened again (they are there: nothing to add).
      await Promise.all([...first.map((id) => wt.discard(id)), ...second.map((id) => wt.open(id))])
      await Promise.all(second.map((id) => wt.discard(id)))
    }
    // Every round reused the folders the first one made: the user's, the integration one, sixteen.
    expect(git(repo, 'worktree', 'list', '--porcelain').match(/^worktree /gm)).toHaveLength(18)
    await wt.close()
    expect(git(repo, 'worktree', 'list', '--porcelain').match(/^worktree /gm)).toHaveLength(1)
  })
})

describe('the regions a conflict marked', () => {
  it('keeps the first marked regions and cuts a long one', () => {
    const text = ['x', '<<<<<<< HEAD', 'mine', '=======', 'theirs', '>>>>>>> other', 'y'].join('\n')
    expect(markedRegions(text)).toBe('<<<<<<< HEAD\nmine\n=======\ntheirs\n>>>>>>> other')
    expect(markedRegions(`${text}\n${text}`)).toContain('>>>>>>> other\n…\n<<<<<<< HEAD')
    const long = ['<<<<<<< HEAD', 'm'.repeat(3000), '=======', '>>>>>>> o'].join('\n')
    expect(markedRegions(long).endsWith('… (cut)')).toBe(true)
    expect(markedRegions('no markers')).toBe('')
  })
})
