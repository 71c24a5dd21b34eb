import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { NodeWorkspace } from '../../src/node/workspace'

const dir = mkdtempSync(join(tmpdir(), 'orch-ws-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const ws = new NodeWorkspace(dir)
const run = (cmd: string, timeoutMs = 10_000) =>
  ws.runCheck(cmd, { timeoutMs, signal: new AbortController().signal })

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

  it('ends the whole group on timeout', async () => {
    const r = await run('sleep 30', 300)
    expect(r.timedOut).toBe(true)
  })
})
