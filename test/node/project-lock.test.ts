import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { lockPath, ProjectLock, ProjectLockedError, readLock } from '../../src/node/project-lock'
import { testLogger } from '../support/sandbox'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'orch-lock-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

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
