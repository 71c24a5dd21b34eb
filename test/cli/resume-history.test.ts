import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { historyCommand } from '../../src/cli/history-command'
import type { CliIo } from '../../src/cli/io'
import { runCommand } from '../../src/cli/run-command'
import type { JournalEntry, MissionSummary } from '../../src/engine/record/entries'
import { serializeEntry } from '../../src/engine/record/journal'
import { lockPath } from '../../src/node/project-lock'

let dir: string
let journals: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'orch-cli-resume-'))
  journals = join(dir, '.opencode', 'orchestrator')
  mkdirSync(journals, { recursive: true })
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

function io(): CliIo & { out: string; err: string } {
  const o = {
    out: '',
    err: '',
    stdout: (t: string) => void (o.out += t),
    stderr: (t: string) => void (o.err += t),
    env: { PATH: join(dir, 'no-bin') },
    cwd: dir,
    packageRoot: dir,
  }
  return o
}

const started = (goal: string, at: number): JournalEntry => ({
  type: 'mission.started',
  at,
  version: 1,
  goal,
  options: {},
  directory: dir,
})
const summary = (goal: string, at: number): MissionSummary => ({
  goal,
  status: 'completed',
  reason: 'all todos passed',
  startedAt: at,
  endedAt: at + 65_000,
  durationMs: 65_000,
  todos: { passed: 2, total: 2 },
  tokens: 10,
  cost: 0,
})
function journal(id: string, entries: JournalEntry[]): void {
  writeFileSync(join(journals, `${id}.jsonl`), entries.map((e) => `${serializeEntry(e)}\n`).join(''))
}
const finished = (id: string, goal: string, at: number) =>
  journal(id, [
    started(goal, at),
    { type: 'mission.ended', at: at + 65_000, status: 'completed', reason: 'all todos passed' },
    { type: 'mission.summary', at: at + 65_000, summary: summary(goal, at) },
  ])

describe('orchestrator history', () => {
  it('lists the project’s missions newest first, finished and interrupted, as text and as JSON', async () => {
    finished('m-old', 'Add a greeter', Date.UTC(2026, 11, 1, 9, 30))
    journal('m-new', [started('Fix   the\nbuild', Date.UTC(2026, 11, 2, 10, 0))])
    const text = io()
    expect(await historyCommand(['--dir', dir], text)).toBe(0)
    expect(text.out).toBe(
      'm-new  2026-12-02 10:00  interrupted (orchestrator run --resume to continue)\n    Fix the build\n' +
        'm-old  2026-12-01 09:30  completed after 1m 05s, 2/2 todos\n    Add a greeter\n',
    )
    const json = io()
    json.cwd = dir
    expect(await historyCommand(['--json'], json)).toBe(0)
    const items = JSON.parse(json.out) as { id: string; summary?: MissionSummary }[]
    expect(items.map((i) => [i.id, i.summary?.status])).toEqual([
      ['m-new', undefined],
      ['m-old', 'completed'],
    ])
  })

  it('says so when the project has no mission, and refuses a folder that is not one', async () => {
    rmSync(journals, { recursive: true })
    const none = io()
    expect(await historyCommand([], none)).toBe(0)
    expect(none.out).toBe(`no missions in ${dir}\n`)
    const bad = io()
    expect(await historyCommand(['--dir', join(dir, 'nope')], bad)).toBe(2)
    expect(bad.err).toContain('does not exist')
    const json = io()
    expect(await historyCommand(['--json'], json)).toBe(0)
    expect(json.out).toBe('[]\n')
  })
})

describe('orchestrator run --resume: what it refuses before starting anything', () => {
  it('refuses --goal or --demo with --resume, and a mission id without --resume', async () => {
    const a = io()
    expect(await runCommand(['--resume', '--goal', 'x'], a)).toBe(2)
    expect(a.err).toContain('--resume continues a mission with its own goal')
    const b = io()
    expect(await runCommand(['--goal', 'x', 'some-id'], b)).toBe(2)
    expect(b.err).toContain('unexpected argument "some-id"')
    const c = io()
    expect(await runCommand(['--resume', 'a', 'b'], c)).toBe(2)
    expect(c.err).toContain('unexpected argument "b"')
  })

  it('refuses when there is nothing to resume: none interrupted, an unknown id, one that ended', async () => {
    finished('m-done', 'Add a greeter', 1_000)
    const none = io()
    expect(await runCommand(['--resume', '--json'], none)).toBe(2)
    expect(none.err).toBe(
      `orchestrator run: no interrupted mission in ${journals} (orchestrator history lists the missions)\n`,
    )
    expect(JSON.parse(none.out)).toMatchObject({ status: 'failed', todos: [] })
    const unknown = io()
    expect(await runCommand(['--resume', 'm-nope'], unknown)).toBe(2)
    expect(unknown.err).toContain(`--resume: no mission m-nope in ${journals}`)
    const ended = io()
    expect(await runCommand(['--resume', 'm-done'], ended)).toBe(2)
    expect(ended.err).toContain('--resume: mission m-done was not interrupted: it ended')
    const bad = io()
    expect(await runCommand(['--resume', '../x'], bad)).toBe(2)
    expect(bad.err).toContain('"../x" is not a mission id')
    // None of them took the project's lock.
    expect(existsSync(lockPath(dir))).toBe(false)
  })

  it('picks the latest interrupted mission by default and goes on to start it', async () => {
    journal('m-1', [started('first goal', 1_000)])
    journal('m-2', [started('second goal', 2_000)])
    finished('m-3', 'third goal', 3_000)
    const o = io()
    // No opencode binary here: the run stops at the server start, after naming the mission.
    expect(await runCommand(['--resume'], o)).toBe(1)
    expect(o.err).toContain('resuming mission m-2: second goal\n')
    expect(o.err).toContain('OpenCode was not found')
  })
})

describe('orchestrator run: one mission per project', () => {
  it('refuses to start while another mission holds the project, naming it and where it runs', async () => {
    const holder = {
      pid: process.pid,
      host: hostname(),
      missionId: 'm-busy',
      startedAt: 1_000,
      runner: 'vscode',
    }
    writeFileSync(lockPath(dir), JSON.stringify(holder))
    const o = io()
    expect(await runCommand(['--goal', 'x', '--json'], o)).toBe(2)
    expect(o.err).toContain(
      `orchestrator run: Another mission is running in ${dir}: mission m-busy (VS Code, pid ${process.pid}, since 1970-01-01T00:00:01.000Z).`,
    )
    expect(o.err).not.toContain('OpenCode was not found')
    expect(JSON.parse(o.out)).toMatchObject({ status: 'failed' })
    expect(existsSync(lockPath(dir))).toBe(true)
  })
})
