import { execFileSync } from 'node:child_process'
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { installPlugin, uninstallPlugin, type InstallOutcome } from '../../src/plugin-config/installer'
import { nodeSafeWriteFs, type SafeWriteFs } from '../../src/plugin-config/safe-write'

let root: string
let project: string
let pluginFile: string
let url: string

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'orch-install-'))
  project = join(root, 'project')
  mkdirSync(project)
  // A shipped plugin in a folder named like an installed package.
  pluginFile = join(root, 'ext', 'opencode-orchestrator', 'dist', 'plugin.js')
  mkdirSync(join(pluginFile, '..'), { recursive: true })
  writeFileSync(pluginFile, 'export const OrchestratorPlugin = async () => ({})\n')
  url = pathToFileURL(pluginFile).href
})
afterEach(() => rmSync(root, { recursive: true, force: true }))

// Tests run as root, which chmod does not stop; the immutable attribute stops root too (ext4, xfs).
const setImmutable = (dir: string, on: boolean) =>
  execFileSync('chattr', [on ? '+i' : '-i', dir], { stdio: 'ignore' })
const canMakeReadOnly = (() => {
  const dir = mkdtempSync(join(tmpdir(), 'orch-chattr-'))
  try {
    setImmutable(dir, true)
    try {
      writeFileSync(join(dir, 'probe'), '')
      return false
    } catch {
      return true
    } finally {
      setImmutable(dir, false)
    }
  } catch {
    return false
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})()

const scope = () => ({ kind: 'project' as const, dir: project })
const env = { HOME: '/nonexistent' }
const read = (name: string) => readFileSync(join(project, name), 'utf8')
const backupDir = () => join(project, '.opencode', 'orchestrator', 'backups')
const backups = () =>
  existsSync(backupDir()) ? readdirSync(backupDir()).filter((n) => n.endsWith('.bak')) : []
function ok(outcome: InstallOutcome) {
  if (!outcome.ok) throw outcome.error
  return outcome
}

const JSONC = [
  '{',
  '  // The team config',
  '  "model": "anthropic/claude", /* keep me */',
  '  "plugin": [',
  '    "opencode-foo@1.2.3",',
  '    ["./local.js", { "debug": true }],',
  '  ],',
  '}',
  '',
].join('\n')

describe('installPlugin (project scope)', () => {
  it('creates opencode.json when the project has no config', async () => {
    const r = ok(await installPlugin({ scope: scope(), pluginFile, env }))
    expect(r).toEqual({ ok: true, changed: true, path: join(project, 'opencode.json') })
    expect(read('opencode.json')).toBe(
      `{\n  "$schema": "https://opencode.ai/config.json",\n  "plugin": [\n    "${url}"\n  ]\n}\n`,
    )
    expect(backups()).toEqual([])
  })

  it('merges into opencode.jsonc (preferred over opencode.json), keeping comments and siblings', async () => {
    writeFileSync(join(project, 'opencode.jsonc'), JSONC)
    writeFileSync(join(project, 'opencode.json'), '{}\n')
    const r = ok(await installPlugin({ scope: scope(), pluginFile, env }))
    expect(r.path).toBe(join(project, 'opencode.jsonc'))
    expect(read('opencode.jsonc')).toBe(
      JSONC.replace('{ "debug": true }],\n', `{ "debug": true }],\n    "${url}",\n`),
    )
    expect(read('opencode.json')).toBe('{}\n')
    expect(r.backup).toMatch(/opencode\.jsonc\.orchestrator-\d{8}T\d{9}Z\.bak$/)
    expect(readFileSync(r.backup as string, 'utf8')).toBe(JSONC)
  })

  it('keeps CRLF and the BOM', async () => {
    const text = '\uFEFF{\r\n  "plugin": [\r\n    "a"\r\n  ]\r\n}\r\n'
    writeFileSync(join(project, 'opencode.json'), text)
    ok(await installPlugin({ scope: scope(), pluginFile, env }))
    expect(read('opencode.json')).toBe(`\uFEFF{\r\n  "plugin": [\r\n    "a",\r\n    "${url}"\r\n  ]\r\n}\r\n`)
  })

  it('changes nothing on a second run: no write, no backup', async () => {
    writeFileSync(join(project, 'opencode.jsonc'), JSONC)
    ok(await installPlugin({ scope: scope(), pluginFile, env }))
    const after = read('opencode.jsonc')
    const mtime = statSync(join(project, 'opencode.jsonc')).mtimeMs
    const second = ok(await installPlugin({ scope: scope(), pluginFile, env }))
    expect(second).toEqual({ ok: true, changed: false, path: join(project, 'opencode.jsonc') })
    expect(read('opencode.jsonc')).toBe(after)
    expect(statSync(join(project, 'opencode.jsonc')).mtimeMs).toBe(mtime)
    expect(backups()).toHaveLength(1)
  })

  it('upgrades an older entry of ours (an earlier extension version) in place', async () => {
    const old =
      'file:///home/me/.vscode/extensions/opencode-orchestrator.opencode-orchestrator-0.0.1/dist/plugin.js'
    writeFileSync(join(project, 'opencode.json'), `{\n  "plugin": [\n    "${old}",\n    "other"\n  ]\n}\n`)
    ok(
      await installPlugin({ scope: scope(), pluginFile, env, pluginOptions: { models: { planner: 'p/m' } } }),
    )
    expect(read('opencode.json')).toBe(
      `{\n  "plugin": [\n    ["${url}", {"models": {"planner": "p/m"}}],\n    "other"\n  ]\n}\n`,
    )
  })

  it('recognises a checkout of our package by its package.json', async () => {
    const checkout = join(root, 'work', 'main')
    mkdirSync(join(checkout, 'dist'), { recursive: true })
    writeFileSync(join(checkout, 'package.json'), '{"name": "opencode-orchestrator"}')
    const devUrl = pathToFileURL(join(checkout, 'dist', 'plugin.js')).href
    writeFileSync(join(project, 'opencode.json'), `{"plugin": ["${devUrl}", "x"]}`)
    ok(await installPlugin({ scope: scope(), pluginFile, env }))
    expect(read('opencode.json')).toBe(`{"plugin": ["${url}", "x"]}`)
  })

  it('leaves a malformed file byte for byte and says where it is broken', async () => {
    const bad = Buffer.from('{\n  "model": "a/b",\n  "plugin": [\n    "x"\n  \n}\n// é\n')
    writeFileSync(join(project, 'opencode.json'), bad)
    const r = await installPlugin({ scope: scope(), pluginFile, env })
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(r.error.reason).toBe('parse-error')
    expect(r.error.details).toEqual({ line: 6, column: 1 })
    expect(existsSync(join(project, '.opencode'))).toBe(false)
    expect(r.error.message).toBe(`${join(project, 'opencode.json')}:6:1: comma expected`)
    expect(readFileSync(join(project, 'opencode.json')).equals(bad)).toBe(true)
    expect(backups()).toEqual([])
  })

  it('refuses to install a plugin file that does not exist', async () => {
    const r = await installPlugin({ scope: scope(), pluginFile: join(root, 'missing.js'), env })
    expect(r).toMatchObject({ ok: false, error: { reason: 'plugin-missing' } })
    expect(readdirSync(project)).toEqual([])
  })

  it('fails cleanly when the temp file cannot be written (a directory is in its place)', async () => {
    writeFileSync(join(project, 'opencode.json'), JSONC)
    const temp = join(project, `opencode.json.${process.pid}.tmp`)
    mkdirSync(temp)
    const r = await installPlugin({ scope: scope(), pluginFile, env })
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(r.error.reason).toBe('write-failed')
    expect(r.error.details.rolledBack).toBe(true)
    expect(read('opencode.json')).toBe(JSONC)
    expect(statSync(temp).isDirectory()).toBe(true)
  })

  it.skipIf(!canMakeReadOnly)('fails without touching anything in a read-only project folder', async () => {
    writeFileSync(join(project, 'opencode.json'), JSONC)
    setImmutable(project, true)
    try {
      const r = await installPlugin({ scope: scope(), pluginFile, env })
      expect(r).toMatchObject({ ok: false, error: { reason: 'backup-failed' } })
      expect(read('opencode.json')).toBe(JSONC)
      expect(readdirSync(project)).toEqual(['opencode.json'])
    } finally {
      setImmutable(project, false)
    }
  })

  it.skipIf(!canMakeReadOnly)('rolls back when the folder turns read-only after the backup', async () => {
    writeFileSync(join(project, 'opencode.json'), JSONC)
    const fs: SafeWriteFs = {
      ...nodeSafeWriteFs,
      createFile: async (path, data, mode) => {
        await nodeSafeWriteFs.createFile(path, data, mode)
        if (path.endsWith('.bak')) setImmutable(project, true)
      },
    }
    try {
      const r = await installPlugin({ scope: scope(), pluginFile, env, fs })
      expect(r.ok).toBe(false)
      if (r.ok) return
      expect(r.error.reason).toBe('write-failed')
      expect(r.error.message).toMatch(/operation not permitted/)
      expect(r.error.details.rolledBack).toBe(true)
      expect(readFileSync(r.error.details.backup as string, 'utf8')).toBe(JSONC)
    } finally {
      setImmutable(project, false)
    }
    expect(read('opencode.json')).toBe(JSONC)
  })

  it('rolls back from the backup when the written file does not verify', async () => {
    writeFileSync(join(project, 'opencode.json'), JSONC)
    let renames = 0
    // The rename goes through, then the file is clobbered (as by a full disk or a racing writer).
    const fs: SafeWriteFs = {
      ...nodeSafeWriteFs,
      rename: async (from, to) => {
        await nodeSafeWriteFs.rename(from, to)
        if (renames++ === 0) writeFileSync(to, '{ "plugin": [')
      },
    }
    const r = await installPlugin({ scope: scope(), pluginFile, env, fs })
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(r.error.reason).toBe('verify-failed')
    expect(r.error.details.rolledBack).toBe(true)
    expect(read('opencode.json')).toBe(JSONC)
    expect(readdirSync(project).filter((n) => n.endsWith('.tmp'))).toEqual([])
  })

  it('removes the file it created when writing a new file fails', async () => {
    const fs: SafeWriteFs = {
      ...nodeSafeWriteFs,
      rename: async (from, to) => {
        await nodeSafeWriteFs.rename(from, to)
        writeFileSync(to, 'garbage')
      },
    }
    const r = await installPlugin({ scope: scope(), pluginFile, env, fs })
    expect(r).toMatchObject({ ok: false, error: { reason: 'verify-failed', details: { rolledBack: true } } })
    expect(readdirSync(project)).toEqual([])
  })

  it('keeps the newest five backups', async () => {
    writeFileSync(join(project, 'opencode.json'), '{}\n')
    let t = Date.parse('2026-01-01T00:00:00.000Z')
    const now = () => new Date((t += 1000))
    for (let i = 0; i < 7; i++)
      ok(
        await installPlugin({
          scope: scope(),
          pluginFile,
          env,
          now,
          pluginOptions: { models: { worker: `p/m${i}` } },
        }),
      )
    const names = backups().sort()
    expect(names).toHaveLength(5)
    expect(names[0]).toBe('opencode.json.orchestrator-20260101T000003000Z.bak')
    expect(names[4]).toBe('opencode.json.orchestrator-20260101T000007000Z.bak')
    expect(readFileSync(join(backupDir(), names[4] as string), 'utf8')).toContain('p/m5')
  })

  it('skips an automatic install when CI is set, but not an explicit one', async () => {
    const ci = { ...env, CI: 'true' }
    const skipped = ok(await installPlugin({ scope: scope(), pluginFile, env: ci, automatic: true }))
    expect(skipped).toEqual({ ok: true, changed: false, path: join(project, 'opencode.json'), skipped: 'ci' })
    expect(readdirSync(project)).toEqual([])
    ok(await installPlugin({ scope: scope(), pluginFile, env: { ...env, CI: 'false' }, automatic: true }))
    rmSync(join(project, 'opencode.json'))
    const explicit = ok(await installPlugin({ scope: scope(), pluginFile, env: ci }))
    expect(explicit.changed).toBe(true)
  })
})

describe('config writes on real files', () => {
  const modeOf = (path: string) => statSync(path).mode & 0o777

  it('writes through a symlinked config (a dotfile manager): the link stays a link, its target is edited', async () => {
    const dotfiles = join(root, 'dotfiles')
    mkdirSync(dotfiles)
    writeFileSync(join(dotfiles, 'opencode.jsonc'), JSONC)
    symlinkSync('../dotfiles/opencode.jsonc', join(project, 'opencode.jsonc'))
    const r = ok(await installPlugin({ scope: scope(), pluginFile, env }))
    expect(r.path).toBe(join(project, 'opencode.jsonc'))
    expect(lstatSync(join(project, 'opencode.jsonc')).isSymbolicLink()).toBe(true)
    expect(readlinkSync(join(project, 'opencode.jsonc'))).toBe('../dotfiles/opencode.jsonc')
    expect(readFileSync(join(dotfiles, 'opencode.jsonc'), 'utf8')).toContain(`"${url}"`)
    // No backup or temp file lands in the dotfiles repository.
    expect(readdirSync(dotfiles)).toEqual(['opencode.jsonc'])
    expect(readFileSync(r.backup as string, 'utf8')).toBe(JSONC)
    ok(await uninstallPlugin({ scope: scope(), pluginFile, env }))
    expect(lstatSync(join(project, 'opencode.jsonc')).isSymbolicLink()).toBe(true)
    expect(readFileSync(join(dotfiles, 'opencode.jsonc'), 'utf8')).toBe(JSONC)
  })

  it('refuses a symlink to a missing file, naming it, and leaves the link alone', async () => {
    symlinkSync(join(root, 'dotfiles', 'opencode.json'), join(project, 'opencode.json'))
    const r = await installPlugin({ scope: scope(), pluginFile, env })
    expect(r).toMatchObject({ ok: false, error: { reason: 'broken-link' } })
    if (r.ok) return
    expect(r.error.message).toContain(`is a symbolic link to ${join(root, 'dotfiles', 'opencode.json')}`)
    expect(readlinkSync(join(project, 'opencode.json'))).toBe(join(root, 'dotfiles', 'opencode.json'))
    expect(existsSync(join(root, 'dotfiles'))).toBe(false)
    expect(readdirSync(project)).toEqual(['opencode.json'])
  })

  it('creates the temp file with the original mode, backups 0600, and a new config 0600', async () => {
    const file = join(project, 'opencode.json')
    writeFileSync(file, '{}\n')
    chmodSync(file, 0o640)
    const created: Record<string, number> = {}
    const fs: SafeWriteFs = {
      ...nodeSafeWriteFs,
      createFile: async (path, data, mode) => {
        await nodeSafeWriteFs.createFile(path, data, mode)
        created[path.slice(root.length + 1)] = modeOf(path)
      },
    }
    const r = ok(await installPlugin({ scope: scope(), pluginFile, env, fs }))
    // The mode each file had the moment it came into existence, before any chmod.
    expect(created[`project/opencode.json.${process.pid}.tmp`]).toBe(0o640)
    expect(modeOf(file)).toBe(0o640)
    expect(modeOf(r.backup as string)).toBe(0o600)
    expect(created[(r.backup as string).slice(root.length + 1)]).toBe(0o600)

    rmSync(file)
    ok(await installPlugin({ scope: scope(), pluginFile, env, fs }))
    expect(modeOf(file)).toBe(0o600)
  })

  it('keeps project backups out of version control, and global ones in the state folder', async () => {
    execFileSync('git', ['init', '-q', project])
    writeFileSync(join(project, 'opencode.json'), '{"provider": {"x": {"options": {"apiKey": "sk-1"}}}}\n')
    const r = ok(await installPlugin({ scope: scope(), pluginFile, env }))
    expect(r.backup).toBe(join(backupDir(), backups()[0] as string))
    expect(readFileSync(join(backupDir(), '.gitignore'), 'utf8')).toBe('*\n')
    const status = execFileSync('git', ['status', '--porcelain', '--untracked-files=all'], {
      cwd: project,
      encoding: 'utf8',
    })
    expect(status.trim().split('\n')).toEqual(['?? opencode.json'])

    const cfg = join(root, 'cfg')
    const state = join(root, 'state')
    mkdirSync(cfg)
    writeFileSync(join(cfg, 'opencode.jsonc'), '{}\n')
    const genv = { OPENCODE_CONFIG_DIR: cfg, XDG_STATE_HOME: state }
    const g = ok(await installPlugin({ scope: { kind: 'global' }, pluginFile, env: genv }))
    expect(readdirSync(cfg)).toEqual(['opencode.jsonc'])
    expect(g.backup?.startsWith(join(state, 'opencode-orchestrator', 'backups', 'opencode.jsonc.'))).toBe(
      true,
    )
    expect(readFileSync(g.backup as string, 'utf8')).toBe('{}\n')
  })
})

describe('installPlugin (global scope)', () => {
  it('writes opencode.jsonc in OPENCODE_CONFIG_DIR', async () => {
    const dir = join(root, 'cfg')
    const r = ok(
      await installPlugin({ scope: { kind: 'global' }, pluginFile, env: { OPENCODE_CONFIG_DIR: dir } }),
    )
    expect(r.path).toBe(join(dir, 'opencode.jsonc'))
    expect(readFileSync(r.path, 'utf8')).toContain(`"${url}"`)
  })
})

describe('uninstallPlugin', () => {
  it('removes only our entry, keeping siblings and comments byte for byte', async () => {
    writeFileSync(join(project, 'opencode.jsonc'), JSONC)
    ok(await installPlugin({ scope: scope(), pluginFile, env }))
    const r = ok(await uninstallPlugin({ scope: scope(), pluginFile, env }))
    expect(r.changed).toBe(true)
    expect(read('opencode.jsonc')).toBe(JSONC)
  })

  it('restores a file that had no plugin list to its original bytes', async () => {
    const original = '{\n  // only a model\n  "model": "a/b"\n}\n'
    writeFileSync(join(project, 'opencode.jsonc'), original)
    ok(await installPlugin({ scope: scope(), pluginFile, env }))
    ok(await uninstallPlugin({ scope: scope(), env }))
    expect(read('opencode.jsonc')).toBe(original)
  })

  it('is a no-op without a file or without our entry', async () => {
    expect(ok(await uninstallPlugin({ scope: scope(), env })).changed).toBe(false)
    expect(readdirSync(project)).toEqual([])
    writeFileSync(join(project, 'opencode.jsonc'), JSONC)
    expect(ok(await uninstallPlugin({ scope: scope(), env })).changed).toBe(false)
    expect(backups()).toEqual([])
  })

  it('reports a malformed file and leaves it alone', async () => {
    writeFileSync(join(project, 'opencode.json'), '{ "plugin": [ "x", }')
    const r = await uninstallPlugin({ scope: scope(), env })
    expect(r).toMatchObject({ ok: false, error: { reason: 'parse-error', details: { line: 1 } } })
    expect(read('opencode.json')).toBe('{ "plugin": [ "x", }')
  })
})
