import { appendFile, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import type * as FsPromises from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { JOURNAL_VERSION, type JournalEntryInput } from '../../src/engine/record/entries'
import { JournalVersionError, MissionJournal, serializeEntry } from '../../src/engine/record/journal'
import { JournalFile } from '../../src/node/journal-file'
import { FakeClock } from '../fixtures/fake-clock'
import { testLogger } from '../support/sandbox'

// The file's writes counted and failed at will; they still reach the disk.
vi.mock('node:fs/promises', async (importOriginal) => {
  const fs = await importOriginal<typeof FsPromises>()
  return { ...fs, appendFile: vi.fn(fs.appendFile) }
})

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'journal-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('JournalFile', () => {
  it('reads a missing file as empty and creates folders on first append', async () => {
    const file = new JournalFile(join(dir, 'a', 'b', 'mission.jsonl'))
    expect(await file.readAll()).toEqual([])
    await file.append('{"x":1}')
    expect(await file.readAll()).toEqual(['{"x":1}'])
    expect((await stat(file.path)).mode & 0o777).toBe(0o600)
  })

  it('keeps call order for appends that are not awaited', async () => {
    const file = new JournalFile(join(dir, 'm.jsonl'))
    const writes = Array.from({ length: 200 }, (_, i) => file.append(String(i)))
    await Promise.all(writes)
    expect(await file.readAll()).toEqual(Array.from({ length: 200 }, (_, i) => String(i)))
  })

  it('writes the lines that came during a write together in the next one, in order', async () => {
    const file = new JournalFile(join(dir, 'm.jsonl'))
    vi.mocked(appendFile).mockClear()
    const writes = Array.from({ length: 200 }, (_, i) => file.append(String(i)))
    await Promise.all(writes)
    // The first line went out alone (the folder made, the tail checked); the 199 behind it in one write.
    const calls = vi.mocked(appendFile).mock.calls.filter(([path]) => path === file.path)
    expect(calls.map(([, text]) => String(text).split('\n').length - 1)).toEqual([1, 199])
    expect(await file.readAll()).toEqual(Array.from({ length: 200 }, (_, i) => String(i)))
  })

  it('rejects every append a failed write carried, cuts what it left, and writes the next ones', async () => {
    const file = new JournalFile(join(dir, 'm.jsonl'))
    const real = (await vi.importActual<typeof FsPromises>('node:fs/promises')).appendFile
    // The second write (the two lines that came during the first) lands a part of itself, then fails.
    vi.mocked(appendFile)
      .mockImplementationOnce(real)
      .mockImplementationOnce(async (path) => {
        await real(path, '{"type":"todo.rep')
        throw new Error('no space left on device')
      })
    const first = file.append('{"n":1}')
    const failed = [file.append('{"n":2}'), file.append('{"n":3}')]
    await first
    for (const w of failed) await expect(w).rejects.toThrow('no space left on device')
    await file.append('{"n":4}')
    expect(await file.readAll()).toEqual(['{"n":1}', '{"n":4}'])
  })

  it('rejects a line with a newline and keeps going', async () => {
    const file = new JournalFile(join(dir, 'm.jsonl'))
    await expect(file.append('a\nb')).rejects.toThrow('A journal line must not contain a newline')
    await file.append('ok')
    expect(await readFile(file.path, 'utf8')).toBe('ok\n')
  })

  it('validates its path eagerly', () => {
    expect(() => new JournalFile('')).toThrow(new TypeError('Expected `path` to be a non-empty string, got '))
  })

  it('round-trips a mission through disk with the same state', async () => {
    const path = join(dir, '.opencode', 'orchestrator', 'm1.jsonl')
    const clock = new FakeClock(1000)
    const { journal } = await MissionJournal.open({ store: new JournalFile(path), clock })
    void journal.append({ type: 'mission.started', goal: 'g', options: { apiKey: 'k-123' } })
    void journal.append({
      type: 'plan.accepted',
      iteration: 1,
      todos: [{ id: 'a', title: 'A', description: '', files: ['a.ts'], dependsOn: [], acceptance: [] }],
    })
    await journal.append({ type: 'todo.dispatched', todoId: 'a', sessionId: 's', attempt: 1 })
    const { journal: resumed, skipped } = await MissionJournal.open({ store: new JournalFile(path), clock })
    expect(skipped).toBe(0)
    expect(resumed.snapshot()).toStrictEqual(journal.snapshot())
    expect(await readFile(path, 'utf8')).not.toContain('k-123')
  })
})

const todoA = { id: 'a', title: 'A', description: '', files: ['a.ts'], dependsOn: [], acceptance: [] }
/** A mission whose todo `a` runs, written to `path` through the journal. */
async function runningMission(path: string): Promise<void> {
  const { journal } = await MissionJournal.open({ store: new JournalFile(path), clock: new FakeClock(1000) })
  const entries: JournalEntryInput[] = [
    { type: 'mission.started', goal: 'g', options: {} },
    { type: 'plan.accepted', iteration: 1, todos: [todoA] },
    { type: 'session.created', sessionId: 'w1', role: 'worker', todoId: 'a' },
    { type: 'todo.dispatched', todoId: 'a', sessionId: 'w1', attempt: 1 },
  ]
  for (const e of entries) await journal.append(e)
}
/** What a crash leaves of an append: the first `bytes` of the line, no line end. */
const torn = (line: string, bytes: number) => line.slice(0, bytes)
const reload = async (path: string) =>
  MissionJournal.open({ store: new JournalFile(path), clock: new FakeClock(9000) })

