import { randomUUID } from 'node:crypto'
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { ProcessRegistry } from '../../src/node/process-registry'
import { ownerKey } from '../../src/node/process-tree'
import { ServerStartError, startServerProcess } from '../../src/opencode/server-process'
import { endMarked, eventually, markedProcesses, MARK_ENV } from '../support/proc-marks'
import { testLogger } from '../support/sandbox'

const dir = mkdtempSync(join(tmpdir(), 'orch-srv-'))
const marks: string[] = []
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true })
  await endMarked(marks)
})

/** An executable script standing in for `opencode`. */
function fakeBinary(body: string): string {
  const file = join(dir, `opencode-${randomUUID()}`)
  writeFileSync(file, `#!/bin/sh\n${body}\n`)
  chmodSync(file, 0o755)
  return file
}

function start(binary: string, extra: { killGraceMs?: number; processes?: ProcessRegistry } = {}) {
  const mark = randomUUID()
  marks.push(mark)
  const log = testLogger()
  const started = startServerProcess({
    binary,
    cwd: dir,
    env: { ...process.env, [MARK_ENV]: mark },
    logger: log,
    startTimeoutMs: 10_000,
    ...extra,
  })
  return { mark, log, started }
}

/** Says it listens, then keeps a child in its group and one in a session of its own. */
const SERVER_WITH_CHILDREN = `echo "opencode server listening on http://127.0.0.1:1"
sleep 300 &
setsid sleep 301 &
wait`

describe('a server that fails to start', () => {
  it('logs what it printed, with secrets scrubbed', async () => {
    const binary = fakeBinary(
      'echo "Error: unknown key in opencode.json"\necho "provider apiKey: sk-live-0123456789abcdefXYZ" >&2\nexit 3',
    )
    const { log, started } = start(binary)
    await expect(started).rejects.toBeInstanceOf(ServerStartError)
    const line = log.lines.find((l) => l.startsWith('error ') && l.includes('did not start'))
    expect(line).toContain('exited before listening (code 3')
    expect(line).toContain('Error: unknown key in opencode.json')
    expect(line).toContain('[redacted]')
    expect(log.lines.join('\n')).not.toContain('sk-live-0123456789abcdef')
  })
})

describe.runIf(process.platform === 'linux')('the server’s process tree', () => {
  it('is ended whole by dispose, grandchildren in a session of their own too', async () => {
    const registry = new ProcessRegistry(join(dir, `reg-${randomUUID()}`))
    const { mark, started } = start(fakeBinary(SERVER_WITH_CHILDREN), { processes: registry })
    const server = await started
    expect(await eventually(() => markedProcesses(mark).length >= 3, 2_000)).toBe(true)
    // Recorded while it runs, forgotten once ended.
    const file = join(registry.dir, `${ownerKey()}.json`)
    expect(existsSync(file)).toBe(true)
    await server.dispose()
    expect(await eventually(() => markedProcesses(mark).length === 0, 1_000)).toBe(true)
    expect(existsSync(file)).toBe(false)
  })

  it('gets SIGKILL after the grace when it ignores SIGTERM, and dispose returns', async () => {
    const { mark, started } = start(fakeBinary(`trap '' TERM\n${SERVER_WITH_CHILDREN}`), { killGraceMs: 500 })
    const server = await started
    const t0 = Date.now()
    await server.dispose()
    expect(Date.now() - t0).toBeLessThan(3_000)
    expect(await eventually(() => markedProcesses(mark).length === 0, 1_000)).toBe(true)
  })
})
