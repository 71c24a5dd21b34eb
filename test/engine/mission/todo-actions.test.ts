import { describe, expect, it } from 'vitest'
import { parseEntries } from '../../../src/engine/record/journal'
import { replay } from '../../../src/engine/record/replay'
import { fakeMission } from '../../fixtures/fake-mission'
import { flush } from '../../fixtures/fake-opencode'
import { agentOn, planned, play, promptsTo, report, todo, verdict } from '../../fixtures/mission-play'

const statusOf = (m: ReturnType<typeof fakeMission>['mission'], id: string) =>
  m.state.todos.find((t) => t.id === id)

describe('cancel one todo', () => {
  it('aborts its worker and the worker’s children, blocks its dependents, lets the others pass, and ends naming it', async () => {
    const { oc, mission, store } = setup()
    const { done } = await planned(mission, oc, [
      todo('a', ['a.ts']),
      todo('b', ['b.ts']),
      todo('c', ['c.ts'], ['a']),
    ])
    const workerA = agentOn(mission, 'worker', 'a')
    oc.childrenOf.set(workerA, ['ses_child'])
    const before = promptsTo(oc, workerA).length
    expect(await mission.cancelTodo('a')).toBeUndefined()
    expect(oc.aborted).toEqual(expect.arrayContaining([workerA, 'ses_child']))
    expect(statusOf(mission, 'a')).toMatchObject({
      status: 'cancelled',
      reason: 'cancelled by the user',
    })
    expect(statusOf(mission, 'c')).toMatchObject({
      status: 'blocked',
      blockedBy: ['a'],
      reason: 'blocked by cancelled a',
    })
    expect(mission.state.agents.find((x) => x.sessionId === workerA)?.status).toBe('aborted')
    // A late report of the aborted worker changes nothing.
    oc.turn(workerA, 'orchestrator_report', report('a'))
    await play(mission, oc)
    const final = await done
    expect(final.todos.map((t) => [t.id, t.status])).toEqual([
      ['a', 'cancelled'],
      ['b', 'passed'],
      ['c', 'blocked'],
    ])
    expect(final.phase).toBe('stopped')
    expect(final.reason).toBe('cancelled by the user: a; c waited on it')
    expect(final.agents.find((x) => x.sessionId === workerA)?.status).toBe('aborted')
    expect(promptsTo(oc, workerA)).toHaveLength(before) // never prompted again (no nudge, no new todo)
    // The cancellation is journaled: a replay holds it.
    const replayed = replay(parseEntries(store.lines).entries)
    expect(replayed.todos['a']?.status).toBe('cancelled')
    expect(replayed.todos['b']?.status).toBe('passed')
  })

  it('cancels a todo under review: the reviewer is aborted and its verdict ignored', async () => {
    const { oc, mission } = setup()
    const { done } = await planned(mission, oc, [todo('a', ['a.ts'])])
    oc.turn(agentOn(mission, 'worker', 'a'), 'orchestrator_report', report('a'))
    await flush()
    const reviewer = agentOn(mission, 'reviewer', 'a')
    expect(reviewer).not.toBe('')
    await mission.cancelTodo('a')
    expect(oc.aborted).toContain(reviewer)
    oc.turn(reviewer, 'orchestrator_verdict', verdict('a', 'pass'))
    const final = await done
    expect(final.todos[0]?.status).toBe('cancelled')
    expect(final.reason).toBe('cancelled by the user: a')
  })

  it('sends no brief to a session created for a todo cancelled meanwhile', async () => {
    const { oc, mission } = setup()
    let created = () => {}
    oc.slowCreate = (input) =>
      input.title === 'Worker: do a' ? new Promise<void>((resolve) => (created = resolve)) : undefined
    const { done } = await planned(mission, oc, [todo('a', ['a.ts']), todo('b', ['b.ts'])])
    await mission.cancelTodo('a')
    created()
    await flush()
    expect(oc.prompts.some((p) => p.text.startsWith('todoId: a'))).toBe(false)
    await play(mission, oc)
    expect((await done).todos.map((t) => t.status)).toEqual(['cancelled', 'passed'])
  })

  it('sends no nudge to a worker whose todo was cancelled while its turn end was being decided', async () => {
    const { oc, mission } = setup()
    const { done } = await planned(mission, oc, [todo('a', ['a.ts'])])
    const worker = agentOn(mission, 'worker', 'a')
    const before = promptsTo(oc, worker).length
    oc.turn(worker, undefined) // idle without a report: the turn's end is decided after awaits
    await mission.cancelTodo('a')
    const final = await done
    expect(promptsTo(oc, worker)).toHaveLength(before)
    expect(final.reason).toBe('cancelled by the user: a')
    expect(final.agents.find((x) => x.sessionId === worker)?.status).toBe('aborted')
  })

  it('keeps a cancelled todo cancelled when a new instance resumes the journal', async () => {
    const first = setup()
    await planned(first.mission, first.oc, [todo('a', ['a.ts']), todo('b', ['b.ts'])])
    await first.mission.cancelTodo('a')
    first.mission.dispose() // the host went away with b still running
    const second = fakeMission({ caps: { total: 3 } }, first.store)
    const done = second.mission.run()
    await flush()
    expect(statusOf(second.mission, 'a')?.status).toBe('cancelled')
    await play(second.mission, second.oc)
    const final = await done
    expect(second.oc.prompts.some((p) => p.text.startsWith('todoId: a'))).toBe(false)
    expect(final.todos.map((t) => t.status)).toEqual(['cancelled', 'passed'])
    expect(final.reason).toBe('cancelled by the user: a')
  })

  it('refuses unknown and finished todos, and an ended mission, with the reason', async () => {
    const { oc, mission } = setup()
    const { done } = await planned(mission, oc, [todo('a', ['a.ts']), todo('b', ['b.ts'])])
    expect(await mission.cancelTodo('zzz')).toEqual({
      refused: 'No todo "zzz" in this mission (its todos: a, b).',
    })
    oc.turn(agentOn(mission, 'worker', 'a'), 'orchestrator_report', report('a'))
    await flush()
    oc.turn(agentOn(mission, 'reviewer', 'a'), 'orchestrator_verdict', verdict('a', 'pass'))
    await flush()
    expect(await mission.cancelTodo('a')).toEqual({
      refused: 'Todo "a" is already passed; there is nothing to cancel.',
    })
    await play(mission, oc)
    expect((await done).phase).toBe('completed')
    expect((await mission.cancelTodo('b'))?.refused).toMatch(/^The mission is not running/)
    expect((await mission.retryTodo('b'))?.refused).toMatch(/^The mission is not running/)
  })
})

