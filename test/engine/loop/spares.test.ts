import { describe, expect, it } from 'vitest'
import { SPARES_MAX, sparesWanted, type SpareFacts } from '../../../src/engine/loop/spares'
import type { MissionSnapshot, TodoStatus } from '../../../src/engine/record/entries'
import { emptySnapshot } from '../../../src/engine/record/replay'
import { todoRecord } from '../../fixtures/todo-record'

const todo = todoRecord

const snap = (statuses: TodoStatus[], over: Partial<MissionSnapshot> = {}): MissionSnapshot => {
  const todos = statuses.map((s, i) => todo(`t${i}`, s))
  return {
    ...emptySnapshot(),
    status: 'running',
    iteration: 1,
    todoOrder: todos.map((t) => t.id),
    todos: Object.fromEntries(todos.map((t) => [t.id, t])),
    ...over,
  }
}

const facts = (over: Partial<SpareFacts> = {}): SpareFacts => ({
  phase: 'working',
  cap: 6,
  plannerThinking: false,
  dispatching: false,
  starting: false,
  held: false,
  worktrees: false,
  ...over,
})

describe('sparesWanted: how many sessions the mission keeps made ahead', () => {
  it.each<[string, MissionSnapshot, Partial<SpareFacts>, number]>([
    [
      'while the planner thinks: as many as may run at once',
      snap([]),
      { phase: 'planning', plannerThinking: true },
      6,
    ],
    ['before the planner prompt is out: none yet', snap([]), { phase: 'planning' }, 0],
    [
      'bounded, whatever the caps',
      snap([]),
      { phase: 'planning', plannerThinking: true, cap: Infinity },
      SPARES_MAX,
    ],
    ['a todo not started needs a worker and a reviewer', snap(['pending']), {}, 2],
    [
      'a running or reported todo still needs its reviewer',
      snap(['running', 'reported', 'reviewing']),
      {},
      2,
    ],
    ['finished todos need none', snap(['passed', 'failed', 'cancelled']), {}, 0],
    ['never more than the cap', snap(['pending', 'pending', 'pending', 'pending']), { cap: 3 }, 3],
    ['none while a dispatch takes them (it would race it)', snap(['pending']), { dispatching: true }, 0],
    ['none while paused or out of reach', snap(['pending']), { held: true }, 0],
    [
      "none while a prompted session's first step is being prepared",
      snap(['pending']),
      { starting: true },
      0,
    ],
    ['none while the check runs', snap(['pending']), { phase: 'checking' }, 0],
    [
      "none in worktree mode (a todo's session is made in its own folder)",
      snap(['pending']),
      { phase: 'working', worktrees: true },
      0,
    ],
  ])('%s', (_, s, f, wanted) => {
    expect(sparesWanted(s, facts(f))).toBe(wanted)
  })
})
