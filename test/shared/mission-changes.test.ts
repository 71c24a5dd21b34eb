import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { MissionJournal, parseEntries } from '../../src/engine/record/journal'
import { summarizeMission } from '../../src/engine/record/mission-summary'
import { systemClock } from '../../src/engine/ports'
import { JournalFile } from '../../src/node/journal-file'
import { replay } from '../../src/engine/record/replay'
import type { MissionState } from '../../src/engine/record/mission-state'
import { captureGitBase } from '../../src/node/git-base'
import { GitWorktrees } from '../../src/node/git-worktrees'
import { worktreeRoot } from '../../src/node/mission-worktrees'
import type { ChangesView } from '../../src/shared/protocol'
import { MissionChanges } from '../../src/vscode/mission-changes'
import { missionState, todoState } from '../fixtures/mission-state'
import { git } from '../support/git-as-user'

// The host's side of worktree mode's end (applyChanges: ask), on real repositories: the mission's
// branch as the engine leaves it, and the user's choices carried out on it.

const dirs: string[] = []
const temp = (prefix: string) => {
  const d = mkdtempSync(join(tmpdir(), prefix))
  dirs.push(d)
  return d
}
beforeEach(() => {
  vi.stubEnv('XDG_CACHE_HOME', temp('orch-changes-cache-'))
  vi.stubEnv('GIT_CONFIG_NOSYSTEM', '1')
})
afterEach(() => {
  vi.unstubAllEnvs()
  dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true }))
})

const silent = { debug() {}, info() {}, warn() {}, error() {} }

/**
 * A user's repository and a mission that ended in it the way the engine ends one in `ask` mode: two
 * todos merged (a.txt and b.txt changed, c.txt added), every worktree gone, the integration branch kept.
 */
async function endedMission(): Promise<{ repo: string; final: MissionState; branch: string }> {
  const repo = temp('orch-changes-repo-')
  git(repo, 'init', '-q', '-b', 'main')
  writeFileSync(join(repo, 'a.txt'), 'a\n')
  writeFileSync(join(repo, 'b.txt'), 'b\n')
  git(repo, 'add', '.')
  git(repo, 'commit', '-qm', 'start')
  const base = await captureGitBase(repo, process.env)
  if (base.kind !== 'git') throw new Error(base.reason)
  const wt = new GitWorktrees({ repoDir: repo, root: worktreeRoot(repo, process.env), missionId: 'm1' })
  const prepared = await wt.prepare(base.ref)
  const work = async (id: string, files: Record<string, string>) => {
    const { dir } = await wt.open(id)
    for (const [f, text] of Object.entries(files)) writeFileSync(join(dir, f), text)
    await wt.commit(id, id)
    const merged = await wt.merge(id, `Merge ${id}`)
    if (!merged.merged) throw new Error(`${id} did not merge`)
  }
  await work('t1', { 'a.txt': 'a from t1\n', 'c.txt': 'new\n' })
  await work('t2', { 'b.txt': 'b from t2\n' })
  await wt.close({ keepIntegration: true })
  const final = missionState({
    id: 'm1',
    phase: 'completed',
    todos: [
      todoState('t1', 'passed', { title: 'One', merge: { result: 'merged', files: ['a.txt', 'c.txt'] } }),
      todoState('t2', 'passed', { title: 'Two', merge: { result: 'merged', files: ['b.txt'] } }),
    ],
    isolation: {
      ...prepared,
      mode: 'worktree',
      closed: { applied: [], skipped: [], keptBranch: prepared.branch, pending: true },
    },
  })
  return { repo, final, branch: prepared.branch }
}

const lastSummary = (path: string) =>
  parseEntries(readFileSync(path, 'utf8').split('\n').filter(Boolean))
    .entries.flatMap((e) => (e.type === 'mission.summary' ? [e.summary] : []))
    .at(-1)

