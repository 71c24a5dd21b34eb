import { afterEach, describe, expect, it } from 'vitest'
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { missionScript } from '../../src/demo/mission-script'
import { connect, type Connection, type ConnectOptions } from '../../src/opencode/connection'
import { freePort } from '../../src/opencode/server-process'
import { runCli } from '../support/run-cli'
import { Sandbox } from '../support/sandbox'

// Issue 9, item 1 and 9, tried as a user would: the built CLI against a real `opencode serve` that
// cannot run a mission. Each case ends within the run's bound with exit code 2, a message naming
// what is missing and the fix, and no session on the server.

let sandbox: Sandbox | undefined
afterEach(async () => {
  await sandbox?.dispose()
  sandbox = undefined
})

const idleScript = missionScript({ plan: () => [], work: () => ({ files: {}, summary: 'nothing' }) })

async function sessionCount(conn: Connection): Promise<number> {
  const res = await conn.client.session.list()
  if (!res.data) throw new Error(`session list failed: ${JSON.stringify(res.error)}`)
  return res.data.length
}

/** The CLI attached to a sandbox server, with the server's own password. */
function attach(conn: Connection, env: NodeJS.ProcessEnv, dir: string, ...extra: string[]) {
  return runCli(
    [
      'run',
      '--goal',
      'Greet the world',
      '--dir',
      dir,
      '--server-url',
      conn.url,
      // One argument: a generated password may start with a dash.
      `--password=${conn.process?.password ?? ''}`,
      ...extra,
    ],
    env,
  )
}

describe('preflight from the CLI', () => {
  it('a fresh OpenCode with no provider configured at all: exit 2 naming opencode auth login, no session', async () => {
    sandbox = await Sandbox.create({ script: idleScript })
    // No --opencode-config: the server the CLI starts has only what a fresh install has.
    const run = await runCli(['run', '--goal', 'Greet the world', '--dir', sandbox.projectDir], sandbox.env)
    process.stdout.write(`--- no-provider stderr ---\n${run.stderr}---\n`)
    expect(run.code).toBe(2)
    expect(run.stderr).toContain('orchestrator run: preflight failed, no mission started:')
    expect(run.stderr).toMatch(
      /No model provider is connected to the OpenCode server at http:\/\/127\.0\.0\.1:\d+/,
    )
    expect(run.stderr).toContain('opencode auth login')
    expect(run.stderr).toContain('orchestrator.models')
    expect(sandbox.provider.requests).toHaveLength(0)
    // Same data directory: the sessions the CLI's server would have stored are listed here.
    expect(await sessionCount(await sandbox.start())).toBe(0)
  })

  it('role models on an unknown provider and an unknown model: exit 2 naming each, no session, no model call', async () => {
    sandbox = await Sandbox.create({ script: idleScript })
    const conn = await sandbox.start()
    const run = await attach(
      conn,
      sandbox.env,
      sandbox.projectDir,
      '--model',
      'planner=anthropic/claude-sonnet-4',
      '--model',
      'worker=scripted/no-such-model',
    )
    expect(run.code).toBe(2)
    expect(run.stderr).toContain('The planner model anthropic/claude-sonnet-4 (chosen for the planner)')
    expect(run.stderr).toContain('names the provider "anthropic", which is not connected')
    expect(run.stderr).toContain('(connected: scripted)')
    expect(run.stderr).toContain(
      'names the model "no-such-model", which the provider "scripted" does not offer',
    )
    expect(run.stderr).toContain('it offers: scripted-model')
    expect(run.stderr).not.toContain('reviewer model') // the reviewer's default model exists
    expect(await sessionCount(conn)).toBe(0)
    expect(sandbox.provider.requests).toHaveLength(0)
  })

  it('attached to a plain opencode serve without our plugin: the install-the-plugin message, no session', async () => {
    sandbox = await Sandbox.create({ script: idleScript, plugin: false })
    const conn = await sandbox.start()
    const run = await attach(conn, sandbox.env, sandbox.projectDir)
    process.stdout.write(`--- no-plugin stderr ---\n${run.stderr}---\n`)
    expect(run.code).toBe(2)
    expect(run.stderr).toContain(
      `The OpenCode server at ${conn.url} lacks the orchestrator's companion plugin`,
    )
    expect(run.stderr).toContain('agent planner')
    expect(run.stderr).toContain('tool orchestrator_plan')
    expect(run.stderr).toContain('Install Companion Plugin')
    expect(run.stderr).toContain('then restart that server')
    expect(run.stderr).not.toContain('Agent not found') // the raw server error of before
    expect(await sessionCount(conn)).toBe(0)
  })

  it('an unreachable attach URL and a wrong password: exit 2 with the URL and why', async () => {
    const url = `http://127.0.0.1:${await freePort()}`
    const refused = await runCli(['run', '--goal', 'x', '--server-url', url])
    expect(refused.code).toBe(2)
    expect(refused.stderr).toContain(`Nothing answers at ${url} (connection refused)`)

    const bad = await runCli(['run', '--goal', 'x', '--server-url', 'localhost:4096'])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('--server-url "localhost:4096" is not an http(s) URL')

    sandbox = await Sandbox.create({ script: idleScript })
    const conn = await sandbox.start()
    const wrong = await runCli(
      ['run', '--goal', 'x', '--dir', sandbox.projectDir, '--server-url', conn.url, '--password', 'wrong'],
      sandbox.env,
    )
    expect(wrong.code).toBe(2)
    expect(wrong.stderr).toContain(`The OpenCode server at ${conn.url} refused our password (HTTP 401)`)
    expect(wrong.stderr).not.toContain('wrong') // the password itself is not echoed
  })
})