describe('retry one todo', () => {
  it('sends a cancelled todo back to the queue: a new worker takes it, its dependents run, the mission completes', async () => {
    const { oc, mission, store } = setup()
    const { done } = await planned(mission, oc, [
      todo('a', ['a.ts']),
      todo('b', ['b.ts']),
      todo('c', ['c.ts'], ['a']),
    ])
    const first = agentOn(mission, 'worker', 'a')
    await mission.cancelTodo('a')
    expect(await mission.retryTodo('a')).toBeUndefined()
    await flush()
    const second = agentOn(mission, 'worker', 'a')
    expect(second).not.toBe(first) // the aborted session holds the cancelled work: it is retired
    expect(statusOf(mission, 'a')).toMatchObject({ status: 'running', attempts: 2, retries: 1 })
    expect(statusOf(mission, 'c')?.status).toBe('pending')
    expect(statusOf(mission, 'c')?.blockedBy).toBeUndefined()
    await play(mission, oc)
    const final = await done
    expect(final.phase).toBe('completed')
    expect(final.todos.map((t) => t.status)).toEqual(['passed', 'passed', 'passed'])
    expect(store.lines.filter((l) => l.includes('"todo.retried"'))).toHaveLength(1)
  })

  it('gives a failed todo a fresh attempt bound, its findings kept in the brief', async () => {
    const { oc, mission } = setup({ maxAttempts: 2 })
    await planned(mission, oc, [todo('a', ['a.ts']), todo('b', ['b.ts'])])
    // b stays busy throughout, so the iteration does not end and re-plan.
    const failReview = async () => {
      oc.turn(agentOn(mission, 'worker', 'a'), 'orchestrator_report', report('a'))
      await flush()
      oc.turn(agentOn(mission, 'reviewer', 'a'), 'orchestrator_verdict', verdict('a', 'fail', ['no tests']))
      await flush()
    }
    await failReview()
    await failReview()
    expect(statusOf(mission, 'a')).toMatchObject({ status: 'failed', attempts: 2, findings: ['no tests'] })
    expect(await mission.retryTodo('a')).toBeUndefined()
    await flush()
    const brief = promptsTo(oc, agentOn(mission, 'worker', 'a')).at(-1) ?? ''
    expect(brief).toContain('The reviewer found:\n- no tests')
    expect(statusOf(mission, 'a')).toMatchObject({ status: 'running', attempts: 3 })
    // Without a fresh bound this third failure would fail the todo at once (3 of 2 used).
    await failReview()
    expect(statusOf(mission, 'a')).toMatchObject({ status: 'running', attempts: 4 })
  })

  it('refuses a todo that is neither failed nor cancelled, and unknown ids', async () => {
    const { oc, mission } = setup()
    await planned(mission, oc, [todo('a', ['a.ts'])])
    expect(await mission.retryTodo('a')).toEqual({
      refused: 'Todo "a" is running; only a failed or cancelled todo can be retried.',
    })
    expect((await mission.retryTodo('nope'))?.refused).toBe('No todo "nope" in this mission (its todos: a).')
  })
})

