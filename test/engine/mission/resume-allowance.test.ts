import { describe, expect, it } from 'vitest'
import { fakeMission } from '../../fixtures/fake-mission'
import { flush, rateLimitedTurn } from '../../fixtures/fake-opencode'
import { MemoryStore } from '../../fixtures/memory-journal'
import { agentOn, planned, report, todo } from '../../fixtures/mission-play'

/** A first instance whose worker on `a` used one of its two attempts when the host goes away. */
async function oneAttemptThenGone(store: MemoryStore) {
  const first = fakeMission({ maxAttempts: 2, caps: { total: 1 } }, store)
  await planned(first.mission, first.oc, [todo('a', ['a.ts'])])
  first.oc.turn(agentOn(first.mission, 'worker', 'a'), 'orchestrator_report', report('a', 'failed'))
  await flush()
  await flush()
  expect(first.mission.state.todos[0]).toMatchObject({ status: 'running', attempts: 2 })
  first.mission.dispose() // the window reloads while the second attempt runs
}

describe('a resumed mission decides as the running one would', () => {
  it('keeps the allowance a todo used before the resume: the attempt after it is the last', async () => {
    const store = new MemoryStore()
    await oneAttemptThenGone(store)
    const second = fakeMission({ maxAttempts: 2, caps: { total: 1 } }, store)
    const done = second.mission.run()
    await flush()
    // The second attempt's session ended unseen (it counts, as any attempt does): the third is the
    // one left, and it is the last one: a mission that forgot the first would try a fourth.
    const worker = agentOn(second.mission, 'worker', 'a')
    second.oc.turn(worker, 'orchestrator_report', report('a', 'failed'))
    await flush()
    await flush()
    expect(second.mission.state.todos[0]).toMatchObject({
      status: 'failed',
      reason: 'worker reported failed (3 attempts)',
    })
    await second.mission.stop()
    await done
  })

  it('keeps the provider waits a todo used before the resume', async () => {
    const store = new MemoryStore()
    const first = fakeMission({ caps: { total: 1 } }, store)
    await planned(first.mission, first.oc, [todo('a', ['a.ts'])])
    for (let i = 0; i < 5; i++) {
      rateLimitedTurn(first.oc, agentOn(first.mission, 'worker', 'a'))
      await flush()
      await flush()
      first.clock.advance(1_000) // the server's hint
      await flush()
    }
    first.mission.dispose()
    const second = fakeMission({ caps: { total: 1 } }, store)
    void second.mission.run()
    await flush()
    // Five waits were spent before the resume: the next provider error counts as an attempt.
    rateLimitedTurn(second.oc, agentOn(second.mission, 'worker', 'a'))
    await flush()
    await flush()
    expect(second.mission.state.todos[0]).toMatchObject({
      status: 'failed',
      reason: expect.stringMatching(/^APIError: Too many requests \(\d+ attempts\)$/),
    })
    await second.mission.stop()
  })
})
