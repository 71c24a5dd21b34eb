// Faults stay with the todo they happen in, and waiting is visible and bounded for every role: the
// mission loop against fake ports.

import { describe, expect, it } from 'vitest'
import type { Mission } from '../../../src/engine/mission'
import { fakeMission } from '../../fixtures/fake-mission'
import { flush, rateLimitedTurn, type FakeOpencode } from '../../fixtures/fake-opencode'
import { lastPrompt, play, report, sessionsOf, todo } from '../../fixtures/mission-play'

const SAME = 'I am still thinking about it.'

/** A one-iteration mission planned as one todo `a` (owning a.ts), its worker dispatched. */
async function workingOnA() {
  const m = fakeMission({ budgets: { maxIterations: 1 } })
  const done = m.mission.run()
  await flush()
  m.oc.turn(sessionsOf(m.mission, 'planner')[0]!, 'orchestrator_plan', { todos: [todo('a', ['a.ts'])] })
  await flush()
  return { ...m, done, worker: sessionsOf(m.mission, 'worker')[0]! }
}
const todoOf = (m: Mission, id: string) => m.state.todos.find((t) => t.id === id)
const retry = (oc: FakeOpencode, sessionId: string, attempt: number, next = 0) =>
  oc.emit({
    type: 'session.status',
    sessionId,
    status: { type: 'retry', attempt, message: 'Internal Server Error', next },
  })