describe('steer one agent', () => {
  it('queues while the turn runs, never prompts the busy session, delivers once at idle in place of the nudge', async () => {
    const { oc, mission } = setup({ maxAttempts: 1 })
    await planned(mission, oc, [todo('a', ['a.ts'])])
    const worker = agentOn(mission, 'worker', 'a')
    const before = promptsTo(oc, worker).length
    expect(mission.steer(worker, '  Keep the public API unchanged ')).toBeUndefined()
    await flush()
    expect(promptsTo(oc, worker)).toHaveLength(before) // nothing written into the busy turn
    const agent = () => mission.state.agents.find((x) => x.sessionId === worker)
    expect(agent()?.steering).toMatchObject([{ text: 'Keep the public API unchanged', status: 'queued' }])
    oc.turn(worker, undefined) // the turn ends at idle without a report
    await flush()
    const prompts = promptsTo(oc, worker)
    expect(prompts).toHaveLength(before + 1)
    expect(prompts.at(-1)).toBe(
      'Message from the user: Keep the public API unchanged\n\n(You are still on todoId "a"; finish by calling orchestrator_report.)',
    )
    expect(agent()?.steering?.[0]).toMatchObject({ status: 'delivered' })
    expect(agent()?.status).toBe('busy')
    // The steered turn was not a failed attempt: the next idle without a report gets the nudge.
    oc.turn(worker, undefined)
    await flush()
    expect(promptsTo(oc, worker).at(-1)).toMatch(/^You ended your turn without calling orchestrator_report/)
    expect(promptsTo(oc, worker).filter((t) => t.includes('Keep the public API'))).toHaveLength(1)
    expect(statusOf(mission, 'a')).toMatchObject({ status: 'running', attempts: 1 })
  })

  it('steers the planner: delivered at idle in place of the plan retry, the plan then accepted', async () => {
    const { oc, mission } = setup()
    void mission.run()
    await flush()
    const planner = mission.state.agents.find((x) => x.role === 'planner')?.sessionId ?? ''
    expect(mission.steer(planner, 'two todos at most')).toBeUndefined()
    oc.turn(planner, undefined)
    await flush()
    const prompts = promptsTo(oc, planner)
    expect(prompts).toHaveLength(2)
    expect(prompts[1]).toBe(
      'Message from the user: two todos at most\n\n(Carry on; finish by calling orchestrator_plan.)',
    )
    oc.turn(planner, 'orchestrator_plan', { todos: [todo('a', ['a.ts'])] })
    await flush()
    expect(mission.state.phase).toBe('working')
  })

  it('drops a queued message when the agent delivered its result first', async () => {
    const { oc, mission } = setup({ endTurnOnResult: false })
    await planned(mission, oc, [todo('a', ['a.ts'])])
    const worker = agentOn(mission, 'worker', 'a')
    mission.steer(worker, 'also update the docs')
    oc.turn(worker, 'orchestrator_report', report('a'))
    await flush()
    expect(promptsTo(oc, worker).some((t) => t.includes('also update the docs'))).toBe(false)
    expect(mission.state.agents.find((x) => x.sessionId === worker)?.steering?.[0]).toMatchObject({
      status: 'dropped',
      note: 'the agent delivered its result first',
    })
  })

  it('refuses unknown sessions, idle agents, empty and oversized messages', async () => {
    const { oc, mission } = setup()
    await planned(mission, oc, [todo('a', ['a.ts'])])
    const worker = agentOn(mission, 'worker', 'a')
    expect(mission.steer('ses_nope', 'hi')).toEqual({
      refused: 'No agent with session "ses_nope" in this mission.',
    })
    expect(mission.steer(worker, '   ')).toEqual({ refused: 'Type a message for the agent first.' })
    expect(mission.steer(worker, 'x'.repeat(4_001))?.refused).toMatch(/keep it under 4000 characters/)
    const planner = mission.state.agents.find((x) => x.role === 'planner')?.sessionId ?? ''
    expect(mission.steer(planner, 'hi')).toEqual({
      refused: 'The planner is idle: only a running agent can be steered.',
    })
    expect(mission.state.agents.every((x) => x.steering === undefined)).toBe(true)
  })
})

function setup(options: Parameters<typeof fakeMission>[0] = {}) {
  return fakeMission({ caps: { total: 3 }, ...options })
}
