import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { isOwnedPath, normalizeRelative, parseOwnership } from '../../src/engine/protocol/ownership'
import { clearOwnership, OwnershipReader, ownershipPath, writeOwnership } from '../../src/plugin/ownership'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'orch-own-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

const data = { missionId: 'm1', todos: ['a'], sessions: { s1: { todoId: 'a', files: ['src/a.ts'] } } }

describe('ownership format', () => {
  it('matches files, folders and globs, and nothing outside the project', () => {
    expect(isOwnedPath('src/a.ts', ['src/a.ts'])).toBe(true)
    expect(isOwnedPath('./src/./a.ts', ['src/a.ts'])).toBe(true)
    expect(isOwnedPath('src/a.tsx', ['src/a.ts'])).toBe(false)
    expect(isOwnedPath('src/lib/x.ts', ['src/lib'])).toBe(true)
    expect(isOwnedPath('src/library.ts', ['src/lib'])).toBe(false)
    expect(isOwnedPath('src/x.ts', ['src/*.ts'])).toBe(true)
    expect(isOwnedPath('src/deep/x.ts', ['src/*.ts'])).toBe(false)
    expect(isOwnedPath('src/deep/x.ts', ['src/**/*.ts'])).toBe(true)
    expect(isOwnedPath('src/x.ts', ['src/**/*.ts'])).toBe(true)
    expect(isOwnedPath('../src/a.ts', ['src/a.ts'])).toBe(false)
    expect(isOwnedPath('src/a.ts', [])).toBe(false)
    expect(normalizeRelative('a\\b\\..\\c')).toBe('a/c')
    expect(normalizeRelative('/etc/passwd')).toBeUndefined()
  })

  it('parses only well-formed ownership', () => {
    expect(parseOwnership(JSON.stringify(data))).toEqual(data)
    expect(parseOwnership('{')).toBeUndefined()
    expect(
      parseOwnership(JSON.stringify({ ...data, sessions: { s1: { todoId: 'a', files: 'src' } } })),
    ).toBeUndefined()
    expect(parseOwnership(JSON.stringify({ missionId: 'm', sessions: {} }))).toBeUndefined()
  })
})

describe('ownership file', () => {
  it('is written atomically under .opencode/orchestrator and read back', async () => {
    await writeOwnership(dir, data)
    expect(ownershipPath(dir)).toBe(join(dir, '.opencode', 'orchestrator', 'ownership.json'))
    expect(JSON.parse(readFileSync(ownershipPath(dir), 'utf8'))).toEqual(data)
    expect(readdirSync(join(dir, '.opencode', 'orchestrator'))).toEqual(['ownership.json'])
    expect(await new OwnershipReader(dir).current()).toEqual(data)
  })

  it('is re-read only when the file changes', async () => {
    const reader = new OwnershipReader(dir)
    expect(await reader.current()).toBeUndefined()
    await writeOwnership(dir, data)
    const first = await reader.current()
    expect(await reader.current()).toBe(first)
    await writeOwnership(dir, { ...data, todos: ['a', 'b'] })
    expect((await reader.current())?.todos).toEqual(['a', 'b'])
    writeFileSync(ownershipPath(dir), 'not json')
    expect(await reader.current()).toBeUndefined()
  })

  it('clearing removes the folders it left empty, and nothing of the user’s', async () => {
    await writeOwnership(dir, data)
    await clearOwnership(dir)
    expect(existsSync(join(dir, '.opencode'))).toBe(false)
    mkdirSync(join(dir, '.opencode'))
    writeFileSync(join(dir, '.opencode', 'opencode.json'), '{}')
    await writeOwnership(dir, data)
    await clearOwnership(dir)
    expect(readdirSync(join(dir, '.opencode'))).toEqual(['opencode.json'])
    await clearOwnership(dir)
  })
})
