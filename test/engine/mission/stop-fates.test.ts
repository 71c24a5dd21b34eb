import { describe, expect, it } from 'vitest'
import { parseEntries } from '../../../src/engine/record/journal'
import { todoStates } from '../../../src/engine/record/mission-view'
import { replay } from '../../../src/engine/record/replay'
import type { AgentStatus, MissionState } from '../../../src/engine/record/mission-state'
import { fakeMission } from '../../fixtures/fake-mission'
import { flush } from '../../fixtures/fake-opencode'
import { agentOn, planned, report, todo } from '../../fixtures/mission-play'

// What a stop leaves on screen: every todo says what became of it (none is still "working"), and no
// agent is still active, in the state the mission ends with and in its journal's replay.

const ACTIVE: ReadonlySet<AgentStatus> = new Set(['starting', 'busy', 'retry', 'waiting'])

const fates = (s: Pick<MissionState, 'todos'>) =>
  s.todos.map((t) => ({ id: t.id, status: t.status, reason: t.reason }))

describe('a stopped mission', () => {
  it('ends with its running and in-review todos interrupted, not in progress, and no agent active', async () => {
    const { oc, mission, store } = fakeMission({ caps: { total: 3 } })
    const { done } = await planned(mission, oc, [
      todo('a', ['a.ts']),
      todo('b', ['b.ts']),
      todo('c', ['c.ts'], ['a']),
    ])
    // b reports and goes to review; a's worker still works.
    oc.turn(agentOn(mission, 'worker', 'b'), 'orchestrator_report', report('b'))
    await flush()
    expect(fates(mission.state).map((t) => t.status)).toEqual(['running', 'reviewing', 'pending'])

    await mission.stop()
    const final = await done
    const expected = [
      { id: 'a', status: 'interrupted', reason: 'the mission was stopped while it was being worked on' },
      { id: 'b', status: 'interrupted', reason: 'the mission was stopped while it was in review' },
      { id: 'c', status: 'pending', reason: 'never started' },
    ]
    expect(final.phase).toBe('stopped')
    expect(fates(final)).toEqual(expected)
    expect(final.agents.filter((a) => ACTIVE.has(a.status))).toEqual([])
    // What the mission publishes last says the same.
    expect(fates(mission.state)).toEqual(expected)

    // A window that shows the mission again from its journal tells the same story.
    expect(fates({ todos: todoStates(replay(parseEntries(store.lines).entries)) })).toEqual(expected)
  })
})
