import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { Clock } from '../../src/engine/ports'
import { MissionJournal } from '../../src/engine/record/journal'
import { summarizeMission } from '../../src/engine/record/mission-summary'
import { JournalFile } from '../../src/node/journal-file'
import { MissionHistory } from '../../src/node/mission-history'
import { lastFinishedMission } from '../../src/vscode/last-mission'

// What the dashboard shows when a window opens and no mission runs: journals written with the
// engine's own entries, as missions that ended, one that was interrupted, and one of another folder.

const dirs: string[] = []
const logged: string[] = []
const log = { debug() {}, info() {}, warn: (m: string) => void logged.push(m), error() {} }
const temp = (prefix: string) => {
  const d = mkdtempSync(join(tmpdir(), prefix))
  dirs.push(d)
  return d
}
afterEach(() => {
  logged.length = 0
  dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true }))
})

const clockFrom = (at: number): Clock => ({ now: () => at++, setTimeout: () => () => {} })

/** Mission `id` in `directory`, started at `at`: one todo passed; ended (and summarised) unless `interrupted`. */
async function journaled(journals: string, id: string, directory: string, at: number, interrupted = false) {
  const { journal } = await MissionJournal.open({
    store: new JournalFile(join(journals, `${id}.jsonl`)),
    clock: clockFrom(at),
  })
  await journal.append({ type: 'mission.started', goal: `Goal of ${id}`, options: {}, directory })
  await journal.append({
    type: 'plan.accepted',
    iteration: 1,
    todos: [{ id: 't1', title: 'Do it', description: '', files: [], dependsOn: [], acceptance: [] }],
  })
  await journal.append({ type: 'session.created', sessionId: `w-${id}`, role: 'worker', todoId: 't1' })
  await journal.append({ type: 'todo.dispatched', todoId: 't1', sessionId: `w-${id}`, attempt: 1 })
  if (interrupted) return
  await journal.append({
    type: 'todo.reported',
    todoId: 't1',
    status: 'done',
    summary: 'did it',
    filesChanged: [],
  })
  await journal.append({ type: 'todo.verdict', todoId: 't1', verdict: 'pass', findings: [] })
  await journal.append({ type: 'mission.ended', status: 'completed', reason: '' })
  const snap = journal.snapshot()
  await journal.append({
    type: 'mission.summary',
    summary: summarizeMission(snap, { status: 'completed', reason: '', at: snap.endedAt ?? at }),
  })
}

/** As the host asks: with the journals its mission list read. */
const last = async (journals: string, directories: string[]) =>
  lastFinishedMission(journals, await new MissionHistory(journals, log).list(), directories, log)

describe('the mission shown when a window opens', () => {
  it("is the newest that ended in one of the window's folders, as it ended; not an interrupted one nor another folder's", async () => {
    const [journals, mine, other] = [temp('orch-last-j-'), temp('orch-last-a-'), temp('orch-last-b-')]
    await journaled(journals, 'older', mine, 1_000)
    await journaled(journals, 'newest-here', mine, 2_000)
    await journaled(journals, 'interrupted', mine, 3_000, true)
    await journaled(journals, 'elsewhere', other, 4_000)
    const found = await last(journals, [mine])
    expect(found?.directory).toBe(mine)
    expect(found?.state).toMatchObject({ id: 'newest-here', goal: 'Goal of newest-here', phase: 'completed' })
    expect(found?.state.todos.map((t) => [t.id, t.status])).toEqual([['t1', 'passed']])
    // No agent of a mission that ended is shown working.
    expect(found?.state.agents.every((a) => a.status === 'done')).toBe(true)
    expect((await last(journals, [other]))?.state.id).toBe('elsewhere')
  })

  it('is none in a folder where no mission ended, and a journal that cannot be read is passed over', async () => {
    const [journals, mine] = [temp('orch-last-j-'), temp('orch-last-a-')]
    await journaled(journals, 'interrupted', mine, 1_000, true)
    expect(await last(journals, [mine])).toBeUndefined()
    expect(await last(join(journals, 'none'), [mine])).toBeUndefined()
    await journaled(journals, 'ok', mine, 2_000)
    // A newer journal whose summary line is there but whose entries are not.
    writeFileSync(
      join(journals, 'torn.jsonl'),
      `${JSON.stringify({ v: 1, seq: 1, at: 9_000, type: 'mission.started', goal: 'torn', options: {}, directory: mine })}\nnot json\n${JSON.stringify({ v: 1, seq: 3, at: 9_002, type: 'mission.summary', summary: {} })}\n`,
    )
    expect((await last(journals, [mine]))?.state.id).toBe('ok')
  })
})
