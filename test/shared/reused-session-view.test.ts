// The dashboard's view of sessions reused for several todos: each todo's fold names every role that
// worked on it (the reviewer too), and the lanes carry each span's todo and the reload's break.
import { describe, expect, it } from 'vitest'
import { toMissionView } from '../../src/vscode/snapshot'
import { agentState, missionState, todoState } from '../fixtures/mission-state'
import { reusedReviewerAcrossResume } from '../fixtures/reused-reviewer'

describe('a session reused for several todos, in the view', () => {
  it('folds into every todo it worked on, from a replayed journal', async () => {
    const { second, reviewer } = await reusedReviewerAcrossResume()
    const view = toMissionView(second.mission.state)
    expect(view.todos.map((t) => [t.id, t.folded.map((f) => f.role)])).toEqual([
      ['a', ['worker', 'reviewer']],
      ['b', ['worker', 'reviewer']],
    ])
    const lane = view.timeline?.find((l) => l.sessionId === reviewer)
    expect(lane?.spans.map((s) => s.todoId)).toEqual(['a', 'b'])
    // Nothing was recorded between its review of `a` and its first step after the resume.
    expect(lane?.gaps).toEqual([{ from: 3_000, to: 61_000 }])
    second.mission.dispose()
  })

  it('an agent busy on its latest todo also folds, as done, into the todos it finished before', () => {
    const view = toMissionView(
      missionState({
        todos: [
          todoState('a', 'passed', { history: [{ attempt: 1, sessionId: 'w', reviewerSessionId: 'r' }] }),
          todoState('b', 'reviewing', { history: [{ attempt: 1, sessionId: 'w', reviewerSessionId: 'r' }] }),
        ],
        agents: [
          agentState('w', { todoId: 'b', status: 'idle' }),
          agentState('r', { role: 'reviewer', todoId: 'b', status: 'busy' }),
        ],
      }),
    )
    expect(view.agents.map((a) => a.sessionId)).toEqual(['w', 'r'])
    expect(view.todos[0]?.folded.map((f) => [f.role, f.status])).toEqual([
      ['worker', 'done'],
      ['reviewer', 'done'],
    ])
    expect(view.todos[1]?.folded).toEqual([])
  })

  it('a resumed agent that kept its first todo does not fold as done into the one it works on', () => {
    // The resume adopted the reviewer's turn on `b`: nothing told the agent its todo changed.
    const view = toMissionView(
      missionState({
        todos: [
          todoState('a', 'passed', { history: [{ attempt: 1, sessionId: 'w', reviewerSessionId: 'r' }] }),
          todoState('b', 'reviewing', { history: [{ attempt: 1, sessionId: 'w', reviewerSessionId: 'r' }] }),
        ],
        agents: [agentState('r', { role: 'reviewer', todoId: 'a', status: 'busy' })],
      }),
    )
    expect(view.todos.map((t) => t.folded.length)).toEqual([0, 0])
  })

  it('a lane whose first step after the resume is still going breaks before it', () => {
    const view = toMissionView(
      missionState({
        timeline: [
          {
            sessionId: 'r',
            spans: [{ kind: 'thinking', start: 0, end: 10 }],
            open: { kind: 'thinking', start: 50 },
            compactions: [],
          },
        ],
      }),
    )
    expect(view.timeline?.[0]?.gaps).toEqual([{ from: 10, to: 50 }])
  })

  it('a lane without a break has no gaps', () => {
    const view = toMissionView(
      missionState({
        timeline: [
          {
            sessionId: 'w',
            spans: [
              { kind: 'thinking', start: 0, end: 10 },
              { kind: 'idle', start: 10, end: 20 },
            ],
            compactions: [],
          },
        ],
      }),
    )
    expect(view.timeline?.[0]).not.toHaveProperty('gaps')
  })
})
