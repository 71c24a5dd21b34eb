import { describe, expect, it } from 'vitest'
import { fakeMission } from '../../fixtures/fake-mission'
import { flush } from '../../fixtures/fake-opencode'
import { todo } from '../../fixtures/mission-play'

describe('a session is one todo at a time', () => {
  // Reviews outnumber the free slots, so new reviewer sessions are being created while ticks run:
  // a session made for one todo must not be handed a second before its first turn has ended.
  it('never briefs a session that has not answered its last brief, and every todo gets its review', async () => {
    const { oc, mission } = fakeMission({ caps: { total: 8 }, maxTodosPerSession: 100 })
    const done = mission.run()
    await flush()
    oc.turn(mission.state.agents[0]?.sessionId ?? '', 'orchestrator_plan', {
      todos: Array.from({ length: 20 }, (_, i) => todo(`t${i}`, [`t${i}.txt`])),
    })
    const answered = new Map<string, number>()
    const unanswered = () =>
      [...new Set(oc.prompts.map((p) => p.sessionId))]
        .map((id) => ({
          id,
          open: oc.prompts.filter((p) => p.sessionId === id).length - (answered.get(id) ?? 0),
        }))
        .filter((s) => s.open > 1)
    for (let round = 0; round < 20 && mission.state.phase !== 'completed'; round++) {
      await flush()
      expect(unanswered()).toEqual([])
      for (const a of mission.state.agents.filter((x) => x.status === 'busy' && x.role !== 'planner')) {
        answered.set(a.sessionId, (answered.get(a.sessionId) ?? 0) + 1)
        oc.passTurn(a)
      }
    }
    const final = await done
    mission.dispose()
    expect(final.phase).toBe('completed')
    expect(final.todos.filter((t) => t.status !== 'passed')).toEqual([])
  })
})
