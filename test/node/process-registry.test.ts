import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { bootId, procEntry } from '../../src/node/proc-table'
import { ProcessRegistry, userStateDir, type GroupRecord } from '../../src/node/process-registry'
import { GROUP_TAG_ENV, ownerKey } from '../../src/node/process-tree'
import { endMarked, eventually, markedProcesses, MARK_ENV } from '../support/proc-marks'

const dirs: string[] = []
const marks: string[] = []
const children: ChildProcess[] = []
afterEach(async () => {
  dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true }))
  for (const c of children.splice(0)) c.kill('SIGKILL')
  await endMarked(marks.splice(0))
})

function registryDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'orch-reg-'))
  dirs.push(dir)
  return join(dir, 'processes')
}

/** A detached tree (its own group, a grandchild in a session of its own), marked to be found. */
function tree(tag?: string): { pid: number; mark: string } {
  const mark = randomUUID()
  marks.push(mark)
  const child = spawn('sh', ['-c', 'sleep 300 & setsid sh -c "sleep 301 & wait" & sleep 302'], {
    detached: true,
    stdio: 'ignore',
    env: { ...process.env, [MARK_ENV]: mark, ...(tag && { [GROUP_TAG_ENV]: tag }) },
  })
  children.push(child)
  return { pid: child.pid!, mark }
}

/** The whole tree once it is up: two shells and three sleeps (a test that starts before counts a part). */
const TREE_SIZE = 5

/** A pid that was in use a moment ago and is free now: an owner that is gone. */
const deadPid = () => spawnSync('true').pid

function writeOwner(
  dir: string,
  owner: { pid: number; start: string },
  groups: GroupRecord[],
  boot = bootId(),
) {
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, `${owner.pid}.${owner.start}.json`), JSON.stringify({ boot, owner, groups }))
}

const startOf = (pid: number) => procEntry(pid)!.start

