import { randomUUID } from 'node:crypto'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { CHECK_KILL_GRACE_MS, NodeWorkspace } from '../../src/node/workspace'
import { endMarked, eventually, markedProcesses, MARK_ENV } from '../support/proc-marks'

const dir = mkdtempSync(join(tmpdir(), 'orch-ws-'))
const marks: string[] = []
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true })
  // A failing test must not leave its tree running.
  await endMarked(marks)
})
const ws = new NodeWorkspace(dir)
const run = (cmd: string, timeoutMs = 10_000) =>
  ws.runCheck(cmd, { timeoutMs, signal: new AbortController().signal })

/** A workspace whose checks carry a fresh mark, to find every process they start. */
function marked() {
  const mark = randomUUID()
  marks.push(mark)
  return { mark, ws: new NodeWorkspace(dir, { ...process.env, [MARK_ENV]: mark }) }
}

/**
 * The shell, a background child in its group, a grandchild under a shell that started a session of
 * its own (out of the group), a grandchild under a background shell, and a foreground sleep.
 */
const TREE = 'sleep 300 & setsid sh -c "sleep 301 & wait" & sh -c "sleep 302 & wait" & sleep 303'

describe('check command', () => {
  it('reports exit code and output', async () => {
    const r = await run('echo hello; echo oops >&2; exit 3')
    expect(r).toMatchObject({ exitCode: 3, timedOut: false })
    expect(r.output).toContain('hello')
    expect(r.output).toContain('oops')
  })

  it('finishes when the command exits, even if it left a background process holding the pipes', async () => {
    const r = await run('sleep 30 & echo started; exit 0', 20_000)
    expect(r).toMatchObject({ exitCode: 0, timedOut: false })
    expect(r.durationMs).toBeLessThan(5_000)
  })
})

describe.runIf(process.platform === 'linux')('the check command’s whole process tree', () => {
  it('ends on timeout, grandchildren in a session of their own too', async () => {
    const { mark, ws } = marked()
    const result = ws.runCheck(TREE, { timeoutMs: 1_500, signal: new AbortController().signal })
    // The tree is up before the timeout: six processes or more (the shell may exec its last command).
    expect(await eventually(() => markedProcesses(mark).length >= 6, 1_400)).toBe(true)
    expect((await result).timedOut).toBe(true)
    expect(await eventually(() => markedProcesses(mark).length === 0, 1_000)).toBe(true)
  })

  it('ends what the command left behind when it exits', async () => {
    const { mark, ws } = marked()
    const r = await ws.runCheck('sleep 30 & setsid sleep 31 & echo started; exit 0', {
      timeoutMs: 20_000,
      signal: new AbortController().signal,
    })
    expect(r).toMatchObject({ exitCode: 0, timedOut: false })
    expect(await eventually(() => markedProcesses(mark).length === 0, 1_000)).toBe(true)
  })

  it('on Stop sends SIGTERM first, so the command can clean up', async () => {
    const { mark, ws } = marked()
    const stop = new AbortController()
    const result = ws.runCheck(`trap 'echo term > got-term; exit 7' TERM; sleep 300 & wait`, {
      timeoutMs: 20_000,
      signal: stop.signal,
    })
    expect(await eventually(() => markedProcesses(mark).length >= 2, 2_000)).toBe(true)
    stop.abort()
    const r = await result
    expect(r.exitCode).toBe(7) // its trap ran: SIGTERM, not SIGKILL
    expect(existsSync(join(dir, 'got-term'))).toBe(true)
    expect(await eventually(() => markedProcesses(mark).length === 0, 1_000)).toBe(true)
  })

  it('on Stop sends SIGKILL after the grace to a tree that ignores SIGTERM', async () => {
    const { mark, ws } = marked()
    const stop = new AbortController()
    // An ignored signal stays ignored in the children too.
    const result = ws.runCheck(`trap '' TERM; sleep 300 & setsid sleep 301 & sleep 302`, {
      timeoutMs: 20_000,
      signal: stop.signal,
    })
    expect(await eventually(() => markedProcesses(mark).length >= 3, 2_000)).toBe(true)
    stop.abort()
    const r = await result
    expect(r.exitCode).toBeNull()
    expect(r.durationMs).toBeGreaterThanOrEqual(CHECK_KILL_GRACE_MS - 100)
    expect(r.durationMs).toBeLessThan(CHECK_KILL_GRACE_MS + 3_000)
    expect(await eventually(() => markedProcesses(mark).length === 0, 1_000)).toBe(true)
  })

  it('ends at once when Stop came before the start', async () => {
    const { mark, ws } = marked()
    const stop = new AbortController()
    stop.abort()
    const r = await ws.runCheck('sleep 300 & sleep 301', { timeoutMs: 20_000, signal: stop.signal })
    expect(r.durationMs).toBeLessThan(CHECK_KILL_GRACE_MS)
    expect(await eventually(() => markedProcesses(mark).length === 0, 1_000)).toBe(true)
  })
})
