import { execFileSync } from 'node:child_process'
import {
  closeSync,
  constants,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import {
  LiveMissionWriter,
  liveMissionPath,
  parseLiveMission,
  readLiveMission,
  requestStop,
  stillRunning,
  stopRequestPath,
} from '../../src/node/live-mission'
import { ProjectLock, type LockHolder } from '../../src/node/project-lock'
import { ensureOrchestratorFolder } from '../../src/plugin/orchestrator-folder'
import { agentState, missionState, todoState } from '../fixtures/mission-state'

const log = { warn: () => {}, info: () => {}, error: () => {}, debug: () => {} }
const dirs: string[] = []
const writers: LiveMissionWriter[] = []
const fifos: string[] = []
afterEach(() => {
  vi.restoreAllMocks()
  for (const w of writers.splice(0)) w.dispose()
  // A read left waiting on a pipe ends when a writer opens and closes it.
  for (const f of fifos.splice(0))
    try {
      closeSync(openSync(f, constants.O_WRONLY | constants.O_NONBLOCK))
    } catch {
      // nobody reads it
    }
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

function project(): string {
  const dir = mkdtempSync(join(tmpdir(), 'live-mission-'))
  dirs.push(dir)
  return dir
}

const holder = (missionId: string): LockHolder => ({
  pid: process.pid,
  host: 'here',
  missionId,
  startedAt: 1,
  runner: 'opencode',
})

async function until<T>(what: string, probe: () => T | undefined, ms = 5_000): Promise<T> {
  const end = Date.now() + ms
  for (;;) {
    const got = probe()
    if (got !== undefined) return got
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

async function start(dir: string, missionId = 'm', onStop: (by: string) => void = () => {}) {
  const w = await LiveMissionWriter.start(dir, holder(missionId), {
    logger: log,
    onStop,
    writeEveryMs: 40,
    stopPollMs: 10,
  })
  writers.push(w)
  return w
}

const phaseOnDisk = (dir: string) =>
  existsSync(liveMissionPath(dir))
    ? parseLiveMission(readFileSync(liveMissionPath(dir), 'utf8'))?.state.phase
    : undefined

describe('LiveMissionWriter', () => {
  it('publishes the newest state of a burst whole, names the mission and its runner, and ends with the end', async () => {
    const dir = project()
    const w = await start(dir)
    for (let i = 0; i < 50; i++)
      w.publish(
        missionState({ iteration: i, todos: [todoState('a', 'running')], agents: [agentState('s1')] }),
      )
    const read = await until('the last state of the burst', () => {
      const text = existsSync(liveMissionPath(dir)) ? readFileSync(liveMissionPath(dir), 'utf8') : ''
      const live = parseLiveMission(text)
      return live?.state.iteration === 49 ? live : undefined
    })
    expect(read).toMatchObject({ missionId: 'm', runner: 'opencode', holder: { pid: process.pid } })
    expect(read.state.todos.map((t) => t.id)).toEqual(['a'])

    await w.close(missionState({ phase: 'stopped', iteration: 50 }))
    expect(phaseOnDisk(dir)).toBe('stopped')
    // Nothing published after the end replaces it.
    w.publish(missionState({ phase: 'working', iteration: 51 }))
    await new Promise((r) => setTimeout(r, 120))
    expect(phaseOnDisk(dir)).toBe('stopped')
    const found = await readLiveMission(dir)
    expect(found?.live.state.iteration).toBe(50)
  })

  it('writes no secret an agent echoed', async () => {
    const dir = project()
    const w = await start(dir)
    const key = 'sk-ant-api03-' + 'a'.repeat(40)
    await w.close(missionState({ phase: 'failed', agents: [agentState('s1', { text: `my key is ${key}` })] }))
    const text = readFileSync(liveMissionPath(dir), 'utf8')
    expect(text).not.toContain(key)
    expect(parseLiveMission(text)?.state.agents[0]?.text).toContain('my key is')
  })

  it('hears a stop request for its mission once and takes it away; one for another mission is not for it', async () => {
    const dir = project()
    const heard: string[] = []
    await start(dir, 'mine', (by) => heard.push(by))
    await requestStop(dir, 'someone-else', 'VS Code')
    await new Promise((r) => setTimeout(r, 100))
    expect(heard).toEqual([])
    await requestStop(dir, 'mine', 'VS Code')
    await until('the stop heard', () => (heard.length > 0 ? true : undefined))
    await until('the request taken away', () => (existsSync(stopRequestPath(dir)) ? undefined : true))
    await requestStop(dir, 'mine', 'VS Code')
    await new Promise((r) => setTimeout(r, 100))
    expect(heard).toEqual(['VS Code'])
  })

  it('takes a Stop clicked twice at once, and writes nothing through a file planted where it writes', async () => {
    const dir = project()
    const path = stopRequestPath(dir)
    mkdirSync(dirname(path), { recursive: true })
    // Every name this process could use for the old fixed aside file points at a file of the user's.
    const victim = join(dir, 'victim.txt')
    writeFileSync(victim, 'mine\n')
    symlinkSync(victim, `${path}.${process.pid}.tmp`)
    await expect(
      Promise.all([requestStop(dir, 'mine', 'VS Code'), requestStop(dir, 'mine', 'VS Code')]),
    ).resolves.toBeDefined()
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ missionId: 'mine', by: 'VS Code' })
    expect(readFileSync(victim, 'utf8')).toBe('mine\n')
    // Nothing left aside but the planted link.
    expect(readdirSync(dirname(path)).filter((f) => f.endsWith('.tmp'))).toEqual([
      `stop.json.${process.pid}.tmp`,
    ])
  })

  it('takes away what a run killed mid-write left aside when the next run starts publishing', async () => {
    const dir = project()
    const path = liveMissionPath(dir)
    mkdirSync(dirname(path), { recursive: true })
    writeFileSync(`${path}.4242.a1b2c3.tmp`, '{"half": ')
    writeFileSync(join(dirname(path), 'notes.tmp'), 'not ours')
    await start(dir)
    expect(readdirSync(dirname(path)).filter((f) => f.endsWith('.tmp'))).toEqual(['notes.tmp'])
  })

  it('keeps writing a few times a second when the clock is set back', async () => {
    const dir = project()
    const w = await start(dir)
    w.publish(missionState({ iteration: 1 }))
    await until('the first state', () => (phaseOnDisk(dir) ? true : undefined))
    const now = Date.now.bind(Date)
    vi.spyOn(Date, 'now').mockImplementation(() => now() - 3_600_000)
    w.publish(missionState({ iteration: 2 }))
    const end = performance.now() + 10_000
    while (parseLiveMission(readFileSync(liveMissionPath(dir), 'utf8'))?.state.iteration !== 2) {
      expect(performance.now(), 'the second state written within seconds, not an hour').toBeLessThan(end)
      await new Promise((r) => setTimeout(r, 10))
    }
  })

  it('takes away a stop request left from before its mission started, unheard', async () => {
    const dir = project()
    await ensureOrchestratorFolder(dir)
    writeFileSync(stopRequestPath(dir), JSON.stringify({ missionId: 'm', by: 'VS Code', at: 1 }))
    const heard: string[] = []
    await start(dir, 'm', (by) => heard.push(by))
    expect(existsSync(stopRequestPath(dir))).toBe(false)
    await new Promise((r) => setTimeout(r, 60))
    expect(heard).toEqual([])
  })
})

describe('reading what a runner published', () => {
  it('refuses what is not a whole state of this format', () => {
    const good = {
      format: 1,
      missionId: 'm',
      runner: 'cli',
      holder: holder('m'),
      updatedAt: 1,
      state: missionState(),
    }
    expect(parseLiveMission(JSON.stringify(good))?.missionId).toBe('m')
    expect(parseLiveMission(JSON.stringify(good).slice(0, -5))).toBeUndefined()
    expect(parseLiveMission('null')).toBeUndefined()
    expect(parseLiveMission(JSON.stringify({ ...good, format: 2 }))).toBeUndefined()
    expect(parseLiveMission(JSON.stringify({ ...good, runner: 'other' }))).toBeUndefined()
    expect(parseLiveMission(JSON.stringify({ ...good, state: { ...good.state, id: 'x' } }))).toBeUndefined()
    expect(parseLiveMission(JSON.stringify({ ...good, state: { ...good.state, todos: {} } }))).toBeUndefined()
    expect(
      parseLiveMission(JSON.stringify({ ...good, state: { ...good.state, phase: 'x' } })),
    ).toBeUndefined()
    expect(parseLiveMission(JSON.stringify({ ...good, holder: holder('x') }))).toBeUndefined()
  })

  it('reads no state from what is not a plain file (a pipe, a device a symlink names)', async () => {
    const dir = project()
    await ensureOrchestratorFolder(dir)
    // A pipe never ends and /dev/zero never ends: either would hold (or fill) the window's reader.
    execFileSync('mkfifo', [liveMissionPath(dir)])
    fifos.push(liveMissionPath(dir))
    expect(await readLiveMission(dir)).toBeUndefined()
    rmSync(liveMissionPath(dir))
    symlinkSync('/dev/zero', liveMissionPath(dir))
    expect(await readLiveMission(dir)).toBeUndefined()
  })

  it('says a state is live only while the run that published it holds the project lock and runs', async () => {
    const dir = project()
    expect(await stillRunning(dir, holder('m'))).toBe(false)
    const lock = await ProjectLock.acquire(dir, { missionId: 'm', runner: 'cli' }, log)
    expect(await stillRunning(dir, lock.holder)).toBe(true)
    expect(await stillRunning(dir, { ...lock.holder, missionId: 'other' })).toBe(false)
    // Another run of the same mission (one killed before this one resumed it) is not this one.
    expect(await stillRunning(dir, { ...lock.holder, startedAt: lock.holder.startedAt - 1 })).toBe(false)
    expect(await stillRunning(dir, { ...lock.holder, pid: lock.holder.pid + 1 })).toBe(false)
    await lock.release()
    expect(await stillRunning(dir, lock.holder)).toBe(false)
  })
})
