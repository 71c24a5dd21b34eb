import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer as createHttpServer } from 'node:http'
import { createServer, type AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runCommand, scrubbedIo } from '../../src/cli/run-command'
import { capturedIo as io } from '../fixtures/cli-io'

describe('orchestrator run --json before a mission starts', () => {
  it('prints a failed report with the preflight reason when the server does not answer', async () => {
    const port = await new Promise<number>((done) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as AddressInfo
        server.close(() => done(port))
      })
    })
    let out = ''
    const o = io()
    o.stdout = (t: string) => void (out += t)
    const url = `http://127.0.0.1:${port}`
    expect(await runCommand(['--goal', 'x', '--server-url', url, '--json'], o)).toBe(2)
    const report = JSON.parse(out) as Record<string, unknown>
    expect(report).toMatchObject({ status: 'failed', todos: [], modelCalls: 0, checkCommand: null })
    expect(report.reason).toMatch(/^preflight failed: Nothing answers at http:\/\/127\.0\.0\.1:\d+/)
    expect(out.trim().split('\n')).toHaveLength(1)
    expect(o.err).toContain('preflight failed, no mission started')
  })
})

describe('orchestrator run --server-url on a server without OpenCode 1 routes', () => {
  it('reports a health route that 404s (as on OpenCode 2) as not OpenCode 1.x, with the fixes', async () => {
    const server = createHttpServer((_, res) => res.writeHead(404).end('Not Found'))
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    try {
      const o = io()
      const started = Date.now()
      expect(await runCommand(['--goal', 'x', '--server-url', url], o)).toBe(2)
      expect(Date.now() - started).toBeLessThan(10_000) // the fake serves for 60 s: never started
      expect(o.err).toContain(
        `OpenCode 2 or later (it has no /global/health route: HTTP 404) (the server at ${url}) is not a version this build can drive`,
      )
      expect(o.err).toContain('attach to an OpenCode 1.x server')
      expect(o.err).not.toMatch(/^\s+at /m)
    } finally {
      server.close()
    }
  })
})

describe('orchestrator run --help', () => {
  it('prints the usage and what each option does on stdout, starts nothing and exits 0', async () => {
    for (const flag of ['--help', '-h']) {
      let out = ''
      const o = io()
      o.stdout = (t: string) => void (out += t)
      expect(await runCommand([flag], o)).toBe(0)
      expect(out).toContain('usage: orchestrator run --goal')
      for (const option of ['--goal', '--demo', '--server-url', '--model', '--check', '--json'])
        expect(out).toMatch(new RegExp(`^  ${option}\\b`, 'm'))
      expect(o.err).toBe('')
    }
  })
})

describe('orchestrator run: bad arguments', () => {
  it('refuses a --dir that is missing or not a folder, before starting a server', async () => {
    const root = mkdtempSync(join(tmpdir(), 'orchestrator-dir-'))
    try {
      const missing = io()
      expect(await runCommand(['--goal', 'x', '--dir', join(root, 'nope')], missing)).toBe(2)
      expect(missing.err).toBe(`orchestrator run: --dir ${join(root, 'nope')} does not exist\n`)
      writeFileSync(join(root, 'file.txt'), 'x')
      const file = io()
      expect(await runCommand(['--goal', 'x', '--dir', join(root, 'file.txt')], file)).toBe(2)
      expect(file.err).toContain('is not a folder')
      expect(file.err).not.toContain('starting opencode')
    } finally {
      rmSync(root, { recursive: true, force: true })
    }
  })

  it('rejects a bad --cap with the reason and the usage, before starting anything', async () => {
    const o = io()
    expect(await runCommand(['--goal', 'x', '--cap', 'role:boss=2'], o)).toBe(2)
    expect(o.err).toContain('cap "role:boss" is not one of role:<worker|reviewer>=N')
    expect(o.err).toContain('usage: orchestrator run')
    for (const flag of ['--cap', '--concurrency', '--max-iterations', '--max-tokens', '--max-minutes'])
      expect(o.err).toContain(`[${flag} `)
  })

  it('rejects a bad --model and a bad --concurrency the same way', async () => {
    const a = io()
    expect(await runCommand(['--goal', 'x', '--model', 'boss=p/m'], a)).toBe(2)
    expect(a.err).toContain('--model must look like planner=provider/model')
    const b = io()
    expect(await runCommand(['--goal', 'x', '--concurrency', '0'], b)).toBe(2)
    expect(b.err).toContain('--concurrency must be a whole number >= 1, got "0"')
  })

  it('rejects a bad --max-cost and lists it in the usage', async () => {
    for (const bad of ['0', '-1', 'lots', '']) {
      const o = io()
      expect(await runCommand(['--goal', 'x', `--max-cost=${bad}`], o)).toBe(2)
      expect(o.err).toContain(`--max-cost must be an amount of US dollars > 0 (e.g. 2.50), got "${bad}"`)
      expect(o.err).toContain('[--max-cost USD]')
    }
  })

  it('rejects a --server-url that is not an http(s) URL, naming it, before connecting', async () => {
    const o = io()
    expect(await runCommand(['--goal', 'x', '--server-url', 'ftp://127.0.0.1:1'], o)).toBe(2)
    expect(o.err).toContain('--server-url "ftp://127.0.0.1:1" is not an http(s) URL')
  })
})

