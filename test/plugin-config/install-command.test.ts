import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { runInstall, type InstallIo } from '../../src/cli/install-command'

let root: string
let project: string
let pluginFile: string

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'orch-cli-install-'))
  project = join(root, 'project')
  mkdirSync(project)
  pluginFile = join(root, 'opencode-orchestrator', 'dist', 'plugin.js')
  mkdirSync(join(pluginFile, '..'), { recursive: true })
  writeFileSync(pluginFile, '')
})
afterEach(() => rmSync(root, { recursive: true, force: true }))

function io(env: NodeJS.ProcessEnv = {}): InstallIo & { out: string[]; err: string[] } {
  const out: string[] = []
  const err: string[] = []
  return {
    out,
    err,
    stdout: { write: (t: string) => out.push(t) },
    stderr: { write: (t: string) => err.push(t) },
    env: { HOME: root, ...env },
    cwd: project,
    pluginFile,
  }
}

describe('orchestrator install', () => {
  it('installs into the current folder, then reports it is already there', async () => {
    const first = io({ CI: '1' })
    expect(await runInstall([], first)).toBe(0)
    expect(first.out.join('')).toBe(
      `Installed the orchestrator plugin in ${join(project, 'opencode.json')}\n`,
    )
    expect(readFileSync(join(project, 'opencode.json'), 'utf8')).toContain(pathToFileURL(pluginFile).href)
    const second = io()
    expect(await runInstall([], second)).toBe(0)
    expect(second.out.join('')).toMatch(/already installed/)
  })

  it('refuses a --dir that is missing or not a folder, and creates nothing', async () => {
    const missing = io()
    expect(await runInstall(['--dir', 'typo'], missing)).toBe(2)
    expect(missing.err.join('')).toBe('orchestrator install: --dir typo does not exist\n')
    expect(existsSync(join(project, 'typo'))).toBe(false)
    writeFileSync(join(project, 'file.txt'), 'x')
    const file = io()
    expect(await runInstall(['--dir', 'file.txt'], file)).toBe(2)
    expect(file.err.join('')).toContain('--dir file.txt is not a folder')
  })

  it('takes --dir relative to the working folder, and --uninstall removes the entry', async () => {
    mkdirSync(join(project, 'sub'))
    writeFileSync(join(project, 'sub', 'opencode.jsonc'), '{\n  // mine\n  "model": "a/b"\n}\n')
    expect(await runInstall(['--dir', 'sub'], io())).toBe(0)
    const un = io()
    expect(await runInstall(['--dir', 'sub', '--uninstall'], un)).toBe(0)
    expect(un.out.join('')).toMatch(
      /^Removed the orchestrator plugin from .*opencode\.jsonc \(backup: .*\.bak\)\n$/,
    )
    expect(readFileSync(join(project, 'sub', 'opencode.jsonc'), 'utf8')).toBe(
      '{\n  // mine\n  "model": "a/b"\n}\n',
    )
  })

  it('--global writes the global config', async () => {
    const dir = join(root, 'global-cfg')
    expect(await runInstall(['--global'], io({ OPENCODE_CONFIG_DIR: dir }))).toBe(0)
    expect(readFileSync(join(dir, 'opencode.jsonc'), 'utf8')).toContain('"plugin"')
  })

  it('exits 1 with the location when the config is malformed', async () => {
    writeFileSync(join(project, 'opencode.json'), '{ "model": }')
    const run = io()
    expect(await runInstall([], run)).toBe(1)
    expect(run.err.join('')).toBe(
      `orchestrator install: ${join(project, 'opencode.json')}:1:12: value expected\n`,
    )
    expect(readFileSync(join(project, 'opencode.json'), 'utf8')).toBe('{ "model": }')
  })

  it('exits 2 on bad usage', async () => {
    const both = io()
    expect(await runInstall(['--global', '--dir', 'x'], both)).toBe(2)
    expect(both.err.join('')).toMatch(/--dir and --global exclude each other/)
    const unknown = io()
    expect(await runInstall(['--force'], unknown)).toBe(2)
    expect(unknown.err.join('')).toMatch(/Unknown option '--force'/)
  })
})
