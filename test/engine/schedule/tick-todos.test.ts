import { describe, expect, it } from 'vitest'
import type { TodoRecord } from '../../../src/engine/record/entries'
import { TickTodos } from '../../../src/engine/schedule/tick-input'
import { openJournal, todoLife } from '../../fixtures/todo-life'

// The scheduler's todos are kept from tick to tick, made again only for the todos an entry touched.

describe("the scheduler's todos", () => {
  it('equal a fresh build after every entry, with the dispatches under way as started', async () => {
    const { journal: j } = await openJournal()
    const tick = new TickTodos()
    const under = new Map([['b', { role: 'worker' as const }]])
    for (const e of todoLife) {
      await j.append(e)
      const s = j.snapshot()
      const fresh = s.todoOrder.map((id) => {
        const t = s.todos[id] as TodoRecord
        return {
          id,
          files: t.files,
          dependsOn: t.dependsOn,
          status: id === 'b' ? 'running' : t.status,
          affinity: t.status === 'pending' && t.sessionId ? [t.sessionId] : [],
        }
      })
      expect(tick.of(j.current, j, under), e.type).toStrictEqual(fresh)
      expect(tick.of(j.current, j, new Map()).find((t) => t.id === 'b')?.status).toBe(s.todos.b?.status)
    }
  })
})
