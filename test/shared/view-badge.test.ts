import { describe, expect, it } from 'vitest'
import type { PermissionAsk } from '../../src/engine/record/mission-state'
import { viewBadge } from '../../src/vscode/view-badge'
import { missionState, todoState } from '../fixtures/mission-state'

const ask = (requestId: string): PermissionAsk => ({
  requestId,
  sessionId: 's',
  role: 'worker',
  permission: 'bash',
  patterns: ['rm -rf build'],
})
const todos = [todoState('a', 'passed'), todoState('b', 'running'), todoState('c', 'pending')]

describe("the Orchestrator view's badge", () => {
  it('counts what waits on the user, and says what it is', () => {
    expect(viewBadge(missionState({ todos, inbox: [ask('p1'), ask('p2')] }))).toEqual({
      value: 2,
      tooltip: 'Waiting for you: 2 permission asks',
    })
    const stuck = {
      kind: 'stuck' as const,
      role: 'planner' as const,
      sessionId: 's',
      reason: 'r',
      deadline: 1,
    }
    expect(
      viewBadge(missionState({ todos, inbox: [ask('p1')], needsYou: stuck }), { interrupted: true }),
    ).toEqual({
      value: 3,
      tooltip: 'Waiting for you: a permission ask, a question, an interrupted mission',
    })
  })

  it("shows a running mission's passed todos when nothing waits, and nothing once it is over", () => {
    expect(viewBadge(missionState({ todos }))).toEqual({
      value: 1,
      tooltip: 'Mission under way: 1/3 todos passed',
    })
    expect(viewBadge(missionState({ phase: 'planning' }))).toBeUndefined()
    expect(viewBadge(missionState({ todos, phase: 'completed' }))).toBeUndefined()
    expect(viewBadge(undefined)).toBeUndefined()
  })

  it("counts a finished mission's changes waiting for a decision, not its old asks", () => {
    expect(
      viewBadge(missionState({ todos, phase: 'completed', inbox: [ask('p1')] }), { changesPending: true }),
    ).toEqual({
      value: 1,
      tooltip: 'Waiting for you: changes to apply or discard',
    })
  })
})
