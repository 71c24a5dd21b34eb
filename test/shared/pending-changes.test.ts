import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { MissionChanges } from '../../src/vscode/mission-changes'
import { pendingMissions } from '../../src/vscode/pending-changes'
import { git } from '../support/git-as-user'
import { pendingMission, repository } from '../support/pending-mission'

// Changes a mission left for the user, found again after the window that offered them went: real
// repositories, and journals written with the engine's entries as a worktree mission in `ask` mode
// writes them (the user's decision written by the host's own code).

const dirs: string[] = []
const logged: string[] = []
const log = {
  debug() {},
  info() {},
  warn: (m: string) => void logged.push(m),
  error: (m: string) => void logged.push(m),
}
const temp = (prefix: string) => {
  const d = mkdtempSync(join(tmpdir(), prefix))
  dirs.push(d)
  return d
}
beforeEach(() => {
  logged.length = 0
  vi.stubEnv('XDG_CACHE_HOME', temp('orch-pending-cache-'))
  vi.stubEnv('GIT_CONFIG_NOSYSTEM', '1')
})
afterEach(() => {
  vi.unstubAllEnvs()
  dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true }))
})

const ids = (found: { state: { id: string } }[]) => found.map((p) => p.state.id)

describe('changes waiting for the user, found again from the journals', { timeout: 30_000 }, () => {
  it('are those of the missions still pending whose branch is there, newest first; not one decided or whose branch went', async () => {
    const repo = repository(temp('orch-pending-repo-'))
    const journals = temp('orch-pending-journals-')
    await pendingMission(journals, 'older', repo, 1_000)
    // Decided by the user (Keep Branch) through the host's own path: its branch stays, the changes no longer wait.
    await pendingMission(journals, 'decided', repo, 2_000)
    const changes = new MissionChanges(log, (id) => join(journals, `${id}.jsonl`))
    const [decided] = await pendingMissions(journals, [repo], log, { limit: 1 })
    expect(decided?.state.id).toBe('decided')
    await changes.ended(decided!.state, repo, 'project')
    expect((await changes.keep())?.status).toBe('kept')
    // The user deleted the newest one's branch meanwhile.
    const gone = await pendingMission(journals, 'gone', repo, 3_000)
    git(repo, 'branch', '-D', gone.branch)

    const found = await pendingMissions(journals, [repo], log)
    expect(ids(found)).toEqual(['older'])
    expect(git(repo, 'branch', '--list', 'orchestrator/decided/*').trim()).not.toBe('')
    expect(logged).toEqual([])

    // The mission as it ended, as the dashboard showed it then.
    const older = found[0]!
    expect(older.directory).toBe(repo)
    expect(older.state).toMatchObject({
      id: 'older',
      goal: 'Write older.txt',
      phase: 'completed',
      startedAt: 1_000,
      check: { command: null },
      result: expect.stringContaining('✓ Write older.txt — wrote older.txt'),
      todos: [{ id: 't1', status: 'passed', merge: { result: 'merged', files: ['older.txt'] } }],
      isolation: { mode: 'worktree', branch: 'orchestrator/older/integration', closed: { pending: true } },
    })
    expect(older.state.agents).toMatchObject([
      {
        sessionId: 'p-older',
        role: 'planner',
        title: 'Planner: Write older.txt',
        status: 'done',
        tokens: 100,
      },
      {
        sessionId: 'w-older',
        role: 'worker',
        todoId: 't1',
        title: 'Worker: Write older.txt',
        status: 'done',
      },
    ])
    expect(older.state.tokens).toBe(300)
  })

  it('lead to the same changes, and the same choices, as at the end of the mission', async () => {
    const repo = repository(temp('orch-pending-repo-'))
    const journals = temp('orch-pending-journals-')
    await pendingMission(journals, 'm1', repo, 1_000)
    const [found] = await pendingMissions(journals, [repo], log)
    const changes = new MissionChanges(log, (id) => join(journals, `${id}.jsonl`))
    const set = await changes.ended(found!.state, repo, 'project')
    expect(set?.view).toEqual({
      branch: 'orchestrator/m1/integration',
      target: { folder: 'project', branch: 'main' },
      files: [{ path: 'm1.txt', status: 'added', todos: ['t1'] }],
      status: 'pending',
    })
    expect((await changes.apply())?.status).toBe('applied')
    // Applied: the journal no longer says the changes wait, and the branch is gone.
    expect(await pendingMissions(journals, [repo], log)).toEqual([])
    expect(git(repo, 'branch', '--list', 'orchestrator/*').trim()).toBe('')
  })

  it('count a file applied alone in an earlier window as applied: Apply does the rest, and the branch goes', async () => {
    const repo = repository(temp('orch-pending-repo-'))
    const journals = temp('orch-pending-journals-')
    await pendingMission(journals, 'm1', repo, 1_000, ['x.txt', 'y.txt', 'a.txt'])
    const journalOf = (id: string) => join(journals, `${id}.jsonl`)
    const before = new MissionChanges(log, journalOf)
    await before.ended((await pendingMissions(journals, [repo], log))[0]!.state, repo, 'project')
    expect((await before.apply(['x.txt']))?.status).toBe('pending')
    expect(readFileSync(join(repo, 'x.txt'), 'utf8')).toBe('x.txt from m1\n')

    // The window reloads: the changes are offered again, x.txt applied, the others still to apply.
    const [again] = await pendingMissions(journals, [repo], log)
    const after = new MissionChanges(log, journalOf)
    const set = await after.ended(again!.state, repo, 'project')
    expect(set?.view.files.map((f) => [f.path, f.fate ?? 'open'])).toEqual([
      ['a.txt', 'open'],
      ['x.txt', 'applied'],
      ['y.txt', 'open'],
    ])
    const done = await after.apply()
    expect(done?.status).toBe('applied')
    expect(done?.files.every((f) => f.fate === 'applied')).toBe(true)
    expect(readFileSync(join(repo, 'a.txt'), 'utf8')).toBe('a.txt from m1\n')
    expect(git(repo, 'branch', '--list', 'orchestrator/*').trim()).toBe('')
    expect(await pendingMissions(journals, [repo], log)).toEqual([])
  })

  it('with every file already in the folder, Apply closes them', async () => {
    const repo = repository(temp('orch-pending-repo-'))
    const journals = temp('orch-pending-journals-')
    const { branch } = await pendingMission(journals, 'm1', repo, 1_000)
    git(repo, 'merge', '-q', '--ff-only', branch)
    const [found] = await pendingMissions(journals, [repo], log)
    const changes = new MissionChanges(log, (id) => join(journals, `${id}.jsonl`))
    expect((await changes.ended(found!.state, repo, 'project'))?.view.files[0]?.fate).toBe('applied')
    expect((await changes.apply())?.status).toBe('applied')
    expect(git(repo, 'branch', '--list', 'orchestrator/*').trim()).toBe('')
  })

  it('are only those of the folders asked about, at most `limit`, and a folder that left git offers none', async () => {
    const one = repository(temp('orch-pending-repo-'))
    const two = repository(temp('orch-pending-repo-'))
    const journals = temp('orch-pending-journals-')
    await pendingMission(journals, 'in-one', one, 1_000)
    await pendingMission(journals, 'in-two', two, 2_000)
    writeFileSync(join(journals, 'not-a-journal.jsonl'), 'not json\n')

    expect(ids(await pendingMissions(journals, [one], log))).toEqual(['in-one'])
    expect(ids(await pendingMissions(journals, [one, two], log))).toEqual(['in-two', 'in-one'])
    expect(ids(await pendingMissions(journals, [one, two], log, { limit: 1 }))).toEqual(['in-two'])
    expect(await pendingMissions(journals, [temp('orch-pending-elsewhere-')], log)).toEqual([])
    expect(await pendingMissions(join(journals, 'none-here'), [one], log)).toEqual([])

    rmSync(join(two, '.git'), { recursive: true, force: true })
    expect(ids(await pendingMissions(journals, [one, two], log))).toEqual(['in-one'])
  })
})
