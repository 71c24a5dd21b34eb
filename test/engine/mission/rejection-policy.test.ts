import { describe, expect, it } from 'vitest'
import { fakeMission } from '../../fixtures/fake-mission'
import { flush } from '../../fixtures/fake-opencode'
import { MemoryStore } from '../../fixtures/memory-journal'
import { withJournaledOptions } from '../../../src/engine/mission-options'
import { play, planned, sessionsOf, todo } from '../../fixtures/mission-play'

/** Every review of `a` fails; every other todo passes. */
const failA = { review: (id: string) => (id === 'a' ? 'fail' : 'pass') } as const

const cancels = (store: MemoryStore) =>
  store.lines
    .map((l) => JSON.parse(l) as { type: string; todoId?: string; by?: string; reason?: string })
    .filter((e) => e.type === 'todo.cancelled')

describe('cancelAfterRejections: a todo whose reviews keep failing is cancelled by policy', () => {
  it('cancels at the third failed review, across a re-plan, and ends failed naming the policy', async () => {
    const store = new MemoryStore()
    const { mission, oc } = fakeMission(
      { check: false, maxAttempts: 2, cancelAfterRejections: 3, caps: { total: 2 } },
      store,
    )
    const { done } = await planned(mission, oc, [
      todo('a', ['a.ts']),
      todo('b', ['b.ts'], ['a']),
      todo('c', ['c.ts']),
    ])
    await play(mission, oc, failA)
    // Two attempts under the first plan both failed review: the planner revises, reopening `a`.
    const planner = sessionsOf(mission, 'planner')[0]!
    expect(mission.state.iteration).toBe(1)
    oc.turn(planner, 'orchestrator_plan', { todos: [todo('a', ['a.ts']), todo('b', ['b.ts'], ['a'])] })
    await play(mission, oc, failA)
    const final = await done
    expect(final.phase).toBe('failed')
    expect(final.reason).toMatch(
      /^a cancelled by policy after 3 failed reviews: review failed: missing test; b waited on it$/,
    )
    expect(final.todos.find((t) => t.id === 'a')).toMatchObject({ status: 'cancelled' })
    expect(final.todos.find((t) => t.id === 'c')).toMatchObject({ status: 'passed' })
    expect(cancels(store)).toEqual([expect.objectContaining({ todoId: 'a', by: 'policy' })])
    // The planner was not asked for a third plan.
    expect(oc.prompts.filter((p) => p.sessionId === planner)).toHaveLength(2)
  })

  it('without the policy the same failures go back to the planner', async () => {
    const { mission, oc } = fakeMission({ check: false, maxAttempts: 2, caps: { total: 2 } })
    const { done } = await planned(mission, oc, [todo('a', ['a.ts'])])
    await play(mission, oc, failA)
    const planner = sessionsOf(mission, 'planner')[0]!
    oc.turn(planner, 'orchestrator_plan', { todos: [todo('a', ['a.ts'])] })
    await play(mission, oc, failA)
    // Three failed reviews and one more: no cancel, a third plan is asked for.
    expect(mission.state.todos[0]).toMatchObject({ status: 'failed' })
    expect(oc.prompts.filter((p) => p.sessionId === planner)).toHaveLength(3)
    await mission.stop()
    await done
  })

  it('counts the failed reviews from the journal after a resume', async () => {
    const store = new MemoryStore()
    const options = { check: false as const, maxAttempts: 3, cancelAfterRejections: 3, caps: { total: 1 } }
    const first = fakeMission(options, store)
    await planned(first.mission, first.oc, [todo('a', ['a.ts'])])
    // Two failed reviews, then the window goes away while the third attempt runs.
    for (let i = 0; i < 2; i++) {
      const worker = first.mission.state.agents.find((a) => a.role === 'worker' && a.status === 'busy')
      first.oc.turn(worker!.sessionId, 'orchestrator_report', {
        todoId: 'a',
        status: 'done',
        summary: 's',
        filesChanged: [],
      })
      await flush()
      await flush()
      const reviewer = first.mission.state.agents.find((a) => a.role === 'reviewer' && a.status === 'busy')
      first.oc.turn(reviewer!.sessionId, 'orchestrator_verdict', {
        todoId: 'a',
        verdict: 'fail',
        findings: ['no'],
      })
      await flush()
      await flush()
    }
    expect(first.mission.state.todos[0]).toMatchObject({ status: 'running', attempts: 3 })
    first.mission.dispose()
    // The resumed mission runs with the policy it started with, though this host gives none now.
    const kept = await withJournaledOptions(store, { id: 'm1', goal: 'Build the thing', check: false })
    expect(kept.cancelAfterRejections).toBe(3)
    const second = fakeMission(kept, store)
    const done = second.mission.run()
    await play(second.mission, second.oc, failA)
    const final = await done
    // The third failed review since the start cancels: a resume that forgot two would requeue.
    expect(final.todos[0]).toMatchObject({ status: 'cancelled' })
    expect(cancels(store)).toEqual([expect.objectContaining({ todoId: 'a', by: 'policy' })])
  })
})