describe('JournalFile: a torn tail', () => {
  it('is cut before the next append, so the entry after a resume is not lost (and the cut is logged)', async () => {
    const path = join(dir, 'm.jsonl')
    await runningMission(path)
    const fragment = torn(
      serializeEntry({
        at: 2,
        type: 'todo.reported',
        todoId: 'a',
        status: 'done',
        summary: 's',
        filesChanged: [],
      }),
      40,
    )
    await appendFile(path, fragment)
    const log = testLogger()
    const { journal: resumed, skipped } = await MissionJournal.open({
      store: new JournalFile(path, { logger: log }),
      clock: new FakeClock(5000),
    })
    expect(skipped).toBe(1)
    expect(resumed.snapshot().todos.a?.status).toBe('running')
    await resumed.append({
      type: 'todo.reported',
      todoId: 'a',
      status: 'done',
      summary: 'did a',
      filesChanged: ['a.ts'],
    })
    await resumed.append({ type: 'todo.verdict', todoId: 'a', verdict: 'pass', findings: [] })
    expect(resumed.snapshot().todos.a?.status).toBe('passed')
    const again = await reload(path)
    expect(again.skipped).toBe(0)
    expect(again.journal.snapshot()).toStrictEqual(resumed.snapshot())
    expect(log.lines).toEqual([`warn journal ${path}: cut a torn last line (${fragment.length} bytes)`])
    expect(await readFile(path, 'utf8')).not.toContain(fragment + '{')
  })

  it("does not swallow a discard's mission.ended: the mission is not offered again", async () => {
    const path = join(dir, 'm.jsonl')
    await runningMission(path)
    await appendFile(path, '{"type":"usage","sessionId":"w1","ro')
    const { journal } = await reload(path)
    await journal.append({
      type: 'mission.ended',
      status: 'stopped',
      reason: 'discarded after an interruption',
    })
    expect((await reload(path)).journal.snapshot()).toMatchObject({ status: 'stopped' })
  })

  it('is cut back to nothing when the file holds no line end at all', async () => {
    const path = join(dir, 'm.jsonl')
    await writeFile(path, '{"type":"mission.sta')
    const file = new JournalFile(path)
    await file.append('{"x":1}')
    expect(await readFile(path, 'utf8')).toBe('{"x":1}\n')
  })

  it('longer than one read is cut at its own start, and the lines before it stay whole', async () => {
    const path = join(dir, 'm.jsonl')
    await runningMission(path)
    const before = await readFile(path, 'utf8')
    await appendFile(path, `{"type":"timeline","spans":[${'[1,2,3],'.repeat(30_000)}`) // ~240 KB
    await new JournalFile(path).append('{"y":2}')
    expect(await readFile(path, 'utf8')).toBe(`${before}{"y":2}\n`)
  })

  it('that is a whole entry missing only its line end is ended, not cut: the file stays what a resume replayed', async () => {
    const path = join(dir, 'm.jsonl')
    await runningMission(path)
    await appendFile(path, serializeEntry({ at: 2, type: 'todo.requeued', todoId: 'a', reason: 'r' }))
    const log = testLogger()
    const { journal } = await MissionJournal.open({
      store: new JournalFile(path, { logger: log }),
      clock: new FakeClock(5000),
    })
    expect(journal.snapshot().todos.a?.status).toBe('pending')
    await journal.append({ type: 'mission.ended', status: 'stopped', reason: 'x' })
    const again = await reload(path)
    expect(again.skipped).toBe(0)
    expect(again.journal.snapshot()).toStrictEqual(journal.snapshot())
    expect(log.lines).toEqual([`warn journal ${path}: its last line had no line end; ended it`])
  })
})

describe('JournalFile: entries that cannot be read', () => {
  it('skips and counts a known type with a bad shape, and replays the rest', async () => {
    const path = join(dir, 'm.jsonl')
    await runningMission(path)
    const good = await readFile(path, 'utf8')
    const lines = good.split('\n')
    // A plan without todos would throw in the reducer; a verdict with a finding that is no string too.
    lines.splice(
      2,
      0,
      '{"type":"plan.accepted","at":3,"iteration":2}',
      '{"type":"todo.verdict","at":4,"todoId":"a","verdict":"pass","findings":[1]}',
    )
    await writeFile(path, lines.join('\n'))
    const { journal, skipped } = await reload(path)
    expect(skipped).toBe(2)
    expect(journal.snapshot().todos.a).toMatchObject({ status: 'running', attempts: 1 })
  })

  it(`refuses a journal a newer version wrote (version > ${JOURNAL_VERSION}), and leaves it alone`, async () => {
    const path = join(dir, 'm.jsonl')
    const text = `${serializeEntry({ at: 1, type: 'mission.started', version: JOURNAL_VERSION + 1, goal: 'g', options: {} })}\n`
    await writeFile(path, text)
    await expect(reload(path)).rejects.toThrow(JournalVersionError)
    await expect(reload(path)).rejects.toThrow(
      `journal version ${JOURNAL_VERSION + 1}; this one reads up to ${JOURNAL_VERSION}`,
    )
    expect(await readFile(path, 'utf8')).toBe(text)
  })
})
