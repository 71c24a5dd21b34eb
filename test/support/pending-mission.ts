import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Clock } from '../../src/engine/ports'
import { MissionJournal } from '../../src/engine/record/journal'
import { summarizeMission } from '../../src/engine/record/mission-summary'
import { captureGitBase } from '../../src/node/git-base'
import { GitWorktrees } from '../../src/node/git-worktrees'
import { JournalFile } from '../../src/node/journal-file'
import { worktreeRoot } from '../../src/node/mission-worktrees'
import { git } from './git-as-user'

// Worktree missions that ended leaving their changes for the user (`applyChanges: ask`), in real
// repositories, their journals written with the engine's own entries.

/** A repository in `repo` (an empty folder) with one commit on main. */
export function repository(repo: string): string {
  git(repo, 'init', '-q', '-b', 'main')
  writeFileSync(join(repo, 'a.txt'), 'a\n')
  git(repo, 'add', '.')
  git(repo, 'commit', '-qm', 'start')
  return repo
}

/** A journal clock that starts at `at` and ticks a millisecond per entry. */
const clockFrom = (at: number): Clock => ({ now: () => at++, setTimeout: () => () => {} })

/**
 * Mission `id` in `repo`, started at `at`, ended the way the engine ends a worktree mission in `ask`
 * mode: one todo merged (it writes `files`, by default `<id>.txt`), its worktrees gone, the
 * integration branch kept and the changes left pending, then ended and summarised. Returns its
 * journal and branch.
 */
export async function pendingMission(
  journalDir: string,
  id: string,
  repo: string,
  at: number,
  files = [`${id}.txt`],
): Promise<{ path: string; branch: string }> {
  const base = await captureGitBase(repo, process.env)
  if (base.kind !== 'git') throw new Error(base.reason)
  const wt = new GitWorktrees({ repoDir: repo, root: worktreeRoot(repo, process.env), missionId: id })
  const prepared = await wt.prepare(base.ref)
  const file = files.join(', ')
  const { dir } = await wt.open('t1')
  for (const f of files) writeFileSync(join(dir, f), `${f} from ${id}\n`)
  await wt.commit('t1', 't1')
  const merged = await wt.merge('t1', 'Merge t1')
  if (!merged.merged) throw new Error('t1 did not merge')
  await wt.close({ keepIntegration: true })

  const path = join(journalDir, `${id}.jsonl`)
  const { journal } = await MissionJournal.open({ store: new JournalFile(path), clock: clockFrom(at) })
  await journal.append({ type: 'mission.started', goal: `Write ${file}`, options: {}, directory: repo })
  await journal.append({ type: 'isolation', ...prepared, mode: 'worktree' })
  await journal.append({
    type: 'plan.accepted',
    iteration: 1,
    todos: [{ id: 't1', title: `Write ${file}`, description: '', files, dependsOn: [], acceptance: [] }],
  })
  await journal.append({ type: 'session.created', sessionId: `p-${id}`, role: 'planner' })
  await journal.append({ type: 'usage', sessionId: `p-${id}`, role: 'planner', tokens: 100, cost: 0.01 })
  await journal.append({ type: 'session.created', sessionId: `w-${id}`, role: 'worker', todoId: 't1' })
  await journal.append({ type: 'todo.dispatched', todoId: 't1', sessionId: `w-${id}`, attempt: 1 })
  await journal.append({ type: 'usage', sessionId: `w-${id}`, role: 'worker', tokens: 200, cost: 0.02 })
  await journal.append({
    type: 'todo.reported',
    todoId: 't1',
    status: 'done',
    summary: `wrote ${file}`,
    filesChanged: files,
  })
  await journal.append({
    type: 'todo.verdict',
    todoId: 't1',
    verdict: 'pass',
    findings: [],
    merge: { result: 'merged', files, commit: merged.commit },
  })
  await journal.append({
    type: 'isolation.closed',
    applied: [],
    skipped: [],
    keptBranch: prepared.branch,
    pending: true,
  })
  await journal.append({ type: 'mission.ended', status: 'completed', reason: '' })
  const snap = journal.snapshot()
  await journal.append({
    type: 'mission.summary',
    summary: summarizeMission(snap, { status: 'completed', reason: '', at: snap.endedAt ?? at }),
  })
  return { path, branch: prepared.branch }
}
