import { describe, expect, it } from 'vitest'
import type { MissionSnapshot, TodoRecord } from '../../../src/engine/record/entries'
import { emptySnapshot } from '../../../src/engine/record/replay'
import { blamedTodos } from '../../../src/engine/turns/check-blame'

const merged = (id: string, files: string[], iteration: number): TodoRecord =>
  ({ id, iteration, merge: { result: 'merged', files } }) as unknown as TodoRecord

function snap(todos: TodoRecord[], iteration = 2, mode: 'worktree' | 'shared' = 'worktree'): MissionSnapshot {
  const s = emptySnapshot()
  s.iteration = iteration
  s.isolation =
    mode === 'worktree'
      ? { mode, branch: 'orchestrator/m/integration', dir: '/wt', baseCommit: 'b0' }
      : { mode, reason: 'no git' }
  for (const t of todos) {
    s.todoOrder.push(t.id)
    s.todos[t.id] = t
  }
  return s
}

describe('the merged todos a failing check blames', () => {
  const todos = [
    merged('a', ['src/a.ts'], 1),
    merged('b', ['src/b.ts', 'b.test.ts'], 2),
    merged('c', ['c.ts'], 2),
  ]

  it('names the merged todos whose files the output names, with those files', () => {
    expect(blamedTodos(snap(todos), 'FAIL b.test.ts > adds\n  at src/a.ts:3')).toEqual([
      { id: 'a', named: ['src/a.ts'] },
      { id: 'b', named: ['b.test.ts'] },
    ])
  })

  it('falls back to the todos merged in this round when the output names none', () => {
    expect(blamedTodos(snap(todos), 'Segmentation fault')).toEqual([
      { id: 'b', named: [] },
      { id: 'c', named: [] },
    ])
  })

  it('blames nothing in the shared folder, where unmerged work is tested too', () => {
    expect(blamedTodos(snap(todos, 2, 'shared'), 'FAIL src/a.ts')).toEqual([])
  })
})