describe.runIf(process.platform === 'linux')('processes left by a run that died', () => {
  it('ends the recorded groups and everything carrying the dead owner’s tag, then forgets it', async () => {
    const dir = registryDir()
    const owner = { pid: deadPid(), start: '12345' }
    const tag = `${owner.pid}.${owner.start}/group-1`
    const t = tree(tag)
    expect(await eventually(() => markedProcesses(t.mark).length === TREE_SIZE, 2_000)).toBe(true)
    writeOwner(dir, owner, [{ what: 'check', pgid: t.pid, start: startOf(t.pid), tag }])

    expect(await new ProcessRegistry(dir).reap()).toBeGreaterThanOrEqual(4)
    expect(await eventually(() => markedProcesses(t.mark).length === 0, 1_000)).toBe(true)
    expect(readdirSync(dir)).toEqual([])
  })

  it('ends a group whose members carry no tag, by its recorded leader', async () => {
    const dir = registryDir()
    const owner = { pid: deadPid(), start: '12345' }
    const t = tree()
    expect(await eventually(() => markedProcesses(t.mark).length === TREE_SIZE, 2_000)).toBe(true)
    writeOwner(dir, owner, [{ what: 'server', pgid: t.pid, start: startOf(t.pid), tag: 'x/y' }])
    await new ProcessRegistry(dir).reap()
    // The group is ended; the shell that left it for a session of its own (and its child) carry no
    // tag, so they are out of reach.
    expect(await eventually(() => markedProcesses(t.mark).length === 2, 1_000)).toBe(true)
    expect(procEntry(t.pid)).toBeUndefined()
  })

  it('never signals a pid that now belongs to another process (its start time differs)', async () => {
    const dir = registryDir()
    const t = tree()
    expect(await eventually(() => markedProcesses(t.mark).length === TREE_SIZE, 2_000)).toBe(true)
    const before = markedProcesses(t.mark).length
    writeOwner(dir, { pid: deadPid(), start: '12345' }, [
      { what: 'check', pgid: t.pid, start: String(Number(startOf(t.pid)) - 1), tag: 'x/y' },
    ])
    expect(await new ProcessRegistry(dir).reap()).toBe(0)
    expect(markedProcesses(t.mark)).toHaveLength(before)
    expect(readdirSync(dir)).toEqual([]) // the dead owner's file is gone all the same
  })

  it('leaves alone the groups of an owner that still runs, and files from an earlier boot', async () => {
    const dir = registryDir()
    const live = tree()
    const liveOwner = spawn('sleep', ['300'], { stdio: 'ignore' })
    children.push(liveOwner)
    await eventually(() => procEntry(liveOwner.pid!) !== undefined, 1_000)
    const owner = { pid: liveOwner.pid!, start: startOf(liveOwner.pid!) }
    const tag = `${owner.pid}.${owner.start}/group-1`
    expect(await eventually(() => markedProcesses(live.mark).length === TREE_SIZE, 2_000)).toBe(true)
    writeOwner(dir, owner, [{ what: 'check', pgid: live.pid, start: startOf(live.pid), tag }])
    // Before a reboot: the same pid and start time can only be another process now.
    const old = { pid: deadPid(), start: '1' }
    writeOwner(
      dir,
      old,
      [{ what: 'check', pgid: live.pid, start: startOf(live.pid), tag: 'a/b' }],
      'other-boot',
    )
    const count = markedProcesses(live.mark).length

    expect(await new ProcessRegistry(dir).reap()).toBe(0)
    expect(markedProcesses(live.mark)).toHaveLength(count)
    expect(readdirSync(dir)).toEqual([`${owner.pid}.${owner.start}.json`])
  })

  it('records a group while it runs and forgets it when it is ended', () => {
    const dir = registryDir()
    const registry = new ProcessRegistry(dir)
    const t = tree()
    registry.add('check', t.pid, `${ownerKey()}/g`)
    const file = join(dir, `${ownerKey()}.json`)
    const record = JSON.parse(readFileSync(file, 'utf8')) as { owner: { pid: number }; groups: GroupRecord[] }
    expect(record.owner.pid).toBe(process.pid)
    expect(record.groups).toEqual([
      { what: 'check', pgid: t.pid, start: startOf(t.pid), tag: `${ownerKey()}/g` },
    ])
    registry.remove(`${ownerKey()}/g`)
    expect(existsSync(file)).toBe(false)
  })
})

describe.runIf(process.platform === 'linux')('two registries of one process on one folder', () => {
  it('keep one file with the groups of both', () => {
    const dir = registryDir()
    const [a, b] = [new ProcessRegistry(dir), new ProcessRegistry(dir)]
    const [ta, tb] = [tree(), tree()]
    a.add('server', ta.pid, `${ownerKey()}/a`)
    b.add('check', tb.pid, `${ownerKey()}/b`)
    a.remove(`${ownerKey()}/a`)
    const file = join(dir, `${ownerKey()}.json`)
    const record = JSON.parse(readFileSync(file, 'utf8')) as { groups: GroupRecord[] }
    expect(record.groups.map((g) => g.pgid)).toEqual([tb.pid])
    b.remove(`${ownerKey()}/b`)
    expect(existsSync(file)).toBe(false)
  })
})

describe('the state folder', () => {
  it('follows XDG_STATE_HOME, else the system’s place for per-user state', () => {
    expect(userStateDir({ XDG_STATE_HOME: '/s', HOME: '/h' }, 'linux')).toBe('/s/opencode-orchestrator')
    expect(userStateDir({ HOME: '/h' }, 'linux')).toBe('/h/.local/state/opencode-orchestrator')
    expect(userStateDir({ HOME: '/h' }, 'darwin')).toBe(
      '/h/Library/Application Support/opencode-orchestrator',
    )
    expect(userStateDir({ LOCALAPPDATA: 'C:\\L', HOME: '/h' }, 'win32')).toContain('opencode-orchestrator')
  })
})
