// checkOpencodeBinary on fake `opencode` binaries (shell scripts) in a real temp folder.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { checkOpencodeBinary, OpencodeVersionError } from '../../src/opencode/binary-version'

let root: string
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'orch-version-'))
})
afterEach(() => rmSync(root, { recursive: true, force: true }))

/** A fake `opencode` whose body is the given shell lines. */
function fake(body: string, path = join(root, 'bin', 'opencode')): string {
  mkdirSync(join(path, '..'), { recursive: true })
  writeFileSync(path, `#!/bin/sh\n${body}\n`)
  chmodSync(path, 0o755)
  return path
}

const fixes = ['set "orchestrator.opencodePath" to an OpenCode 1.x binary', 'run `npm i opencode-ai@1`']

async function refusal(binary: string, timeoutMs?: number): Promise<OpencodeVersionError> {
  try {
    await checkOpencodeBinary(binary, { fixes, ...(timeoutMs && { timeoutMs }) })
  } catch (err) {
    expect(err).toBeInstanceOf(OpencodeVersionError)
    return err as OpencodeVersionError
  }
  throw new Error('expected a refusal')
}

/** Alive and not a zombie (a container's init may never reap an orphan that was killed). */
const alive = (pid: number) => {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'))
  } catch {
    return false
  }
}

describe.skipIf(process.platform === 'win32')('checkOpencodeBinary', () => {
  it('refuses OpenCode 2.4.0, naming the version, the path, the tested range and every fix', async () => {
    const binary = fake('echo 2.4.0')
    const started = Date.now()
    const err = await refusal(binary)
    expect(Date.now() - started).toBeLessThan(5_000)
    expect(err.version).toBe('2.4.0')
    expect(err.binary).toBe(binary)
    expect(err.message).toBe(
      `OpenCode 2.4.0 (found at ${binary}) is not a version this build can drive: it needs OpenCode ` +
        '>=1.18.0 <2.0.0 (tested with 1.18.33; OpenCode 2 changed the plugin and server APIs: the ' +
        'companion plugin does not load there). Fix one: set "orchestrator.opencodePath" to an OpenCode ' +
        '1.x binary; or run `npm i opencode-ai@1`.',
    )
  })

  it('refuses a version older than the tested range', async () => {
    expect((await refusal(fake('echo "opencode v1.17.9"'))).version).toBe('1.17.9')
  })

  it('accepts a tested 1.x, and lets a version that is no number (a build from source) through with a warning', async () => {
    expect(await checkOpencodeBinary(fake('echo 1.18.33'), { fixes })).toEqual({ version: '1.18.33' })
    const local = await checkOpencodeBinary(fake('echo local', join(root, 'src', 'opencode')), { fixes })
    expect(local.version).toBeUndefined()
    expect(local.warning).toContain('gives "local" as its version')
  })

  it.skipIf(process.platform !== 'linux')(
    'does not hang on a binary that never answers: its process group is ended within the timeout',
    async () => {
      const pids = join(root, 'pids')
      // The script and a child of it that holds the output pipe open.
      const binary = fake(`sleep 60 &\necho "$$ $!" > ${pids}\nwait`)
      const started = Date.now()
      const err = await refusal(binary, 800)
      expect(Date.now() - started).toBeLessThan(3_000)
      expect(err.message).toContain(`\`${binary} --version\` did not answer (no answer within 1 s)`)
      expect(err.message).toContain('Fix one: set "orchestrator.opencodePath"')
      const [shell, sleeper] = readFileSync(pids, 'utf8').trim().split(' ').map(Number)
      await new Promise((r) => setTimeout(r, 200))
      expect(alive(shell as number)).toBe(false)
      expect(alive(sleeper as number)).toBe(false)
    },
  )

  it('refuses a binary whose --version fails, with its output', async () => {
    const err = await refusal(fake('echo "unknown option" >&2\nexit 3'))
    expect(err.message).toContain('--version` failed (exit 3: unknown option)')
  })

  it("reads an npm-installed binary's version from its platform package without running it", async () => {
    const pkg = join(root, 'node_modules', 'opencode-linux-x64')
    mkdirSync(pkg, { recursive: true })
    writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: 'opencode-linux-x64', version: '2.0.1' }))
    const ran = join(root, 'ran')
    const binary = fake(`touch ${ran}\necho 1.18.33`, join(pkg, 'bin', 'opencode'))
    expect((await refusal(binary)).version).toBe('2.0.1')
    expect(existsSync(ran)).toBe(false)
  })
})
