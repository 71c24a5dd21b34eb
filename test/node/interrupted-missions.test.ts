import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { JournalEntry } from '../../src/engine/record/entries'
import { parseEntries, serializeEntry } from '../../src/engine/record/journal'
import { replay } from '../../src/engine/record/replay'
import { systemClock } from '../../src/engine/ports'
import { discardMission, latestInterrupted, newestIfInterrupted } from '../../src/node/interrupted-missions'
import { JournalFile } from '../../src/node/journal-file'
import { lockPath } from '../../src/node/project-lock'
import { ownershipPath, writeOwnership } from '../../src/plugin/ownership'
import { testLogger } from '../support/sandbox'

let root: string
let journals: string
let project: string
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'orch-interrupted-'))
  journals = join(root, 'missions')
  project = join(root, 'project')
  mkdirSync(journals)
  mkdirSync(project)
})
afterEach(() => rmSync(root, { recursive: true, force: true }))

const started = (goal: string, at: number, directory?: string): JournalEntry => ({
  type: 'mission.started',
  at,
  version: 1,
  goal,
  options: {},
  ...(directory !== undefined && { directory }),
})

function journal(id: string, entries: JournalEntry[], mtimeSec: number): void {
  const path = join(journals, `${id}.jsonl`)
  writeFileSync(path, entries.map((e) => `${serializeEntry(e)}\n`).join(''))
  utimesSync(path, mtimeSec, mtimeSec)
}

const ended = (at: number): JournalEntry => ({ type: 'mission.ended', at, status: 'stopped', reason: 'x' })

describe('interrupted missions', () => {
  it('offers the newest journal when it has no end, with the folder it worked in', async () => {
    journal('old', [started('old goal', 1, project)], 1_000)
    journal('new', [started('new goal', 2, project)], 2_000)
    expect(await newestIfInterrupted(journals)).toEqual({ id: 'new', goal: 'new goal', directory: project })
    journal('new', [started('new goal', 2), ended(3)], 2_000)
    expect(await newestIfInterrupted(journals)).toBeUndefined()
    // The CLI's default resume looks past missions that ended after it.
    expect(await latestInterrupted(journals, testLogger())).toEqual({
      id: 'old',
      goal: 'old goal',
      directory: project,
    })
  })

  it('does not offer a journal a newer version wrote (it could neither be resumed nor discarded)', async () => {
    journal('future', [{ ...started('goal', 1, project), version: 99 } as JournalEntry], 1_000)
    expect(await newestIfInterrupted(journals)).toBeUndefined()
    expect(await latestInterrupted(journals, testLogger())).toBeUndefined()
    journal('now', [started('goal', 2, project)], 2_000)
    expect(await newestIfInterrupted(journals)).toEqual({ id: 'now', goal: 'goal', directory: project })
  })

  it('a discard marks the mission stopped and removes its ownership file and its dead host’s lock', async () => {
    journal('m1', [started('goal', 1, project)], 1_000)
    await writeOwnership(project, {
      missionId: 'm1',
      todos: ['a'],
      sessions: { s: { todoId: 'a', files: ['a'] } },
    })
    const pid = spawnSync(process.execPath, [
      '-e',
      'process.stdout.write(String(process.pid))',
    ]).stdout.toString()
    writeFileSync(
      lockPath(project),
      JSON.stringify({ pid: Number(pid), host: hostname(), missionId: 'm1', startedAt: 1, runner: 'vscode' }),
    )
    await discardMission(journals, 'm1', { clock: systemClock, log: testLogger() })
    expect(existsSync(ownershipPath(project, 'm1'))).toBe(false)
    expect(existsSync(lockPath(project))).toBe(false)
    expect(existsSync(join(project, '.opencode'))).toBe(false)
    const snap = replay(parseEntries(await new JournalFile(join(journals, 'm1.jsonl')).readAll()).entries)
    expect(snap.status).toBe('stopped')
    expect(await newestIfInterrupted(journals)).toBeUndefined()
  })

  it('a discard leaves another mission’s ownership and a live holder’s lock alone', async () => {
    journal('m1', [started('goal', 1, project)], 1_000)
    await writeOwnership(project, { missionId: 'm1', todos: [], sessions: {} })
    await writeOwnership(project, { missionId: 'm2', todos: [], sessions: {} })
    const live = { pid: process.pid, host: hostname(), missionId: 'm1', startedAt: 1, runner: 'cli' }
    writeFileSync(lockPath(project), JSON.stringify(live))
    await discardMission(journals, 'm1', { clock: systemClock, log: testLogger() })
    expect(existsSync(ownershipPath(project, 'm1'))).toBe(false)
    expect(existsSync(ownershipPath(project, 'm2'))).toBe(true)
    expect(existsSync(lockPath(project))).toBe(true)
  })
})
