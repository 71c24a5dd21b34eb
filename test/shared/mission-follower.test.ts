import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { MissionState } from '../../src/engine/record/mission-state'
import {
  LiveMissionWriter,
  liveMissionPath,
  liveStamp,
  readLiveMission,
  type LiveMission,
} from '../../src/node/live-mission'
import { ProjectLock, type LockHolder } from '../../src/node/project-lock'
import { missionState } from '../fixtures/mission-state'

// The follower reads what a runner publishes in the workspace's folders; VS Code is a stand-in here:
// the folders, trust and the warning toast.
const vscodeFake = vi.hoisted(() => ({
  folders: [] as { uri: { fsPath: string }; name: string; index: number }[],
  looks: 0,
  warnings: [] as string[],
}))
vi.mock('vscode', () => ({
  workspace: {
    isTrusted: true,
    get workspaceFolders() {
      vscodeFake.looks++
      return vscodeFake.folders
    },
  },
  window: {
    showWarningMessage: (text: string) => {
      vscodeFake.warnings.push(text)
      return Promise.resolve(undefined)
    },
  },
}))
const { MissionFollower } = await import('../../src/vscode/mission-follower')

const log = { warn: () => {}, info: () => {}, error: () => {}, debug: () => {} }
const cleanups: (() => unknown)[] = []
afterEach(async () => {
  vi.restoreAllMocks()
  for (const c of cleanups.splice(0).reverse()) await c()
  vscodeFake.folders = []
  vscodeFake.looks = 0
  vscodeFake.warnings = []
})

function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'follower-'))
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
  vscodeFake.folders.push({ uri: { fsPath: dir }, name: 'app', index: vscodeFake.folders.length })
  return dir
}

/** The controller's side the follower drives: what it was shown, and whether it let go. */
function screen() {
  const shown: MissionState[] = []
  const unfollowed: string[] = []
  const missions = {
    running: false,
    follow: (state: MissionState) => (shown.push(state), true),
    unfollow: (id: string) => void unfollowed.push(id),
  }
  return { missions, shown, unfollowed }
}

function follower(missions: ReturnType<typeof screen>['missions']) {
  const f = new MissionFollower(missions as never, log, { lookMs: 10, followMs: 10, aliveMs: 20 })
  cleanups.push(() => f.dispose())
  f.start()
  return f
}

async function until<T>(what: string, probe: () => T | undefined | false, ms = 4_000): Promise<T> {
  const end = performance.now() + ms
  for (;;) {
    const got = probe()
    if (got !== undefined && got !== false) return got
    if (performance.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 5))
  }
}

async function writer(dir: string, holder: LockHolder) {
  const w = await LiveMissionWriter.start(dir, holder, { logger: log, onStop: () => {}, writeEveryMs: 5 })
  cleanups.push(() => w.dispose())
  return w
}

