import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { hostname, tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { lockPath, ProjectLock, ProjectLockedError, readLock } from '../../src/node/project-lock'
import { testLogger } from '../support/sandbox'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'orch-lock-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

/** This boot's id and a live process's start time, read from /proc as the kernel writes them. */
const thisBoot = (): string => readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim()
const startOf = (pid: number): string => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? ''
}
const OTHER_BOOT = '00000000-0000-4000-8000-000000000000'

/** The pid of a process that has exited (and been reaped). */
const deadPid = (): number => {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'])
  return Number(r.stdout.toString())
}

describe('project lock', () => {
  it('is created with its holder and refuses a second mission, naming the first and where it runs', async () => {
    const log = testLogger()
    const lock = await ProjectLock.acquire(dir, { missionId: 'm1', runner: 'cli' }, log)
    const held = JSON.parse(readFileSync(lockPath(dir), 'utf8')) as Record<string, unknown>
    expect(held).toMatchObject({ pid: process.pid, host: hostname(), missionId: 'm1', runner: 'cli' })
    expect(typeof held.startedAt).toBe('number')
    expect(readFileSync(join(dir, '.opencode', 'orchestrator', '.gitignore'), 'utf8')).toBe('*\n')

    const second = ProjectLock.acquire(dir, { missionId: 'm2', runner: 'vscode' }, log)
    await expect(second).rejects.toBeInstanceOf(ProjectLockedError)
    await expect(second).rejects.toThrow(
      new RegExp(`mission m1 \\(the CLI, pid ${process.pid}, since .*\\)\\. One mission per project`),
    )
    expect((await readLock(dir))?.missionId).toBe('m1')

    await lock.release()
    expect(existsSync(join(dir, '.opencode'))).toBe(false)
    const next = await ProjectLock.acquire(dir, { missionId: 'm2', runner: 'vscode' }, log)
    expect((await readLock(dir))?.runner).toBe('vscode')
    await next.release()
  })

  it('takes over the lock of a holder whose process is gone on this host, with a log line', async () => {
    const log = testLogger()
    const first = await ProjectLock.acquire(dir, { missionId: 'm1', runner: 'cli' }, log)
    const pid = deadPid()
    writeFileSync(lockPath(dir), JSON.stringify({ ...first.holder, pid }))
    const lock = await ProjectLock.acquire(dir, { missionId: 'm2', runner: 'cli' }, log)
    expect((await readLock(dir))?.missionId).toBe('m2')
    expect(log.lines).toContainEqual(
      `warn took over the lock of ${dir} from mission m1 (the CLI, pid ${pid}, no longer running)`,
    )
    // The first holder's release leaves the new holder's lock alone.
    await first.release()
    expect((await readLock(dir))?.missionId).toBe('m2')
    await lock.release()
  })

  it('records the boot and the start time of the holding process', async () => {
    const lock = await ProjectLock.acquire(dir, { missionId: 'm1', runner: 'cli' }, testLogger())
    expect(await readLock(dir)).toMatchObject({ boot: thisBoot(), pidStart: startOf(process.pid) })
    await lock.release()
  })

  // A live process of this user that is not this one: the test runner's parent.
  const held = () => ({ pid: process.ppid, host: hostname(), missionId: 'm1', startedAt: 1, runner: 'cli' })
  const writeLock = (holder: object) => {
    mkdirSync(dirname(lockPath(dir)), { recursive: true })
    writeFileSync(lockPath(dir), JSON.stringify(holder))
  }

  it('takes over the lock of an earlier boot, though its pid runs again (a reboot reuses pids)', async () => {
    const log = testLogger()
    writeLock({ ...held(), boot: OTHER_BOOT, pidStart: startOf(process.ppid) })
    const lock = await ProjectLock.acquire(dir, { missionId: 'm2', runner: 'cli' }, log)
    expect((await readLock(dir))?.missionId).toBe('m2')
    expect(log.lines).toContainEqual(
      `warn took over the lock of ${dir} from mission m1 (the CLI, pid ${process.ppid}, no longer running)`,
    )
    await lock.release()
  })

  it('takes over the lock of a holder whose pid is now another process (another start time)', async () => {
    const log = testLogger()
    writeLock({ ...held(), boot: thisBoot(), pidStart: `${startOf(process.ppid)}0` })
    const lock = await ProjectLock.acquire(dir, { missionId: 'm2', runner: 'cli' }, log)
    expect((await readLock(dir))?.missionId).toBe('m2')
    expect(log.lines).toContainEqual(
      `warn took over the lock of ${dir} from mission m1 (the CLI, pid ${process.ppid}, no longer running)`,
    )
    await lock.release()
  })

  it('refuses a live holder of this boot and start time, naming the lock to delete if it is gone', async () => {
    const log = testLogger()
    writeLock({ ...held(), boot: thisBoot(), pidStart: startOf(process.ppid) })
    const second = ProjectLock.acquire(dir, { missionId: 'm2', runner: 'cli' }, log)
    await expect(second).rejects.toBeInstanceOf(ProjectLockedError)
    await expect(second).rejects.toThrow(
      `stop it or wait for its end. If that mission is gone, delete ${lockPath(dir)}.`,
    )
    // Without the boot and start time, the pid alone decides: it runs, so the lock stands.
    writeLock(held())
    await expect(ProjectLock.acquire(dir, { missionId: 'm2', runner: 'cli' }, log)).rejects.toThrow(
      ProjectLockedError,
    )
    expect((await readLock(dir))?.missionId).toBe('m1')
  })

  it('clears the lock of a discarded mission from an earlier boot, and not of a live one', async () => {
    const log = testLogger()
    writeLock({ ...held(), boot: thisBoot(), pidStart: startOf(process.ppid) })
    await ProjectLock.clearStale(dir, 'm1', log)
    expect(existsSync(lockPath(dir))).toBe(true)
    writeLock({ ...held(), boot: OTHER_BOOT, pidStart: startOf(process.ppid) })
    await ProjectLock.clearStale(dir, 'm1', log)
    expect(existsSync(lockPath(dir))).toBe(false)
  })

  it('refuses a holder on another host, whose process cannot be checked', async () => {
    const log = testLogger()
    const first = await ProjectLock.acquire(dir, { missionId: 'm1', runner: 'vscode' }, log)
    writeFileSync(lockPath(dir), JSON.stringify({ ...first.holder, pid: deadPid(), host: 'elsewhere' }))
    await expect(ProjectLock.acquire(dir, { missionId: 'm2', runner: 'cli' }, log)).rejects.toThrow(
      /mission m1 \(VS Code, pid \d+ on host elsewhere, since .*If that mission is gone, delete .*lock\.json/,
    )
  })

  it('lets the same mission of the same process take it again (a resume)', async () => {
    const log = testLogger()
    await ProjectLock.acquire(dir, { missionId: 'm1', runner: 'cli' }, log)
    const again = await ProjectLock.acquire(dir, { missionId: 'm1', runner: 'cli' }, log)
    expect((await readLock(dir))?.missionId).toBe('m1')
    await again.release()
    expect(existsSync(lockPath(dir))).toBe(false)
  })

  it('goes to exactly one of several missions starting at once', async () => {
    const log = testLogger()
    const tries = await Promise.allSettled(
      ['a', 'b', 'c', 'd', 'e'].map((missionId) =>
        ProjectLock.acquire(dir, { missionId, runner: 'cli' }, log),
      ),
    )
    const won = tries.filter((t) => t.status === 'fulfilled')
    expect(won).toHaveLength(1)
    expect((await readLock(dir))?.missionId).toBe(
      (won[0] as PromiseFulfilledResult<ProjectLock>).value.holder.missionId,
    )
  })
})
