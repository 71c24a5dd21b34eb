import { mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { MissionJournal } from '../../src/engine/record/journal'
import { JournalFile } from '../../src/node/journal-file'
import { FakeClock } from '../fixtures/fake-clock'

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