/** The journal of the mission as its engine closed it: ended, its changes pending, summarised. */
async function endedJournal(final: MissionState): Promise<string> {
  const path = join(temp('orch-changes-journal-'), 'm1.jsonl')
  const { journal } = await MissionJournal.open({ store: new JournalFile(path), clock: systemClock })
  const isolation = final.isolation
  if (isolation?.mode !== 'worktree') throw new Error('a worktree mission')
  const { closed, ...record } = isolation
  await journal.append({ type: 'mission.started', goal: final.goal, options: {} })
  await journal.append({ type: 'isolation', ...record })
  await journal.append({ type: 'isolation.closed', ...closed! })
  await journal.append({ type: 'mission.ended', status: 'completed', reason: '' })
  const snap = journal.snapshot()
  await journal.append({
    type: 'mission.summary',
    summary: summarizeMission(snap, { status: 'completed', reason: '', at: snap.endedAt ?? 0 }),
  })
  return path
}

const journalOf = (path: string) =>
  replay(parseEntries(readFileSync(path, 'utf8').split('\n').filter(Boolean)).entries).isolationClosed
const branches = (repo: string) => git(repo, 'branch', '--format=%(refname:short)').trim().split('\n')
const fates = (v: ChangesView | undefined) => v?.files.map((f) => [f.path, f.fate ?? 'open'])