describe('MissionFollower', () => {
  it('does not take what an earlier run of the mission left for the run that now holds the project', async () => {
    const dir = folder()
    // The run before was killed mid-mission: its state stays, naming a process that is gone.
    const before: LockHolder = {
      pid: process.pid,
      host: hostname(),
      missionId: 'm',
      startedAt: 1,
      runner: 'cli',
    }
    await (await writer(dir, before)).close(missionState({ iteration: 1 }))
    // The mission is resumed: its new run holds the project, and publishes only once it is at work.
    const lock = await ProjectLock.acquire(dir, { missionId: 'm', runner: 'cli' }, log)
    cleanups.push(() => lock.release())
    const { missions, shown } = screen()
    follower(missions)
    await until('a few looks', () => vscodeFake.looks >= 3 || shown.length > 0)
    expect(shown).toEqual([])
    const now = await writer(dir, lock.holder)
    now.publish(missionState({ iteration: 2 }))
    await until('the resumed run followed', () => shown.length > 0)
    expect(shown.map((s) => s.iteration)).toEqual([2])
  })

  it('reads an ended mission’s state once, not at every look, and again once a new run writes one', async () => {
    const dir = folder()
    const ended = await ProjectLock.acquire(dir, { missionId: 'old', runner: 'cli' }, log)
    await (
      await writer(dir, ended.holder)
    ).close(missionState({ id: 'old', phase: 'completed', iteration: 1 }))
    await ended.release()
    const { missions, shown } = screen()
    let reads = 0
    const counted = (d: string) => (reads++, readLiveMission(d))
    const f = new MissionFollower(
      missions as never,
      log,
      { lookMs: 10, followMs: 10, aliveMs: 20 },
      {
        stamp: liveStamp,
        read: counted,
      },
    )
    cleanups.push(() => f.dispose())
    f.start()
    await until('many looks', () => vscodeFake.looks >= 20)
    expect(reads).toBe(1)
    expect(shown).toEqual([])
    // A new mission in the folder: its first state is read and followed.
    const lock = await ProjectLock.acquire(dir, { missionId: 'new', runner: 'cli' }, log)
    cleanups.push(() => lock.release())
    ;(await writer(dir, lock.holder)).publish(missionState({ id: 'new', iteration: 7 }))
    await until('the new mission followed', () => shown.length > 0)
    expect(shown.map((s) => s.iteration)).toEqual([7])
  })

  it('shows each new state where the file system keeps change times to the second', async () => {
    const dir = folder()
    const lock = await ProjectLock.acquire(dir, { missionId: 'm', runner: 'opencode' }, log)
    cleanups.push(() => lock.release())
    const w = await writer(dir, lock.holder)
    w.publish(missionState({ iteration: 1 }))
    const path = liveMissionPath(dir)
    await until('the state written', () => existsSync(path))
    // A file system that keeps change times to the second (ext3, HFS+, many network shares): the
    // runner's next state, a moment later, has the same change time.
    const second = Math.floor(Date.now() / 1000)
    utimesSync(path, second, second)
    const { missions, shown } = screen()
    follower(missions)
    await until('the mission followed', () => shown.length > 0)
    const live = JSON.parse(readFileSync(path, 'utf8')) as LiveMission
    const next = { ...live, updatedAt: live.updatedAt + 300, state: { ...live.state, iteration: 2 } }
    writeFileSync(`${path}.next`, JSON.stringify(next))
    utimesSync(`${path}.next`, second, second)
    renameSync(`${path}.next`, path)
    await until('the new state shown', () => shown.some((s) => s.iteration === 2))
  })

  it('lets a mission go, without a warning, once its folder left the workspace', async () => {
    const dir = folder()
    const lock = await ProjectLock.acquire(dir, { missionId: 'm', runner: 'opencode' }, log)
    cleanups.push(() => lock.release())
    const w = await writer(dir, lock.holder)
    w.publish(missionState({ iteration: 1 }))
    const { missions, shown, unfollowed } = screen()
    const f = follower(missions)
    await until('the mission followed', () => shown.length > 0)
    vscodeFake.folders = []
    f.start() // as the workspace's folders changed
    await until('the mission let go', () => unfollowed.length > 0)
    expect(unfollowed).toEqual(['m'])
    expect(vscodeFake.warnings).toEqual([])
    // Nothing in that folder is read any more: what it publishes next is not shown.
    const count = shown.length
    w.publish(missionState({ iteration: 2 }))
    const looks = vscodeFake.looks
    await until('a few looks', () => vscodeFake.looks >= looks + 3)
    expect(shown).toHaveLength(count)
  })

  it('notices its runner went away when the clock was set back', async () => {
    const dir = folder()
    const lock = await ProjectLock.acquire(dir, { missionId: 'm', runner: 'cli' }, log)
    const w = await writer(dir, lock.holder)
    w.publish(missionState({ iteration: 1 }))
    const { missions, shown, unfollowed } = screen()
    follower(missions)
    await until('the mission followed', () => shown.length > 0)
    const now = Date.now.bind(Date)
    vi.spyOn(Date, 'now').mockImplementation(() => now() - 3_600_000)
    w.dispose()
    await lock.release() // its runner was killed: no end, its lock gone
    await until('the mission let go', () => unfollowed.length > 0)
    expect(vscodeFake.warnings[0]).toContain('stopped running without an end')
  })
})
