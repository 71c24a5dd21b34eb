import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { JournalFile } from '../../src/node/journal-file'
import { VerbatimFile } from '../../src/node/verbatim-file'
import { Mission } from '../../src/engine/mission'
import { silentLogger } from '../../src/engine/ports'
import { FakeClock } from '../fixtures/fake-clock'
import { FakeOpencode, FakeWorkspace } from '../fixtures/fake-opencode'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'verbatim-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

const modeOf = async (path: string) => (await stat(path)).mode & 0o777

describe('VerbatimFile', () => {
  it('lives beside the journal, under a name no journal listing picks up', () => {
    expect(VerbatimFile.beside('/a/missions/m1.jsonl').path).toBe('/a/missions/m1.verbatim.json')
  })

  it('keeps the texts in an owner-only file, replaced whole, and removes it when nothing is left', async () => {
    const file = new VerbatimFile(join(dir, 'sub', 'm1.verbatim.json'))
    expect(await file.read()).toEqual({})
    await file.write({ check: 'API_KEY=x npm test' })
    expect(await modeOf(file.path)).toBe(0o600)
    expect(await file.read()).toEqual({ check: 'API_KEY=x npm test' })
    await file.write({ check: 'API_KEY=x npm test', steer_1: 'token: hunter2' })
    expect(await file.read()).toEqual({ check: 'API_KEY=x npm test', steer_1: 'token: hunter2' })
    expect(await readdir(join(dir, 'sub'))).toEqual(['m1.verbatim.json']) // no temporary file left
    await file.write({})
    expect(await readdir(join(dir, 'sub'))).toEqual([])
    await file.write({}) // nothing to remove
  })

  it('makes a file another program left readable to others owner-only again', async () => {
    const file = new VerbatimFile(join(dir, 'm1.verbatim.json'))
    await writeFile(file.path, '{}', { mode: 0o644 })
    await file.write({ check: 'x' })
    expect(await modeOf(file.path)).toBe(0o600)
  })

  it('rejects a file that holds something else', async () => {
    const file = new VerbatimFile(join(dir, 'm1.verbatim.json'))
    await writeFile(file.path, '{"check": 1}')
    await expect(file.read()).rejects.toThrow(`${file.path} does not hold an object of texts`)
    await writeFile(file.path, '{"check": "x"')
    await expect(file.read()).rejects.toThrow(SyntaxError)
  })

  it("holds a mission's check with a secret while it runs, and is removed when it ends", async () => {
    const journal = new JournalFile(join(dir, 'm1.jsonl'))
    const verbatim = VerbatimFile.beside(journal.path)
    const check = 'DATABASE_URL=postgres://app:s3cret@db/app npm test'
    const oc = new FakeOpencode()
    const mission = new Mission(
      {
        sessions: oc,
        events: oc,
        workspace: new FakeWorkspace(),
        journal,
        verbatim,
        clock: new FakeClock(),
        logger: silentLogger,
      },
      { id: 'm1', goal: 'Build the thing', check },
    )
    const done = mission.run()
    await vi.waitFor(() => expect(mission.state.phase).toBe('planning')) // started: the check is kept
    expect(await modeOf(verbatim.path)).toBe(0o600)
    expect(JSON.parse(await readFile(verbatim.path, 'utf8'))).toEqual({ check })
    expect(await readFile(journal.path, 'utf8')).not.toContain('s3cret')
    await mission.stop()
    await done
    expect(await readdir(dir)).toEqual(['m1.jsonl'])
    expect(await readFile(journal.path, 'utf8')).toContain('"type":"mission.ended"')
  })
})
