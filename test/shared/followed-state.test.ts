import { describe, expect, it } from 'vitest'
import { sharePrevious } from '../../src/vscode/followed-state'
import { agentState, missionState, todoState } from '../fixtures/mission-state'

// A followed mission's state is parsed whole at every read: what did not change must keep the objects
// the dashboard already shows, or every delta carries (and every row redraws) the whole mission.
const copy = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T

describe('sharePrevious', () => {
  const before = missionState({
    agents: [agentState('s1'), agentState('s2')],
    todos: [todoState('a', 'running'), todoState('b', 'pending')],
    budgets: { tokens: { limit: 10 } } as never,
  })

  it('keeps every part of a state read again unchanged', () => {
    const again = sharePrevious(before, copy(before))
    expect(again.agents).toBe(before.agents)
    expect(again.todos).toBe(before.todos)
    expect(again.timeline).toBe(before.timeline)
    expect(again.budgets).toBe(before.budgets)
  })

  it('takes only the changed items anew, in the new order', () => {
    const next = copy(before)
    next.agents[1]!.status = 'idle'
    next.todos.reverse()
    const shared = sharePrevious(before, next)
    expect(shared.agents[0]).toBe(before.agents[0])
    expect(shared.agents[1]).not.toBe(before.agents[1])
    expect(shared.agents[1]!.status).toBe('idle')
    expect(shared.todos.map((t) => t.id)).toEqual(['b', 'a'])
    expect(shared.todos).not.toBe(before.todos)
    expect(shared.todos[0]).toBe(before.todos[1])
  })

  it('shares nothing with another mission', () => {
    const other = { ...copy(before), id: 'other' }
    expect(sharePrevious(before, other).agents).not.toBe(before.agents)
  })
})
