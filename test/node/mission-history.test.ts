import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { JournalEntry, MissionSummary } from '../../src/engine/record/entries'
import { serializeEntry } from '../../src/engine/record/journal'
import { MissionHistory } from '../../src/node/mission-history'
import * as journalFile from '../../src/node/journal-file'
import { testLogger } from '../support/sandbox'

const dirs: string[] = []
afterEach(() => {
  dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true }))
  vi.restoreAllMocks()
})

const summary = (goal: string, startedAt: number): MissionSummary => ({
  goal,
  status: 'completed',
  reason: '',
  startedAt,
  endedAt: startedAt + 5000,
  durationMs: 5000,
  todos: { passed: 2, total: 3 },
  tokens: 1200,
  cost: 0.01,
  check: { command: 'npm test', exitCode: 0 },
})

function journal(dir: string, id: string, goal: string, at: number, finished = true, padding = 0): void {
  const entries: JournalEntry[] = [
    { at, type: 'mission.started', version: 1, goal, options: {} },
    // Bulk in the middle, as a long mission's journal has: the reader must not need it.
    ...Array.from({ length: padding }, (_, i): JournalEntry => ({
      at: at + i,
      type: 'todo.requeued',
      todoId: `t${i}`,
      reason: 'x'.repeat(200),
    })),
  ]
  if (finished)
    entries.push(
      { at: at + 5000, type: 'mission.ended', status: 'completed', reason: '' },
      { at: at + 5000, type: 'mission.summary', summary: summary(goal, at) },
    )
  writeFileSync(join(dir, `${id}.jsonl`), entries.map((e) => serializeEntry(e) + '\n').join(''))
}

const folder = () => {
  const d = mkdtempSync(join(tmpdir(), 'orch-history-'))
  dirs.push(d)
  return d
}

describe('mission history', () => {
  it('lists missions newest first from their summary lines, an unfinished one from its start', async () => {
    const dir = folder()
    journal(dir, 'old', 'Old goal', 1_000)
    journal(dir, 'new', 'New goal', 3_000)
    journal(dir, 'cut', 'Interrupted goal', 2_000, false)
    const items = await new MissionHistory(dir, testLogger()).list()
    expect(items.map((i) => i.id)).toEqual(['new', 'cut', 'old'])
    expect(items[0]?.summary).toEqual(summary('New goal', 3_000))
    expect(items[1]).toEqual({ id: 'cut', goal: 'Interrupted goal', startedAt: 2_000 })
  })

  it('skips a corrupt line and a journal that is not one, saying which file', async () => {
    const dir = folder()
    journal(dir, 'a', 'Goal A', 1_000)
    appendFileSync(join(dir, 'a.jsonl'), '{"torn": \n')
    writeFileSync(join(dir, 'junk.jsonl'), 'not json at all\n')
    const log = testLogger()
    const items = await new MissionHistory(dir, log).list()
    expect(items.map((i) => i.id)).toEqual(['a'])
    expect(items[0]?.summary?.goal).toBe('Goal A')
    expect(
      log.lines.some((l) => l.startsWith('warn') && l.includes('a.jsonl') && l.includes('skipped 1 line')),
    ).toBe(true)
    expect(log.lines.some((l) => l.includes('junk.jsonl') && l.includes('left out of the history'))).toBe(
      true,
    )
  })

  it('reads many long journals without replaying any', async () => {
    const dir = folder()
    for (let i = 0; i < 40; i++) journal(dir, `m${i}`, `Goal ${i}`, 1_000 + i, true, 400)
    const readAll = vi.spyOn(journalFile.JournalFile.prototype, 'readAll')
    const items = await new MissionHistory(dir, testLogger()).list()
    expect(items).toHaveLength(40)
    expect(items[0]?.goal).toBe('Goal 39')
    expect(readAll).not.toHaveBeenCalled()
    // Opening one replays that journal only.
    const snap = await new MissionHistory(dir, testLogger()).open('m3')
    expect(readAll).toHaveBeenCalledTimes(1)
    expect(snap).toMatchObject({ goal: 'Goal 3', status: 'completed' })
  })

  it("lists the missions of several journal folders together, each named by its folder's origin, and opens any", async () => {
    const own = folder()
    const project = folder()
    journal(own, 'vscode', 'From the dashboard', 1_000)
    journal(project, 'tui', 'From /task', 2_000)
    journal(project, 'cli-cut', 'From the CLI, cut short', 1_500, false)
    const h = new MissionHistory(
      () => [{ dir: own }, { dir: project, origin: 'CLI or /task in app' }],
      testLogger(),
    )
    const items = await h.list()
    expect(items.map((i) => [i.id, i.origin])).toEqual([
      ['tui', 'CLI or /task in app'],
      ['cli-cut', 'CLI or /task in app'],
      ['vscode', undefined],
    ])
    expect((await h.open('tui')).goal).toBe('From /task')
    expect((await h.open('vscode')).goal).toBe('From the dashboard')
    await expect(h.open('nope')).rejects.toThrow(`no journal for mission nope in ${own} or ${project}`)
  })

  it('refuses to open an unknown or malformed id with a clear message', async () => {
    const dir = folder()
    const h = new MissionHistory(dir, testLogger())
    await expect(h.open('nope')).rejects.toThrow('no journal for mission nope')
    await expect(h.open('../x')).rejects.toThrow('"../x" is not a mission id of this workspace')
  })
})
