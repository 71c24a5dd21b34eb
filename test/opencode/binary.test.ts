// resolveOpencodeBinary on a real temp folder tree: the user's path, the opencode-ai package, PATH.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  OpencodeNotFoundError,
  opencodePlatformPackages,
  resolveOpencodeBinary,
} from '../../src/opencode/binary'

const exe = process.platform === 'win32' ? 'opencode.exe' : 'opencode'
let root: string

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'orch-binary-'))
})
afterEach(() => rmSync(root, { recursive: true, force: true }))

function touch(path: string, text = ''): string {
  mkdirSync(join(path, '..'), { recursive: true })
  writeFileSync(path, text)
  chmodSync(path, 0o755)
  return path
}

/** An installed platform package under `modules` (a node_modules folder); returns its binary. */
function platformPackage(modules: string): string {
  const name = opencodePlatformPackages()[0] as string
  touch(join(modules, name, 'package.json'), JSON.stringify({ name, version: '1.0.0' }))
  return touch(join(modules, name, 'bin', exe))
}

function caught(fn: () => unknown): Error {
  try {
    fn()
  } catch (err) {
    return err as Error
  }
  throw new Error('expected a throw')
}

describe('resolveOpencodeBinary', () => {
  it('names all three sources, and how to fix each, when none has the binary', () => {
    const project = join(root, 'project')
    mkdirSync(project)
    const err = caught(() =>
      resolveOpencodeBinary({
        searchFrom: [project],
        pathEnv: join(root, 'empty-bin'),
        settingName: '--opencode',
        reinstallHint: 'reinstall the CLI',
      }),
    )
    expect(err).toBeInstanceOf(OpencodeNotFoundError)
    expect(err.message).toContain('"opencode-ai" package, an optional dependency')
    expect(err.message).toContain(project)
    expect(err.message).toContain(`"${exe}" on PATH`)
    expect(err.message).toContain('"--opencode" (not set)')
    expect(err.message).toContain(
      'reinstall the CLI, or npm install -g opencode-ai@1 to put OpenCode 1.x on PATH',
    )
    expect(err.message).toContain('set "--opencode" to the opencode binary')
  })

  it('names the VS Code setting by default', () => {
    const err = caught(() => resolveOpencodeBinary({ pathEnv: '' }))
    expect(err.message).toContain('"orchestrator.opencodePath" (not set)')
    expect(err.message).not.toContain('reinstall')
  })

  it('takes the configured path first, and says which setting holds a path that does not exist', () => {
    const mine = touch(join(root, 'mine', exe))
    touch(join(root, 'bin', exe))
    expect(resolveOpencodeBinary({ configured: mine, pathEnv: join(root, 'bin') })).toBe(mine)
    const missing = join(root, 'nope', exe)
    const err = caught(() => resolveOpencodeBinary({ configured: missing, settingName: '--opencode' }))
    expect(err.message).toContain(`The OpenCode binary set in "--opencode" does not exist: ${missing}`)
  })

  it("finds the binary of opencode-ai's platform package, hoisted or nested, before PATH", () => {
    touch(join(root, 'bin', exe))
    const hoisted = join(root, 'hoisted')
    touch(join(hoisted, 'node_modules', 'opencode-ai', 'package.json'), '{"name":"opencode-ai"}')
    const hoistedBin = platformPackage(join(hoisted, 'node_modules'))
    expect(resolveOpencodeBinary({ searchFrom: [hoisted], pathEnv: join(root, 'bin') })).toBe(hoistedBin)

    const nested = join(root, 'nested')
    const ai = join(nested, 'node_modules', 'opencode-ai')
    touch(join(ai, 'package.json'), '{"name":"opencode-ai"}')
    const nestedBin = platformPackage(join(ai, 'node_modules'))
    expect(resolveOpencodeBinary({ searchFrom: [join(root, 'elsewhere'), nested], pathEnv: '' })).toBe(
      nestedBin,
    )
  })

  it('falls back to opencode on PATH', () => {
    const onPath = touch(join(root, 'bin', exe))
    expect(
      resolveOpencodeBinary({
        searchFrom: [root],
        pathEnv: [join(root, 'none'), join(root, 'bin')].join(delimiter),
      }),
    ).toBe(onPath)
  })
})
