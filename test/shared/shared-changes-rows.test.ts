import { describe, expect, it } from 'vitest'
import { changeWords, sharedRows } from '../../src/vscode/shared-changes-rows'

describe("the rows of a shared mission's changes", () => {
  it('puts each changed file under the first todo that reported it, then the files no todo reported', () => {
    const changes = [
      { path: 'a.ts', status: 'modified' as const, added: 3, removed: 1 },
      { path: 'b.ts', status: 'added' as const, added: 10, removed: 0 },
      { path: 'logo.png', status: 'added' as const },
      { path: 'notes.md', status: 'deleted' as const, added: 0, removed: 4 },
    ]
    const todos = [
      { title: 'Write a', filesChanged: ['a.ts', 'gone-back.ts'] },
      { title: 'Nothing left', filesChanged: ['gone-back.ts'] },
      { title: 'Write b', filesChanged: ['b.ts', 'a.ts', 'logo.png'] },
    ]
    expect(sharedRows(changes, todos)).toEqual([
      { kind: 'group', label: 'Write a' },
      { kind: 'file', path: 'a.ts', label: 'a.ts', description: '+3 −1' },
      { kind: 'group', label: 'Write b' },
      { kind: 'file', path: 'b.ts', label: 'b.ts', description: 'added, +10 −0' },
      { kind: 'file', path: 'logo.png', label: 'logo.png', description: 'added, binary' },
      { kind: 'group', label: 'Not reported by a todo' },
      { kind: 'file', path: 'notes.md', label: 'notes.md', description: 'deleted, +0 −4' },
    ])
    expect(changeWords({ path: 'x', status: 'modified', added: 0, removed: 2 })).toBe('+0 −2')
    expect(sharedRows([], todos)).toEqual([])
  })
})