describe('the attached server’s password, kept out of argv', () => {
  it('comes from --password-file or OPENCODE_SERVER_PASSWORD and is accepted by the server', async () => {
    sandbox = await Sandbox.create({ script: idleScript, plugin: false })
    const conn = await sandbox.start()
    const password = conn.process?.password ?? ''
    const file = join(sandbox.root, 'server-password')
    writeFileSync(file, `${password}\n`, { mode: 0o600 })
    const base = ['run', '--goal', 'x', '--dir', sandbox.projectDir, '--server-url', conn.url]
    const fromFile = await runCli([...base, '--password-file', file], sandbox.env)
    const fromEnv = await runCli(base, { ...sandbox.env, OPENCODE_SERVER_PASSWORD: password })
    const without = await runCli(base, sandbox.env)
    // Past the password check, the preflight stops at the missing plugin (no session is made).
    for (const run of [fromFile, fromEnv]) {
      expect(run.code).toBe(2)
      expect(run.stderr).toContain("lacks the orchestrator's companion plugin")
      expect(run.stderr).not.toContain('refused our password')
    }
    expect(without.stderr).toContain('refused our password (HTTP 401)')
  })
})

describe('nothing secret in the CLI log lines', () => {
  it('a provider error echoing a key and an Authorization header reaches stderr and the --json report redacted', async () => {
    const KEY = 'sk-live-0123456789abcdefXYZ'
    const TOKEN = 'eyJhbGciOiJIUzI1NiJ9secretpart'
    sandbox = await Sandbox.create({
      script: (req) =>
        req.kind === 'chat'
          ? {
              status: 401,
              message: `Incorrect API key provided: ${KEY}. Request had Authorization: Bearer ${TOKEN}`,
            }
          : { text: 'ok' },
    })
    const conn = await sandbox.start()
    const run = await attach(conn, sandbox.env, sandbox.projectDir, '--verbose', '--json')
    expect(run.code).toBe(1)
    expect(sandbox.provider.chatRequests.length).toBeGreaterThan(0)
    // The provider's message did reach the log lines and the --json report's reason (so the
    // scrubber had something to do in both)...
    const report = JSON.parse(run.stdout) as { status: string; reason: string }
    for (const text of [run.stderr, report.reason]) {
      expect(text).toContain('Incorrect API key provided')
      expect(text).toContain('[redacted]')
    }
    expect(report.status).toBe('failed')
    // ...without the key or the token.
    for (const text of [run.stderr, run.stdout]) {
      expect(text).not.toContain(KEY)
      expect(text).not.toContain(TOKEN)
    }
  })
})

/** Pids of live processes whose environment carries this HOME (the sandbox's servers). */
function processesWithHome(home: string): number[] {
  const pids: number[] = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      if (readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0').includes(`HOME=${home}`))
        pids.push(Number(entry))
    } catch {
      // gone, or not ours to read
    }
  }
  return pids
}

describe('cancelling a server start', () => {
  it('Cancel while opencode serve starts: the start rejects and its process is gone', async () => {
    sandbox = await Sandbox.create({ script: idleScript })
    const cancel = new AbortController()
    const spawn = sandbox.connectOptions as Extract<ConnectOptions, { kind: 'spawn' }>
    const started = connect({ ...spawn, signal: cancel.signal })
    // Cancel once the process exists, before it listens.
    const home = sandbox.env.HOME ?? ''
    await expect
      .poll(() => processesWithHome(home).length, { timeout: 20_000, interval: 20 })
      .toBeGreaterThan(0)
    cancel.abort()
    await expect(started).rejects.toThrow('the server start was cancelled')
    expect(processesWithHome(home)).toEqual([])
  })
})
