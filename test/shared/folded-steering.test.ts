import { describe, expect, it } from 'vitest'
import { toMissionView } from '../../src/vscode/snapshot'
import { agentState, missionState, todoState } from '../fixtures/mission-state'

// A steering receipt outlives its agent's row: once the agent folds into its todo, the todo keeps it.

describe('steering of a folded agent', () => {
  it("stays in its todo's view, receipt by receipt", () => {
    const steering = [
      { id: 'steer_1', text: 'keep the API', status: 'delivered', queuedAt: 1, deliveredAt: 2 },
      { id: 'steer_2', text: 'and the docs', status: 'dropped', queuedAt: 3, note: 'the session ended' },
    ] as const
    const view = toMissionView(
      missionState({
        todos: [todoState('api', 'passed')],
        agents: [
          agentState('w', { todoId: 'api', status: 'done', steering: steering.map((m) => ({ ...m })) }),
          agentState('r', { role: 'reviewer', todoId: 'api', status: 'done' }),
        ],
      }),
    )
    expect(view.agents).toEqual([])
    expect(view.todos[0]?.folded.map((f) => f.steering)).toEqual([steering, undefined])
  })
})
