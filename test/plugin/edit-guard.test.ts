import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Hooks } from '@opencode-ai/plugin'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { editedPaths } from '../../src/plugin/edit-guard'
import { clearOwnership, writeOwnership } from '../../src/plugin/ownership'
import { before, loadPlugin } from './helpers'

let dir: string
let hooks: Hooks
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'orch-guard-'))
  hooks = await loadPlugin(dir)
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

const mission = () =>
  writeOwnership(dir, {
    missionId: 'm1',
    todos: ['api-auth', 'docs'],
    sessions: {
      ses_worker: { todoId: 'api-auth', files: ['src/auth.ts', 'test/auth/'] },
      ses_docs: { todoId: 'docs', files: ['docs/**/*.md'] },
    },
  })

describe('edit guard', () => {
  it('refuses a worker’s write outside its owned files, naming them', async () => {
    await mission()
    expect(
      await before(hooks, 'write', 'ses_worker', { filePath: join(dir, 'src/db.ts'), content: 'x' }),
    ).toBe(
      'Refused: todo "api-auth" may only edit its owned files: src/auth.ts, test/auth/. ' +
        `${join(dir, 'src/db.ts')} is outside them. ` +
        'If the todo needs it, finish what you can and report the todo as blocked, naming the file.',
    )
    expect(
      await before(hooks, 'edit', 'ses_worker', {
        filePath: '../elsewhere.ts',
        oldString: 'a',
        newString: 'b',
      }),
    ).toMatch(/^Refused: todo "api-auth"/)
  })

  it('allows edits inside the owned files, relative or absolute, files or folders', async () => {
    await mission()
    expect(
      await before(hooks, 'write', 'ses_worker', { filePath: join(dir, 'src/auth.ts'), content: 'x' }),
    ).toBeUndefined()
    expect(await before(hooks, 'edit', 'ses_worker', { filePath: 'test/auth/login.test.ts' })).toBeUndefined()
    expect(await before(hooks, 'write', 'ses_docs', { filePath: join(dir, 'docs/a/b.md') })).toBeUndefined()
    expect(await before(hooks, 'write', 'ses_docs', { filePath: join(dir, 'docs/a/b.ts') })).toMatch(
      /^Refused/,
    )
  })

  it('checks every path of an apply_patch call', async () => {
    await mission()
    const patch = (path: string) =>
      `*** Begin Patch\n*** Update File: src/auth.ts\n@@\n-a\n+b\n*** Add File: ${path}\n+new\n*** End Patch`
    expect(
      await before(hooks, 'apply_patch', 'ses_worker', { patchText: patch('test/auth/new.ts') }),
    ).toBeUndefined()
    expect(await before(hooks, 'apply_patch', 'ses_worker', { patchText: patch('src/other.ts') })).toMatch(
      /src\/other\.ts is outside them/,
    )
  })

  it('does not guard sessions that are not mission workers, nor non-editing tools', async () => {
    await mission()
    expect(await before(hooks, 'write', 'ses_user', { filePath: join(dir, 'anything.ts') })).toBeUndefined()
    expect(await before(hooks, 'read', 'ses_worker', { filePath: join(dir, 'src/db.ts') })).toBeUndefined()
    expect(await before(hooks, 'bash', 'ses_worker', { command: 'echo > src/db.ts' })).toBeUndefined()
  })

  it('no ownership file, no guard; it follows the file as it changes', async () => {
    const write = { filePath: join(dir, 'src/db.ts') }
    expect(await before(hooks, 'write', 'ses_worker', write)).toBeUndefined()
    await mission()
    expect(await before(hooks, 'write', 'ses_worker', write)).toMatch(/^Refused/)
    await writeOwnership(dir, {
      missionId: 'm1',
      todos: ['api-auth'],
      sessions: { ses_worker: { todoId: 'api-auth', files: ['src/db.ts'] } },
    })
    expect(await before(hooks, 'write', 'ses_worker', write)).toBeUndefined()
    await clearOwnership(dir, 'm1')
    expect(
      await before(hooks, 'write', 'ses_worker', { filePath: join(dir, 'elsewhere.ts') }),
    ).toBeUndefined()
  })

  it('guards each mission’s workers by its own file: one mission’s end leaves the other’s guard on', async () => {
    await mission()
    await writeOwnership(dir, {
      missionId: 'm2',
      todos: ['css'],
      sessions: { ses_css: { todoId: 'css', files: ['style.css'] } },
    })
    // The newer mission does not hide the older one's workers, nor the other way round.
    expect(await before(hooks, 'write', 'ses_worker', { filePath: join(dir, 'style.css') })).toMatch(
      /^Refused: todo "api-auth"/,
    )
    expect(await before(hooks, 'write', 'ses_css', { filePath: join(dir, 'src/auth.ts') })).toMatch(
      /^Refused: todo "css"/,
    )
    await clearOwnership(dir, 'm2')
    expect(await before(hooks, 'write', 'ses_worker', { filePath: join(dir, 'style.css') })).toMatch(
      /^Refused: todo "api-auth"/,
    )
    expect(await before(hooks, 'write', 'ses_css', { filePath: join(dir, 'src/auth.ts') })).toBeUndefined()
  })
})

describe('editedPaths', () => {
  it('reads the paths from edit, write and apply_patch arguments only', () => {
    expect(editedPaths('write', { filePath: 'a.ts', content: '' })).toEqual(['a.ts'])
    expect(editedPaths('edit', { filePath: '/x/b.ts' })).toEqual(['/x/b.ts'])
    expect(
      editedPaths('apply_patch', {
        patchText:
          '*** Begin Patch\n*** Delete File: old.ts\n*** Update File: c.ts\n*** Move to: d.ts\n*** End Patch',
      }),
    ).toEqual(['old.ts', 'c.ts', 'd.ts'])
    expect(editedPaths('read', { filePath: 'a.ts' })).toEqual([])
    expect(editedPaths('write', null)).toEqual([])
  })
})