describe('orchestrator run: no opencode binary', () => {
  it('says where it looked (opencode-ai, PATH, --opencode) and how to fix it, and starts nothing', async () => {
    const root = mkdtempSync(join(tmpdir(), 'orch-cli-'))
    try {
      const o = Object.assign(io(), { cwd: root, packageRoot: root, env: { PATH: join(root, 'bin') } })
      expect(await runCommand(['--goal', 'x'], o)).toBe(1)
      expect(o.err).toContain('OpenCode was not found')
      expect(o.err).toContain('"opencode-ai" package, an optional dependency')
      expect(o.err).toContain('on PATH (not there)')
      expect(o.err).toContain('"--opencode" (not set)')
      expect(o.err).toContain('npm install -g opencode-orchestrator-vscode, without --omit=optional')
    } finally {
      rmSync(root, { recursive: true, force: true })
    }
  })
})

describe.skipIf(process.platform === 'win32')('orchestrator run: an OpenCode it cannot drive', () => {
  it('refuses `--opencode <OpenCode 2.4.0>` within seconds: the version, the path and the fixes, no stack trace', async () => {
    const root = mkdtempSync(join(tmpdir(), 'orch-cli-v2-'))
    try {
      const fake = join(root, 'opencode')
      writeFileSync(
        fake,
        '#!/bin/sh\n[ "$1" = "--version" ] && echo 2.4.0 && exit 0\ntouch "$0.served"\nsleep 60\n',
      )
      chmodSync(fake, 0o755)
      let out = ''
      const o = Object.assign(io(), { cwd: root, packageRoot: root, env: { PATH: '/usr/bin:/bin' } })
      o.stdout = (t: string) => void (out += t)
      const started = Date.now()
      expect(await runCommand(['--goal', 'x', '--opencode', fake, '--json'], o)).toBe(1)
      expect(Date.now() - started).toBeLessThan(10_000) // the fake serves for 60 s: never started
      expect(o.err).toContain(`OpenCode 2.4.0 (found at ${fake}) is not a version this build can drive`)
      expect(o.err).toContain('>=1.18.0 <2.0.0')
      expect(o.err).toContain('pass `--opencode <path of an OpenCode 1.x binary>`')
      expect(o.err).toContain('run `npm i opencode-ai@1` in the project')
      expect(o.err).not.toMatch(/^\s+at /m)
      expect(JSON.parse(out)).toMatchObject({
        status: 'failed',
        reason: expect.stringContaining('OpenCode 2.4.0'),
      })
      // Never started as a server.
      expect(existsSync(`${fake}.served`)).toBe(false)
    } finally {
      rmSync(root, { recursive: true, force: true })
    }
  })
})

describe('scrubbedIo', () => {
  it("scrubs keys from stderr and from the status block's terminal, which keeps its own escape sequences", () => {
    const err: string[] = []
    const term: string[] = []
    const io = scrubbedIo({
      stdout: () => {},
      stderr: (t) => void err.push(t),
      terminal: (t) => void term.push(t),
      env: {},
      cwd: '/',
      packageRoot: '/',
    })
    io.stderr('failed: OPENAI_API_KEY=sk-proj-abcdefghijklmnop1234\n')
    io.terminal?.('\x1b[2A\r\x1b[0Jworker: OPENAI_API_KEY=sk-proj-abcdefghijklmnop1234\n')
    expect(err.join('')).not.toContain('sk-proj-abcdefghijklmnop1234')
    expect(term.join('')).not.toContain('sk-proj-abcdefghijklmnop1234')
    expect(term.join('').startsWith('\x1b[2A\r\x1b[0Jworker: OPENAI_API_KEY=')).toBe(true)
  })
})
