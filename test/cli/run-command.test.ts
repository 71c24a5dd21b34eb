import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runCommand } from '../../src/cli/run-command'
import type { CliIo } from '../../src/cli/io'

function io(): CliIo & { err: string } {
  const out = {
    err: '',
    stdout: () => {},
    stderr: (t: string) => void (out.err += t),
    env: {},
    cwd: '/nonexistent',
    packageRoot: '/nonexistent',
  }
  return out
}

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

describe('orchestrator run: the attached server’s password', () => {
  it('refuses --password with --password-file, and an unreadable or empty file, before connecting', async () => {
    const root = mkdtempSync(join(tmpdir(), 'orchestrator-pw-'))
    try {
      const url = ['--goal', 'x', '--server-url', 'http://127.0.0.1:1']
      const both = io()
      writeFileSync(join(root, 'pw'), 'from-file\n')
      expect(await runCommand([...url, '--password', 'p', '--password-file', join(root, 'pw')], both)).toBe(2)
      expect(both.err).toContain('give --password-file or --password, not both')
      const missing = io()
      expect(await runCommand([...url, '--password-file', join(root, 'nope')], missing)).toBe(2)
      expect(missing.err).toContain('cannot read --password-file: ENOENT')
      const empty = io()
      writeFileSync(join(root, 'empty'), '\n')
      expect(await runCommand([...url, '--password-file', join(root, 'empty')], empty)).toBe(2)
      expect(empty.err).toContain('is empty: its first line is the password')
      for (const o of [both, missing, empty]) expect(o.err).not.toContain('preflight')
    } finally {
      rmSync(root, { recursive: true, force: true })
    }
  })
})