describe('faults stay with their todo', () => {
  it('a worker repeating itself fails only its todo: the others are reviewed and pass, and the mission names it', async () => {
    const { oc, mission } = fakeMission({ caps: { total: 4 }, budgets: { maxIterations: 1 } })
    const done = mission.run()
    await flush()
    const planner = sessionsOf(mission, 'planner')[0]!
    oc.turn(planner, 'orchestrator_plan', {
      todos: [todo('a', ['a.ts']), todo('b', ['b.ts']), todo('c', ['c.ts']), todo('d', ['d.ts'])],
    })
    let endedWhileOthersOpen = false
    mission.onChange((s) => {
      if (s.phase === 'failed' && s.todos.some((t) => t.id !== 'd' && t.status !== 'passed'))
        endedWhileOthersOpen = true
    })
    await play(mission, oc, { loop: (id) => (id === 'd' ? SAME : undefined) })
    const final = await done
    expect(endedWhileOthersOpen).toBe(false)
    expect(final.phase).toBe('failed')
    expect(final.todos.map((t) => [t.id, t.status])).toEqual([
      ['a', 'passed'],
      ['b', 'passed'],
      ['c', 'passed'],
      ['d', 'failed'],
    ])
    expect(todoOf(mission, 'd')?.reason).toMatch(/repeated the same output 3 turns running \(2 attempts\)/)
    expect(final.reason).toMatch(/^d failed \(the worker repeated the same output 3 turns running/)
    expect(final.reason).toMatch(/budget exhausted \(iterations\)/)
    expect(todoOf(mission, 'd')?.attempts).toBe(2) // a nudged attempt without a report, then the loop
  })

  it('re-plans after a todo failed while iterations remain, and the re-plan may reopen it', async () => {
    const { oc, mission } = fakeMission({ maxAttempts: 1 })
    const done = mission.run()
    await flush()
    const planner = sessionsOf(mission, 'planner')[0]!
    oc.turn(planner, 'orchestrator_plan', { todos: [todo('a', ['a.ts']), todo('b', ['b.ts'], ['a'])] })
    await play(mission, oc, { loop: (id) => (id === 'a' ? SAME : undefined) })
    // a failed, b behind it is blocked by it (not merely pending), and the planner is asked.
    expect(todoOf(mission, 'a')).toMatchObject({ status: 'failed' })
    expect(todoOf(mission, 'b')).toMatchObject({
      status: 'blocked',
      blockedBy: ['a'],
      reason: 'blocked by failed a',
    })
    expect(lastPrompt(oc, planner)).toContain('Todos that failed their attempts: a.')
    oc.turn(planner, 'orchestrator_plan', { todos: [todo('a', ['a.ts'])] })
    await play(mission, oc)
    const final = await done
    expect(final.phase, final.reason).toBe('completed')
    expect(final.todos.map((t) => t.status)).toEqual(['passed', 'passed'])
  })

  it('ends with every todo accounted for: failed and why, blocked by which, never started', async () => {
    const { oc, mission } = fakeMission({ maxAttempts: 1, budgets: { maxIterations: 1 }, caps: { total: 1 } })
    const done = mission.run()
    await flush()
    oc.turn(sessionsOf(mission, 'planner')[0]!, 'orchestrator_plan', {
      todos: [todo('a', ['a.ts']), todo('b', ['b.ts'], ['a']), todo('c', ['c.ts'], ['b'])],
    })
    await flush()
    const worker = sessionsOf(mission, 'worker')[0]!
    oc.turn(worker, 'orchestrator_report', report('a', 'failed'))
    const final = await done
    expect(final.todos.map((t) => [t.id, t.status, t.reason, t.blockedBy])).toEqual([
      ['a', 'failed', 'worker reported failed (1 attempts)', undefined],
      ['b', 'blocked', 'blocked by failed a', ['a']],
      ['c', 'blocked', 'blocked by failed a', ['a']],
    ])
    expect(final.reason).toBe(
      'a failed (worker reported failed (1 attempts)); b blocked by a; c blocked by a — no re-plan left ' +
        '(budget exhausted (iterations): iteration budget spent: 1 iterations)',
    )
  })

  it('a reported todo is reviewed even after another todo failed its attempts', async () => {
    const { oc, mission } = fakeMission({ maxAttempts: 1, caps: { total: 2 }, budgets: { maxIterations: 1 } })
    const done = mission.run()
    await flush()
    oc.turn(sessionsOf(mission, 'planner')[0]!, 'orchestrator_plan', {
      todos: [todo('a', ['a.ts']), todo('b', ['b.ts'])],
    })
    await flush()
    const [wa, wb] = sessionsOf(mission, 'worker')
    oc.turn(wa!, 'orchestrator_report', report('a'))
    oc.turn(wb!, 'orchestrator_report', report('b', 'failed'))
    await flush()
    expect(todoOf(mission, 'b')?.status).toBe('failed')
    expect(mission.state.phase).toBe('working')
    expect(todoOf(mission, 'a')?.status).toBe('reviewing')
    await play(mission, oc)
    const final = await done
    expect(final.todos.map((t) => [t.id, t.status])).toEqual([
      ['a', 'passed'],
      ['b', 'failed'],
    ])
  })

  it('an open worker breaker delays dispatch but never ends the mission while it can half-open', async () => {
    const { oc, mission, clock } = fakeMission({ maxAttempts: 1, breakerThreshold: 1, caps: { total: 1 } })
    const done = mission.run()
    await flush()
    const planner = sessionsOf(mission, 'planner')[0]!
    oc.turn(planner, 'orchestrator_plan', { todos: [todo('a', ['a.ts']), todo('b', ['b.ts'])] })
    await flush()
    const worker = sessionsOf(mission, 'worker')[0]!
    // A permanent error ends a's only attempt and opens the worker breaker.
    oc.emit({
      type: 'session.error',
      sessionId: worker,
      error: { name: 'APIError', message: 'Bad Request', statusCode: 400, retryable: false },
    })
    oc.emit({ type: 'session.idle', sessionId: worker })
    await flush()
    await flush()
    expect(todoOf(mission, 'a')?.status).toBe('failed')
    expect(todoOf(mission, 'b')?.status).toBe('pending')
    // Nothing runs and a failed, yet b can still start: no re-plan, no end.
    expect(mission.state.phase).toBe('working')
    expect(oc.prompts.filter((p) => p.sessionId === planner)).toHaveLength(1)
    clock.advance(30_000) // the breaker half-opens
    await play(mission, oc)
    expect(todoOf(mission, 'b')?.status).toBe('passed')
    expect(lastPrompt(oc, planner)).toContain('Todos that failed their attempts: a.')
    await mission.stop()
    await done
  })

  it('a reviewer that never gives a verdict is asked again, then its todo fails (bounded)', async () => {
    const { oc, mission } = fakeMission({ maxAttempts: 2, budgets: { maxIterations: 1 } })
    const done = mission.run()
    await flush()
    oc.turn(sessionsOf(mission, 'planner')[0]!, 'orchestrator_plan', { todos: [todo('a', ['a.ts'])] })
    await play(mission, oc, { silentReview: () => true })
    const final = await done
    expect(final.phase).toBe('failed')
    expect(final.todos[0]).toMatchObject({
      status: 'failed',
      reason: 'the reviewer gave no verdict (2 reviews)',
      attempts: 1, // the work was done once: only the review was asked again
    })
  })

  it('a planner repeating itself without a plan gets a fresh session, within its plan attempts', async () => {
    const { oc, mission } = fakeMission({ maxPlanAttempts: 3 })
    const done = mission.run()
    await flush()
    const first = sessionsOf(mission, 'planner')[0]!
    // No plan and the same text: the first two turns are retried plans, the third trips the breaker.
    for (let i = 0; i < 3; i++) {
      oc.emit(
        { type: 'part.text', sessionId: first, messageId: `p${i}`, partId: 'p', text: SAME, final: true },
        { type: 'session.idle', sessionId: first },
      )
      await flush()
    }
    const final = await done
    expect(final.phase).toBe('failed')
    expect(final.reason).toMatch(/no valid plan after 3 attempts: the planner repeated the same output/)
  })

  it('a provider whose answers come back empty (a 200 that is no chat completion) fails the attempt, not the mission', async () => {
    const { oc, mission, store, worker } = await workingOnA()
    // OpenCode asks again after every such step, without end and without an error.
    const empty = (n: number, finish = 'unknown') =>
      oc.emit({
        type: 'message.assistant',
        sessionId: worker,
        messageId: `msg_empty_${n}`,
        providerId: 'fake',
        modelId: 'm',
        tokens: 0,
        cost: 0,
        completed: true,
        finish,
      })
    empty(1)
    empty(1) // the same message again counts once
    empty(2)
    empty(3, 'stop') // a real answer in between starts the count again
    empty(4)
    empty(5)
    await flush()
    expect(oc.aborted).not.toContain(worker)
    empty(6)
    await flush()
    expect(oc.aborted).toContain(worker)
    oc.emit({ type: 'session.idle', sessionId: worker })
    await flush()
    const requeued = store.lines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((e) => e.type === 'todo.requeued')
    expect(requeued?.reason).toMatch(/^no report: the provider's answers were empty 3 times in a row/)
    expect(oc.prompts.filter((p) => p.text.startsWith('You ended your turn'))).toEqual([]) // not nudged
    await mission.stop()
  })
  it('a todo whose provider answers 429 every time waits it out a bounded number of times, then fails naming it', async () => {
    const { oc, mission, clock, done } = await workingOnA()
    for (let i = 0; i < 12 && mission.state.phase === 'working'; i++) {
      await flush()
      const worker = oc.prompts.filter((p) => p.text.startsWith('todoId: a')).at(-1)!.sessionId
      rateLimitedTurn(oc, worker)
      await flush()
      await flush()
      clock.advance(1_000) // the server's hint
    }
    expect(mission.state.phase).toBe('failed')
    const final = await done
    expect(final.todos[0]).toMatchObject({
      status: 'failed',
      reason: 'APIError: Too many requests (6 attempts)',
      attempts: 6, // five waited out, then one that counts
    })
  })
  it('a planner whose turns end with a provider error is retried, and the mission ends naming that error', async () => {
    const { oc, mission } = fakeMission({ maxPlanAttempts: 2 })
    const done = mission.run()
    for (let i = 0; i < 2; i++) {
      await flush()
      const planner = sessionsOf(mission, 'planner')[0]!
      oc.emit(
        {
          type: 'session.error',
          sessionId: planner,
          error: { name: 'APIError', message: 'Too many requests', statusCode: 429, retryable: true },
        },
        { type: 'session.idle', sessionId: planner },
      )
      await flush()
    }
    const final = await done
    expect(final.phase).toBe('failed')
    expect(final.reason).toBe('no valid plan after 2 attempts: APIError: Too many requests')
  })
  it('a worker making the same tool call again and again has its turn ended, and only its attempt fails', async () => {
    const { oc, mission, store, worker } = await workingOnA()
    const read = (n: number, filePath = 'README.md') =>
      oc.emit({
        type: 'part.tool',
        sessionId: worker,
        messageId: `msg_read_${n}`,
        callId: `call_read_${n}`,
        tool: 'read',
        status: 'completed',
        input: { filePath },
      })
    oc.emit({ type: 'session.status', sessionId: worker, status: { type: 'busy' } })
    read(1)
    read(2, 'a.ts') // another call in between starts the count again
    for (const n of [3, 4, 5, 6]) read(n)
    read(6) // the same call's event again counts once
    await flush()
    expect(oc.aborted).not.toContain(worker)
    read(7)
    await flush()
    expect(oc.aborted).toContain(worker)
    oc.emit({ type: 'session.idle', sessionId: worker })
    await flush()
    const requeued = store.lines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((e) => e.type === 'todo.requeued')
    expect(requeued?.reason).toBe('no report: the worker made the same read call 5 times in a row')
    expect(oc.prompts.filter((p) => p.text.startsWith('You ended your turn'))).toEqual([]) // not nudged
    // The loop is in that session's history: the next attempt starts in a fresh one.
    const next = oc.prompts.filter((p) => p.text.startsWith('todoId: a')).at(-1)
    expect(next?.sessionId).not.toBe(worker)
    await mission.stop()
  })
  it('a review failed without findings says so in the todo’s reason', async () => {
    const { oc, mission } = fakeMission({ maxAttempts: 1, budgets: { maxIterations: 1 } })
    const done = mission.run()
    await flush()
    oc.turn(sessionsOf(mission, 'planner')[0]!, 'orchestrator_plan', { todos: [todo('a', ['a.ts'])] })
    await flush()
    oc.passTurn(mission.state.agents.find((a) => a.role === 'worker')!)
    await flush()
    const reviewer = sessionsOf(mission, 'reviewer')[0]!
    oc.turn(reviewer, 'orchestrator_verdict', { todoId: 'a', verdict: 'fail', findings: [] })
    const final = await done
    expect(final.todos[0]).toMatchObject({
      status: 'failed',
      reason: 'review failed, with no findings given (1 attempts)',
    })
  })
})

describe('waiting is visible and bounded for every role', () => {
  const model = { providerID: 'fake', modelID: 'm' }

  it('shows the planner waiting on its provider, then fails with its message at the bound', async () => {
    const { oc, mission, clock } = fakeMission({ models: { planner: model }, retryStuckMs: 10_000 })
    const done = mission.run()
    await flush()
    const planner = sessionsOf(mission, 'planner')[0]!
    retry(oc, planner, 1, 2_000)
    clock.advance(4_000)
    retry(oc, planner, 2, 7_000)
    const agent = mission.state.agents.find((a) => a.sessionId === planner)
    expect(agent).toMatchObject({
      status: 'retry',
      provider: 'fake',
      retry: { attempt: 2, message: 'Internal Server Error', next: 7_000 },
    })
    expect(mission.state.phase).toBe('planning')
    clock.advance(6_000)
    const final = await done
    expect(final.phase).toBe('failed')
    expect(final.reason).toBe(
      'planner: waiting on fake: Internal Server Error — gave up after 2 retries / 10 s',
    )
    expect(oc.aborted).toContain(planner)
  })

  it('asks before the planner bound ends the mission: keep waiting extends it once more', async () => {
    const { oc, mission, clock } = fakeMission({
      models: { planner: model },
      retryStuckMs: 10_000,
      askWhenStuck: true,
    })
    const done = mission.run()
    await flush()
    const planner = sessionsOf(mission, 'planner')[0]!
    retry(oc, planner, 1)
    clock.advance(10_000)
    expect(mission.state.phase).toBe('planning')
    expect(mission.state.needsYou).toEqual({
      kind: 'stuck',
      role: 'planner',
      sessionId: planner,
      reason: 'planner: waiting on fake: Internal Server Error — gave up after 1 retries / 10 s',
      deadline: 20_000,
    })
    mission.keepWaiting()
    expect(mission.state.needsYou).toBeUndefined()
    clock.advance(9_999)
    expect(mission.state.phase).toBe('planning')
    clock.advance(1)
    expect(mission.state.needsYou).toMatchObject({ kind: 'stuck', deadline: 30_000 }) // asked again at the extended bound
    // Unanswered, the question ends the mission at its deadline.
    clock.advance(10_000)
    const final = await done
    expect(final.phase).toBe('failed')
    expect(final.reason).toMatch(
      /^planner: waiting on fake: Internal Server Error — gave up after 1 retries \/ 30 s$/,
    )
  })

  it('withdraws the question when the planner gets through, and plans on', async () => {
    const { oc, mission, clock } = fakeMission({
      models: { planner: model },
      retryStuckMs: 10_000,
      askWhenStuck: true,
    })
    void mission.run()
    await flush()
    const planner = sessionsOf(mission, 'planner')[0]!
    retry(oc, planner, 1)
    clock.advance(10_000)
    expect(mission.state.needsYou).toBeDefined()
    oc.turn(planner, 'orchestrator_plan', { todos: [todo('a', ['a.ts'])] })
    await flush()
    expect(mission.state.needsYou).toBeUndefined()
    expect(mission.state.phase).toBe('working')
    clock.advance(20_000)
    expect(mission.state.phase).toBe('working')
  })

  it('a reviewer stuck in retry has its review asked again, not its work redone', async () => {
    const { oc, mission, clock } = fakeMission({ models: { reviewer: model }, retryStuckMs: 10_000 })
    void mission.run()
    await flush()
    oc.turn(sessionsOf(mission, 'planner')[0]!, 'orchestrator_plan', { todos: [todo('a', ['a.ts'])] })
    await flush()
    oc.turn(sessionsOf(mission, 'worker')[0]!, 'orchestrator_report', report('a'))
    await flush()
    const [reviewer] = sessionsOf(mission, 'reviewer')
    retry(oc, reviewer!, 1)
    clock.advance(10_000)
    await flush()
    await flush()
    expect(oc.aborted).toContain(reviewer)
    const a = todoOf(mission, 'a')
    expect(a?.status).toBe('reviewing')
    expect(a?.attempts).toBe(1)
    const second = sessionsOf(mission, 'reviewer').at(-1)
    expect(second).not.toBe(reviewer) // the stuck session was retired
    expect(lastPrompt(oc, second!)).toContain('todoId: a')
  })
})
