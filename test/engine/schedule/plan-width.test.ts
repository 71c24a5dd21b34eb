import { describe, expect, it } from 'vitest'
import type { TodoRecord, TodoStatus } from '../../../src/engine/record/entries'
import { planWidth } from '../../../src/engine/schedule/plan-width'
import { todoRecord } from '../../fixtures/todo-record'

const todo = (id: string, dependsOn: string[] = [], status: TodoStatus = 'pending'): TodoRecord =>
  todoRecord(id, status, { dependsOn })

const width = (...todos: TodoRecord[]) =>
  planWidth(
    Object.fromEntries(todos.map((t) => [t.id, t])),
    todos.map((t) => t.id),
  )

describe('planWidth', () => {
  it('counts the widest level: five todos at once, then the one that waits for two of them', () => {
    const plan = ['a', 'b', 'c', 'd', 'e'].map((id) => todo(id))
    expect(width(...plan, todo('f', ['a', 'b']))).toBe(5)
  })

  it('puts a todo one level below the deepest todo it waits for', () => {
    // a → b → d and c → d: d waits on the deeper b, so b and c are the widest level with a alone above.
    expect(width(todo('a'), todo('b', ['a']), todo('c'), todo('d', ['b', 'c']))).toBe(2)
    // A chain runs one at a time.
    expect(width(todo('a'), todo('b', ['a']), todo('c', ['b']))).toBe(1)
    // a beside b, then c and d after b: a may still work when c and d start (three at once), though
    // no level holds three.
    expect(width(todo('a'), todo('b'), todo('c', ['b']), todo('d', ['b']))).toBe(3)
    // One todo opens a wave wider than the first.
    expect(width(todo('root'), ...['w', 'x', 'y', 'z'].map((id) => todo(id, ['root'])))).toBe(4)
  })

  it('leaves out todos that will not run again, and waits on them no more', () => {
    const plan = [
      todo('a', [], 'passed'),
      todo('b', ['a']),
      todo('c', ['a']),
      todo('d', [], 'cancelled'),
      todo('e', ['b']),
    ]
    expect(width(...plan)).toBe(2)
    expect(width(todo('a', [], 'passed'), todo('b', [], 'failed'))).toBe(0)
  })

  it('takes a long chain without running out of stack, and a cycle or unknown id as no wait', () => {
    const chain = Array.from({ length: 20_000 }, (_, i) => todo(`t${i}`, i ? [`t${i - 1}`] : []))
    // Last first: the first todo asked about waits, through 19,999 others, on the first.
    expect(width(...chain.reverse())).toBe(1)
    expect(width(todo('a', ['b']), todo('b', ['a']), todo('c', ['gone']))).toBeGreaterThanOrEqual(1)
  })
})
