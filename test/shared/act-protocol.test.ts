import { describe, expect, it } from 'vitest'
import { isWebviewToHost, STEER_MAX_CHARS } from '../../src/shared/protocol'
import { STEER_MAX_CHARS as ENGINE_STEER_MAX } from '../../src/engine/sessions/steering'
import { toMissionView } from '../../src/vscode/snapshot'
import { agentState, missionState, todoState } from '../fixtures/mission-state'

describe('the act intents at the boundary', () => {
  it('accepts todo.cancel, todo.retry and agent.steer with their ids', () => {
    for (const ok of [
      { type: 'todo.cancel', todoId: 'api' },
      { type: 'todo.retry', todoId: 'api' },
      { type: 'agent.steer', sessionId: 'ses_1', text: 'keep the API' },
      { type: 'agent.steer', sessionId: 'ses_1', text: 'x'.repeat(STEER_MAX_CHARS) },
    ])
      expect(isWebviewToHost(ok), JSON.stringify(ok)).toBe(true)
  })

  it('rejects missing or malformed ids and empty or oversized steering text', () => {
    for (const bad of [
      { type: 'todo.cancel' },
      { type: 'todo.cancel', todoId: '' },
      { type: 'todo.retry', todoId: 7 },
      { type: 'todo.retry', todoId: 'x'.repeat(513) },
      { type: 'agent.steer', sessionId: 'ses_1' },
      { type: 'agent.steer', sessionId: 'ses_1', text: '   ' },
      { type: 'agent.steer', sessionId: 'ses_1', text: 'x'.repeat(STEER_MAX_CHARS + 1) },
      { type: 'agent.steer', text: 'hi' },
    ])
      expect(isWebviewToHost(bad), JSON.stringify(bad)).toBe(false)
  })

  it('bounds steering text the same on both sides of the boundary', () => {
    expect(STEER_MAX_CHARS).toBe(ENGINE_STEER_MAX)
  })

  it('carries steering receipts and cancelled/blocked todos into the view, field by field', () => {
    const agent = agentState('ses_1', {
      steering: [
        { id: 'steer_1', text: 'hi', status: 'delivered', queuedAt: 1, deliveredAt: 2 },
        { id: 'steer_2', text: 'late', status: 'dropped', queuedAt: 3, note: 'the mission ended' },
      ],
    })
    const mission = missionState({
      agents: [agent],
      todos: [
        todoState('a', 'cancelled', { reason: 'cancelled by the user', retries: 1 }),
        todoState('b', 'blocked', { blockedBy: ['a'], dependsOn: ['a'], reason: 'blocked by cancelled a' }),
      ],
    })
    const view = structuredClone(toMissionView(mission))
    expect(view.agents[0]?.steering).toEqual(agent.steering)
    expect(view.todos[0]).toMatchObject({
      status: 'cancelled',
      reason: 'cancelled by the user',
      retries: 1,
    })
    expect(view.todos[1]).toMatchObject({ status: 'blocked', blockedBy: ['a'] })
  })
})
