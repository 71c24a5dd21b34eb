import { execFileSync } from 'node:child_process'
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
  const orchestrator = () => join(dir, '.opencode', 'orchestrator')

  it('is written atomically under .opencode/orchestrator/ownership, one file per mission, and read back', async () => {
    await writeOwnership(dir, data)
    expect(ownershipPath(dir, 'm1')).toBe(join(orchestrator(), 'ownership', 'm1.json'))
    expect(JSON.parse(readFileSync(ownershipPath(dir, 'm1'), 'utf8'))).toEqual(data)
    expect(readdirSync(join(orchestrator(), 'ownership'))).toEqual(['m1.json'])
    expect(await new OwnershipReader(dir).all()).toEqual([data])
  })

  it('gives the orchestrator folder a .gitignore holding * when it first writes there', async () => {
    await writeOwnership(dir, data)
    expect(readFileSync(join(orchestrator(), '.gitignore'), 'utf8')).toBe('*\n')
    // A user's change to it stands.
    writeFileSync(join(orchestrator(), '.gitignore'), '*\n!keep\n')
    await writeOwnership(dir, { ...data, missionId: 'm2' })
    expect(readFileSync(join(orchestrator(), '.gitignore'), 'utf8')).toBe('*\n!keep\n')
  })

  it('leaves git status clean: git ignores what the orchestrator writes into a repository', async () => {
    execFileSync('git', ['init', '-q', dir])
    await writeOwnership(dir, data)
    expect(
      execFileSync('git', ['-C', dir, 'status', '--porcelain', '--untracked-files=all'], {
        encoding: 'utf8',
      }),
    ).toBe('')
  })

  it('refuses a mission id that is not a file name', async () => {
    await expect(writeOwnership(dir, { ...data, missionId: '../m' })).rejects.toThrow(/not a mission id/)
    expect(existsSync(join(dir, 'm.json'))).toBe(false)
  })

  it('is re-read only when the file changes', async () => {
    const reader = new OwnershipReader(dir)
    expect(await reader.forSession('s1')).toBeUndefined()
    await writeOwnership(dir, data)
    const first = await reader.forSession('s1')
    expect(await reader.forSession('s1')).toBe(first)
    await writeOwnership(dir, { ...data, todos: ['a', 'b'] })
    expect((await reader.forSession('s1'))?.todos).toEqual(['a', 'b'])
    writeFileSync(ownershipPath(dir, 'm1'), 'not json')
    expect(await reader.forSession('s1')).toBeUndefined()
  })

  it('finds the mission of a session among several; an unlisted session gets the newest', async () => {
    const reader = new OwnershipReader(dir)
    const other = { missionId: 'm2', todos: ['b'], sessions: {}, reviews: { r2: 'b' } }
    await writeOwnership(dir, data)
    await new Promise((r) => setTimeout(r, 20))
    await writeOwnership(dir, other)
    expect((await reader.forSession('s1'))?.missionId).toBe('m1')
    expect((await reader.forSession('r2'))?.missionId).toBe('m2')
    expect((await reader.forSession('planner'))?.missionId).toBe('m2')
    await clearOwnership(dir, 'm2')
    expect((await reader.forSession('s1'))?.missionId).toBe('m1')
    expect(await reader.all()).toEqual([data])
  })

  it('clearing removes one mission’s file, the folders it left empty, and nothing of the user’s', async () => {
    await writeOwnership(dir, data)
    await writeOwnership(dir, { ...data, missionId: 'm2' })
    await clearOwnership(dir, 'm2')
    expect(readdirSync(join(orchestrator(), 'ownership'))).toEqual(['m1.json'])
    await clearOwnership(dir, 'm1')
    expect(existsSync(join(dir, '.opencode'))).toBe(false)
    mkdirSync(join(dir, '.opencode'))
    writeFileSync(join(dir, '.opencode', 'opencode.json'), '{}')
    await writeOwnership(dir, data)
    await clearOwnership(dir, 'm1')
    expect(readdirSync(join(dir, '.opencode'))).toEqual(['opencode.json'])
    await clearOwnership(dir, 'm1')
  })
})