// Real repositories, a dozen git calls per test: more than the default 5 s on a busy machine.
describe("a mission's changes left for the user", { timeout: 30_000 }, () => {
  it('are read with their todos, the branch and the folder they would go to', async () => {
    const { repo, final, branch } = await endedMission()
    const changes = new MissionChanges(silent, () => join(repo, '..', 'journal.jsonl'))
    const seen: ChangesView[] = []
    changes.changes.on((v) => seen.push(v))
    const set = await changes.ended(final, repo, 'my-project')
    expect(set?.view).toEqual({
      branch,
      target: { folder: 'my-project', branch: 'main' },
      files: [
        { path: 'a.txt', status: 'modified', todos: ['t1'] },
        { path: 'b.txt', status: 'modified', todos: ['t2'] },
        { path: 'c.txt', status: 'added', todos: ['t1'] },
      ],
      status: 'pending',
    })
    expect(seen).toHaveLength(1)
    expect(changes.of('m1')).toBe(set)
    expect(changes.of('another')).toBeUndefined()
  })

  it('are not offered when the mission applied them itself, or ran shared', async () => {
    const { repo, final } = await endedMission()
    const changes = new MissionChanges(silent, () => join(repo, 'journal.jsonl'))
    const auto = { ...final, isolation: { ...final.isolation!, closed: { applied: ['a.txt'], skipped: [] } } }
    expect(await changes.ended(auto, repo, 'p')).toBeUndefined()
    const shared = { ...final, isolation: { mode: 'shared' as const, reason: 'not in git' } }
    expect(await changes.ended(shared, repo, 'p')).toBeUndefined()
  })

  it('apply file by file; the last one removes the branch, and the journal says what was applied', async () => {
    const { repo, final, branch } = await endedMission()
    const journal = join(temp('orch-changes-journal-'), 'm1.jsonl')
    const changes = new MissionChanges(silent, () => journal)
    await changes.ended(final, repo, 'my-project')
    const one = await changes.apply(['c.txt'])
    expect(readFileSync(join(repo, 'c.txt'), 'utf8')).toBe('new\n')
    expect(readFileSync(join(repo, 'a.txt'), 'utf8')).toBe('a\n')
    expect(fates(one)).toEqual([
      ['a.txt', 'open'],
      ['b.txt', 'open'],
      ['c.txt', 'applied'],
    ])
    expect(one?.status).toBe('pending')
    expect(branches(repo)).toContain(branch)
    expect(existsSync(journal)).toBe(false) // nothing decided yet
    const rest = await changes.apply()
    expect(rest?.status).toBe('applied')
    expect(readFileSync(join(repo, 'a.txt'), 'utf8')).toBe('a from t1\n')
    expect(readFileSync(join(repo, 'b.txt'), 'utf8')).toBe('b from t2\n')
    expect(branches(repo)).toEqual(['main'])
    expect(git(repo, 'worktree', 'list').trim().split('\n')).toHaveLength(1)
    expect(journalOf(journal)).toEqual({ applied: ['a.txt', 'b.txt', 'c.txt'], skipped: [] })
  })

  it('leave a file the user changed since the start, and keep the branch for its merge', async () => {
    const { repo, final, branch } = await endedMission()
    const journal = await endedJournal(final)
    expect(lastSummary(journal)?.worktrees).toMatchObject({ applied: 0, keptBranch: branch })
    const changes = new MissionChanges(silent, () => journal)
    await changes.ended(final, repo, 'my-project')
    writeFileSync(join(repo, 'b.txt'), 'mine\n')
    const view = await changes.apply()
    expect(view?.status).toBe('partial')
    expect(fates(view)).toEqual([
      ['a.txt', 'applied'],
      ['b.txt', 'skipped'],
      ['c.txt', 'applied'],
    ])
    expect(readFileSync(join(repo, 'b.txt'), 'utf8')).toBe('mine\n')
    expect(git(repo, 'show', `${branch}:b.txt`)).toBe('b from t2\n')
    expect(journalOf(journal)).toEqual({
      applied: ['a.txt', 'c.txt'],
      skipped: ['b.txt'],
      keptBranch: branch,
    })
    // The history reads the journal's last summary: it says so too.
    expect(lastSummary(journal)?.worktrees).toMatchObject({
      applied: 2,
      skipped: ['b.txt'],
      keptBranch: branch,
    })
    // Once merged by hand, the branch can go.
    expect((await changes.discard())?.status).toBe('discarded')
    expect(branches(repo)).toEqual(['main'])
  })

  it('keep the branch untouched, or discard it with nothing applied', async () => {
    const { repo, final, branch } = await endedMission()
    const journal = join(temp('orch-changes-journal-'), 'm1.jsonl')
    const changes = new MissionChanges(silent, () => journal)
    await changes.ended(final, repo, 'my-project')
    expect((await changes.keep())?.status).toBe('kept')
    expect(branches(repo)).toContain(branch)
    expect(readFileSync(join(repo, 'a.txt'), 'utf8')).toBe('a\n')
    expect(journalOf(journal)).toEqual({ applied: [], skipped: [], keptBranch: branch })
    // A kept branch applies no more: that is the user's merge now.
    expect((await changes.apply())?.status).toBe('kept')
    expect(readFileSync(join(repo, 'a.txt'), 'utf8')).toBe('a\n')

    const again = await endedMission()
    const other = new MissionChanges(silent, () => join(again.repo, '..', 'j.jsonl'))
    await other.ended(again.final, again.repo, 'my-project')
    expect((await other.discard())?.status).toBe('discarded')
    expect(branches(again.repo)).toEqual(['main'])
    expect(existsSync(join(again.repo, 'c.txt'))).toBe(false)
  })

  it('do one action at a time, and keep a failure in the view', async () => {
    const { repo, final } = await endedMission()
    const changes = new MissionChanges(silent, () => join(repo, '..', 'journal.jsonl'))
    await changes.ended(final, repo, 'my-project')
    const busy: boolean[] = []
    changes.changes.on((v) => busy.push(v.busy ?? false))
    const first = changes.apply()
    expect(await changes.keep()).toBeUndefined() // refused while Apply runs
    await first
    expect(busy).toEqual([true, false])

    const next = await endedMission()
    const broken = new MissionChanges(silent, () => join(next.repo, '..', 'journal.jsonl'))
    await broken.ended(next.final, next.repo, 'my-project')
    git(next.repo, 'branch', '-D', next.branch)
    const failed = await broken.apply()
    expect(failed?.status).toBe('pending')
    expect(failed?.error).toMatch(/integration/)
  })
})
