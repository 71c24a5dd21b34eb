import { describe, expect, it } from 'vitest'
import { sessionTitle } from '../../../src/engine/sessions/mission-sessions'
import type { Mission } from '../../../src/engine/mission'
import { fakeMission } from '../../fixtures/fake-mission'
import { flush, type FakeOpencode } from '../../fixtures/fake-opencode'
import { lastPrompt, play, report, sessionsOf, todo, verdict } from '../../fixtures/mission-play'
import { MemoryStore } from '../../fixtures/memory-journal'

const setup = fakeMission

/** Runs the mission until the planner's one todo, `a`, is with its worker: that worker's session. */
async function workingOnA(oc: FakeOpencode, mission: Mission): Promise<string> {
  void mission.run()
  await flush()
  oc.turn(sessionsOf(mission, 'planner')[0]!, 'orchestrator_plan', { todos: [todo('a', ['a.ts'])] })
  await flush()
  return sessionsOf(mission, 'worker')[0]!
}

/**
 * A worker's step that makes its report call, still running: returns what completes the step's
 * message (with its usage), `usage(true)`.
 */
function reportInStep(oc: FakeOpencode, worker: string, todoId: string): (completed: boolean) => void {
  const usage = (completed: boolean) =>
    oc.emit({
      type: 'message.assistant',
      sessionId: worker,
      messageId: 'm1',
      providerId: 'p',
      modelId: 'x',
      tokens: 90,
      cost: 0,
      completed,
    })
  oc.emit({ type: 'session.status', sessionId: worker, status: { type: 'busy' } })
  usage(false)
  oc.emit({
    type: 'part.tool',
    sessionId: worker,
    messageId: 'm1',
    callId: 'c1',
    tool: 'orchestrator_report',
    status: 'completed',
    input: report(todoId),
  })
  return usage
}

describe('mission loop', () => {
  it("puts its sessions under the user's session it was started from, and never prompts or aborts that one", async () => {
    const { oc, mission, store } = setup({ rootSessionId: 'ses_user' })
    const done = mission.run()
    await flush()
    expect(oc.created[0]).toEqual({ title: 'Planner: Build the thing', parentId: 'ses_user' })
    const [planner] = sessionsOf(mission, 'planner')
    oc.turn(planner!, 'orchestrator_plan', { todos: [todo('a', ['a.ts'])] })
    await flush()
    await play(mission, oc)
    expect((await done).phase).toBe('completed')
    expect(oc.created.every((c) => c.parentId === 'ses_user')).toBe(true)
    expect(store.lines.some((l) => l.includes('"type":"mission.root"') && l.includes('ses_user'))).toBe(true)
    expect(oc.prompts.map((p) => p.sessionId)).not.toContain('ses_user')
    expect(oc.aborted).not.toContain('ses_user')
  })

  it('plans, runs independent todos in parallel up to the cap, reviews each, checks, and completes', async () => {
    const { oc, mission, workspace } = setup({ caps: { total: 2 }, check: 'npm test' })
    const done = mission.run()
    await flush()
    const [planner] = sessionsOf(mission, 'planner')
    // The mission root first (titled with the goal), then the planner under it.
    expect(oc.created.slice(0, 2)).toEqual([
      { title: 'Build the thing' },
      { title: 'Planner: Build the thing', parentId: 'ses_1' },
    ])
    // The plugin learns that the engine ends turns before the planner's first call.
    expect(workspace.ownership[0]).toEqual({
      missionId: 'm1',
      todos: [],
      sessions: {},
      endsTurnOnResult: true,
    })
    expect(lastPrompt(oc, planner!)).toContain('Mission goal: Build the thing')
    oc.turn(planner!, 'orchestrator_plan', {
      todos: [todo('a', ['a.ts']), todo('b', ['b.ts']), todo('c', ['c.ts'], ['a', 'b'])],
    })
    await flush()
    // Two ready todos, cap 2: both workers start at once; c waits for its dependencies.
    const busyWorkers = mission.state.agents.filter((a) => a.role === 'worker' && a.status === 'busy')
    expect(busyWorkers.map((a) => a.todoId).sort()).toEqual(['a', 'b'])
    expect(mission.state.todos.find((t) => t.id === 'c')?.status).toBe('pending')
    await play(mission, oc)
    const final = await done
    expect(final.phase).toBe('completed')
    expect(final.todos.map((t) => t.status)).toEqual(['passed', 'passed', 'passed'])
    expect(workspace.checks).toEqual(['npm test', 'npm test']) // on the base, then after the round
    expect(final.evidence[0]).toMatchObject({ command: 'npm test', exitCode: 0 })
    // The brief of c carries its dependencies' summaries, never their raw output.
    const cBrief = oc.prompts.find((p) => p.text.startsWith('todoId: c'))?.text ?? ''
    expect(cBrief).toContain('- a: a done')
    expect(cBrief).toContain('Files you own: c.ts')
    // Ownership was published while workers ran and cleared at the end.
    expect(
      workspace.ownership.some((o) => o && Object.values(o.sessions).some((s) => s.todoId === 'a')),
    ).toBe(true)
    expect(workspace.ownership.at(-1)).toBeUndefined()
  })

  it('never has more busy sessions than the cap', async () => {
    const { oc, mission } = setup({ caps: { total: 3 } })
    void mission.run()
    await flush()
    const todos = Array.from({ length: 8 }, (_, i) => todo(`t${i}`, [`f${i}.ts`]))
    oc.turn(sessionsOf(mission, 'planner')[0]!, 'orchestrator_plan', { todos })
    let max = 0
    mission.onChange((s) => (max = Math.max(max, s.agents.filter((a) => a.status === 'busy').length)))
    await play(mission, oc)
    expect(mission.state.phase).toBe('completed')
    expect(max).toBe(3)
  })

  it('dispatches new work while another session is still being created, its slot counted under the cap', async () => {
    const { oc, mission } = setup({ caps: { total: 2 } })
    let created = () => {}
    oc.slowCreate = (input) =>
      input.title === 'Worker: do b' ? new Promise<void>((resolve) => (created = resolve)) : undefined
    void mission.run()
    await flush()
    oc.turn(sessionsOf(mission, 'planner')[0]!, 'orchestrator_plan', {
      todos: [todo('a', ['a.ts']), todo('b', ['b.ts']), todo('c', ['c.ts'])],
    })
    await flush()
    const [workerA] = sessionsOf(mission, 'worker')
    oc.turn(workerA!, 'orchestrator_report', report('a'))
    await flush()
    // b's session is still being created: a's review starts anyway, and c waits (b holds a slot).
    const reviewer = sessionsOf(mission, 'reviewer')[0]
    expect(lastPrompt(oc, reviewer ?? '')).toContain('todoId: a')
    expect(oc.created.map((c) => c.title)).not.toContain('Worker: do c')
    created()
    await play(mission, oc)
    expect(mission.state.phase).toBe('completed')
  })

  it('applies a provider cap to new sessions under the model the server says the role runs on', async () => {
    const { oc, mission } = setup({ caps: { total: 6, perProvider: { slow: 2 } } })
    oc.models = {
      worker: { providerID: 'slow', modelID: 'm1' },
      reviewer: { providerID: 'fast', modelID: 'm2' },
    }
    void mission.run()
    await flush()
    const todos = Array.from({ length: 4 }, (_, i) => todo(`t${i}`, [`f${i}.ts`]))
    oc.turn(sessionsOf(mission, 'planner')[0]!, 'orchestrator_plan', { todos })
    await flush()
    expect(mission.state.agents.filter((a) => a.role === 'worker' && a.status === 'busy')).toHaveLength(2)
    // Prompts still name no model: the agents keep whatever model the server gives them.
    expect(oc.prompts.every((p) => p.model === undefined)).toBe(true)
    await play(mission, oc)
    expect(mission.state.phase).toBe('completed')
  })

  it('fails with the reason when the check command cannot be run at all, instead of waiting forever', async () => {
    const { oc, mission, workspace } = setup({ check: 'npm test' })
    workspace.checkError = new Error('spawn /bin/sh ENOENT')
    const done = mission.run()
    await flush()
    oc.turn(sessionsOf(mission, 'planner')[0]!, 'orchestrator_plan', { todos: [todo('a', ['a.ts'])] })
    await play(mission, oc)
    const final = await done
    expect(final.phase).toBe('failed')
    expect(final.reason).toContain('spawn /bin/sh ENOENT')
  })

  it('sends a failed review back to the same worker with the findings, then passes', async () => {
    const { oc, mission } = setup()
    const done = mission.run()
    await flush()
    oc.turn(sessionsOf(mission, 'planner')[0]!, 'orchestrator_plan', { todos: [todo('a', ['a.ts'])] })
    await play(mission, oc, { review: (_id, n) => (n === 1 ? 'fail' : 'pass') })
    const final = await done
    expect(final.phase).toBe('completed')
    const workers = sessionsOf(mission, 'worker')
    expect(workers).toHaveLength(1) // warm context: the same session redid the todo
    const briefs = oc.prompts.filter((p) => p.sessionId === workers[0]).map((p) => p.text)
    expect(briefs).toHaveLength(2)
    expect(briefs[1]).toContain('The reviewer found:\n- missing test')
    expect(final.todos[0]).toMatchObject({ status: 'passed', attempts: 2 })
  })

  it('sends an invalid plan back with the reason, and fails after three bad plans', async () => {
    const { oc, mission } = setup()
    const done = mission.run()
    await flush()
    const planner = sessionsOf(mission, 'planner')[0]!
    oc.turn(planner, 'orchestrator_plan', { todos: [todo('a', ['a.ts'], ['zzz'])] })
    await flush()
    expect(lastPrompt(oc, planner)).toContain('todo "a" depends on unknown todo "zzz"')
    oc.turn(planner, undefined)
    await flush()
    expect(lastPrompt(oc, planner)).toContain('no orchestrator_plan tool call was made')
    oc.turn(planner, 'orchestrator_plan', { todos: [] })
    const final = await done
    expect(final.phase).toBe('failed')
    expect(final.reason).toMatch(/no valid plan after 3 attempts: .*empty/)
    expect(oc.prompts.filter((p) => p.sessionId === planner)).toHaveLength(3)
  })

  it('nudges a worker that ended without a report once, then counts the attempt as failed', async () => {
    const { oc, mission } = setup({ maxAttempts: 1 })
    const worker = await workingOnA(oc, mission)
    oc.turn(worker, undefined)
    await flush()
    expect(lastPrompt(oc, worker)).toBe(
      'You ended your turn without calling orchestrator_report. Call orchestrator_report now for todoId "a".',
    )
    oc.turn(worker, undefined)
    await flush()
    expect(mission.state.todos[0]?.status).toBe('failed')
    // The attempts are used up: the planner is asked to revise the plan.
    expect(lastPrompt(oc, sessionsOf(mission, 'planner')[0]!)).toContain(
      'Todos that failed their attempts: a.',
    )
  })

  it('never hands new work to a session whose turn end is still being decided', async () => {
    const { oc, mission } = setup({ caps: { total: 3 } })
    void mission.run()
    await flush()
    oc.turn(sessionsOf(mission, 'planner')[0]!, 'orchestrator_plan', {
      todos: [todo('a', ['a.ts']), todo('b', ['b.ts']), todo('c', ['c.ts']), todo('d', ['d.ts'])],
    })
    await flush()
    const [w1, w2] = sessionsOf(mission, 'worker')
    // w2's report frees capacity while w1 ends its turn without a report (and with usage to book).
    oc.turn(w2!, 'orchestrator_report', report('b'))
    oc.emit({
      type: 'message.assistant',
      sessionId: w1!,
      messageId: 'u1',
      providerId: 'p',
      modelId: 'm',
      tokens: 5,
      cost: 0,
      completed: true,
    })
    oc.turn(w1!, undefined)
    await flush()
    await flush()
    const toW1 = oc.prompts.filter((p) => p.sessionId === w1).map((p) => p.text.split('\n')[0])
    expect(toW1).toEqual([
      'todoId: a',
      'You ended your turn without calling orchestrator_report. Call orchestrator_report now for todoId "a".',
    ])
  })

  it('re-plans when the check fails, with the output tail, then completes', async () => {
    const { oc, mission, workspace } = setup({ check: 'npm test' })
    workspace.results = [{}, { exitCode: 1, output: 'FAIL greet.test.js\napi_key = sk-123' }]
    const done = mission.run()
    await flush()
    const planner = sessionsOf(mission, 'planner')[0]!
    oc.turn(planner, 'orchestrator_plan', { todos: [todo('a', ['a.ts'])] })
    await play(mission, oc)
    const brief = lastPrompt(oc, planner)
    expect(brief).toContain('The check command `npm test` failed (exit 1)')
    expect(brief).toContain('FAIL greet.test.js')
    expect(brief).not.toContain('sk-123') // secrets never travel on
    oc.turn(planner, 'orchestrator_plan', { todos: [todo('fix', ['a.ts'], ['a'])] })
    await play(mission, oc)
    const final = await done
    expect(final).toMatchObject({ phase: 'completed', iteration: 2 })
    expect(final.evidence.map((e) => e.exitCode)).toEqual([1, 0])
  })

  it('stops with the reason when the token budget is exhausted, aborting busy sessions', async () => {
    const { oc, mission } = setup({ budgets: { maxTokens: 1000 } })
    const done = mission.run()
    await flush()
    oc.turn(sessionsOf(mission, 'planner')[0]!, 'orchestrator_plan', { todos: [todo('a', ['a.ts'])] })
    await flush()
    const worker = sessionsOf(mission, 'worker')[0]!
    oc.emit({
      type: 'message.assistant',
      sessionId: worker,
      messageId: 'x',
      providerId: 'p',
      modelId: 'm',
      tokens: 1500,
      cost: 0,
      completed: false,
    })
    const final = await done
    expect(final.phase).toBe('failed')
    expect(final.reason).toMatch(/budget exhausted \(tokens\)/)
    expect(oc.aborted).toContain(worker)
  })

  it('stops when K plan iterations in a row pass no todo (stagnation), not on single failed attempts', async () => {
    const { oc, mission } = setup({ budgets: { stagnationRounds: 2 }, maxAttempts: 2 })
    const done = mission.run()
    await flush()
    const planner = sessionsOf(mission, 'planner')[0]!
    const plans: number[] = []
    for (let i = 0; i < 6 && mission.state.phase !== 'failed'; i++) {
      // The planner (re)plans 'a'; every review of it fails.
      plans.push(i)
      oc.turn(planner, 'orchestrator_plan', { todos: [todo('a', ['a.ts'])] })
      await play(mission, oc, { review: () => 'fail' })
      if (i === 0) expect(mission.state.phase).not.toBe('failed') // two failed attempts are not stagnation
    }
    const final = await done
    expect(final.reason).toMatch(/stagnation/)
    expect(plans).toHaveLength(2)
    expect(final.iteration).toBe(2)
  })

  it('a user stop aborts every session and every descendant, and sends nothing afterwards', async () => {
    const { oc, mission } = setup({ caps: { total: 2 } })
    const done = mission.run()
    await flush()
    const planner = sessionsOf(mission, 'planner')[0]!
    oc.turn(planner, 'orchestrator_plan', { todos: [todo('a', ['a.ts']), todo('b', ['b.ts'])] })
    await flush()
    const [w1, w2] = sessionsOf(mission, 'worker')
    oc.emit({ type: 'session.created', sessionId: 'child', parentId: w1!, title: 'sub' })
    oc.childrenOf.set('child', ['grandchild'])
    const prompts = oc.prompts.length
    await mission.stop()
    expect((await done).phase).toBe('stopped')
    expect(oc.aborted).toEqual(expect.arrayContaining([planner, w1, w2, 'child', 'grandchild']))
    oc.turn(w1!, 'orchestrator_report', report('a'))
    await flush()
    expect(oc.prompts.length).toBe(prompts)
    expect(mission.state.agents.filter((a) => a.role === 'worker').every((a) => a.status === 'aborted')).toBe(
      true,
    )
  })

  it('collects permission asks from nested sessions and never nudges a session waiting on one', async () => {
    const { oc, mission } = setup({ caps: { total: 2 } })
    void mission.run()
    await flush()
    oc.turn(sessionsOf(mission, 'planner')[0]!, 'orchestrator_plan', {
      todos: [todo('a', ['a.ts']), todo('b', ['b.ts'])],
    })
    await flush()
    const [wa, wb] = sessionsOf(mission, 'worker')
    oc.emit({ type: 'session.created', sessionId: 'child', parentId: wa!, title: 'sub' })
    oc.emit({
      type: 'permission.asked',
      requestId: 'per_1',
      sessionId: 'child',
      permission: 'bash',
      patterns: ['rm -rf x'],
    })
    expect(mission.state.inbox).toEqual([
      {
        requestId: 'per_1',
        sessionId: 'child',
        role: 'worker',
        todoId: 'a',
        permission: 'bash',
        patterns: ['rm -rf x'],
      },
    ])
    // While a waits, the rest of the mission goes on (b reports, ticks run) and a gets no prompt.
    const promptsToA = () => oc.prompts.filter((p) => p.sessionId === wa).length
    const before = promptsToA()
    oc.turn(wb!, 'orchestrator_report', report('b'))
    await flush()
    expect(promptsToA()).toBe(before)
    expect(mission.state.agents.find((a) => a.sessionId === wa)?.status).toBe('waiting')
    await mission.replyPermission('per_1', 'once')
    expect(mission.state.agents.find((a) => a.sessionId === wa)?.status).toBe('busy')
    expect(oc.replies).toEqual([{ requestId: 'per_1', reply: 'once' }])
    expect(mission.state.inbox).toEqual([])
    oc.turn(wa!, 'orchestrator_report', report('a'))
    await flush()
    expect(mission.state.todos.find((t) => t.id === 'a')?.status).toBe('reviewing')
  })

  it('drops asks of a session tree whose root went idle (a child left asking after an abort)', async () => {
    const { oc, mission } = setup()
    const worker = await workingOnA(oc, mission)
    oc.emit({ type: 'session.created', sessionId: 'child', parentId: worker, title: 'sub' })
    oc.emit({
      type: 'permission.asked',
      requestId: 'per_2',
      sessionId: 'child',
      permission: 'bash',
      patterns: [],
    })
    oc.turn(worker, 'orchestrator_report', report('a'))
    await flush()
    expect(mission.state.inbox).toEqual([])
    expect(mission.state.todos[0]?.status).toBe('reviewing')
  })

  it('cools a provider in retry, and re-queues a todo whose session stays in retry too long', async () => {
    const model = { providerID: 'p', modelID: 'm' }
    const { oc, mission, clock } = setup({
      models: { worker: model },
      retryStuckMs: 10_000,
      caps: { total: 2 },
    })
    void mission.run()
    await flush()
    oc.turn(sessionsOf(mission, 'planner')[0]!, 'orchestrator_plan', {
      todos: [todo('a', ['a.ts']), todo('b', ['b.ts']), todo('c', ['c.ts'])],
    })
    await flush()
    const [w1, w2] = sessionsOf(mission, 'worker')
    oc.emit({
      type: 'session.status',
      sessionId: w1!,
      status: { type: 'retry', attempt: 1, message: '429', next: 0 },
    })
    oc.turn(w2!, 'orchestrator_report', report('b'))
    await flush()
    // b's reviewer runs (it has no model of provider p), but no new worker goes to the cooling provider.
    expect(mission.state.todos.find((t) => t.id === 'c')?.status).toBe('pending')
    clock.advance(10_000)
    await flush()
    expect(oc.aborted).toContain(w1)
    const a = mission.state.todos.find((t) => t.id === 'a')
    expect(a?.status).not.toBe('failed')
    expect(['pending', 'running']).toContain(a?.status)
  })

  it('resumes from the journal in a new instance without redoing passed todos', async () => {
    const store = new MemoryStore()
    const first = setup({}, store)
    void first.mission.run()
    await flush()
    first.oc.turn(sessionsOf(first.mission, 'planner')[0]!, 'orchestrator_plan', {
      todos: [todo('a', ['a.ts']), todo('b', ['b.ts'], ['a'])],
    })
    await flush()
    const w = sessionsOf(first.mission, 'worker')[0]!
    first.oc.turn(w, 'orchestrator_report', report('a'))
    await flush()
    first.oc.turn(sessionsOf(first.mission, 'reviewer')[0]!, 'orchestrator_verdict', verdict('a', 'pass'))
    await flush()
    expect(first.mission.state.todos.map((t) => t.status)).toEqual(['passed', 'running'])
    const bWorker = first.mission.state.todos[1] && first.oc.prompts.at(-1)?.sessionId
    first.mission.dispose() // the host goes away mid-mission

    const second = setup({}, store)
    second.oc.toolCalls.set(bWorker!, [
      { callId: 'x1', tool: 'orchestrator_report', status: 'completed', input: report('b') },
    ])
    const done = second.mission.run()
    await flush()
    // b's report, made while no engine listened, is read back from the stored messages.
    expect(second.mission.state.todos.map((t) => t.status)).toEqual(['passed', 'reviewing'])
    await play(second.mission, second.oc)
    const final = await done
    expect(final.phase).toBe('completed')
    expect(second.oc.prompts.some((p) => p.text.startsWith('todoId: a'))).toBe(false) // a was not redone
    expect(final.todos.map((t) => t.attempts)).toEqual([1, 1])
  })

  it('re-queues a running todo whose session is gone after a restart', async () => {
    const store = new MemoryStore()
    const first = setup({}, store)
    void first.mission.run()
    await flush()
    first.oc.turn(sessionsOf(first.mission, 'planner')[0]!, 'orchestrator_plan', {
      todos: [todo('a', ['a.ts'])],
    })
    await flush()
    const w = sessionsOf(first.mission, 'worker')[0]!
    first.mission.dispose()
    const second = setup({}, store)
    second.oc.gone.add(w)
    void second.mission.run()
    await flush()
    const newWorker = sessionsOf(second.mission, 'worker').find((id) => id !== w)
    expect(newWorker).toBeDefined()
    expect(lastPrompt(second.oc, newWorker!)).toContain('todoId: a')
  })

  it('acts on a report at once and ends the turn once its step is complete, skipping the closing call', async () => {
    const { oc, mission } = setup()
    const worker = await workingOnA(oc, mission)
    const usage = reportInStep(oc, worker, 'a')
    await flush()
    // The review starts while the worker's session is still busy, and the worker is not cut yet.
    expect(mission.state.todos[0]?.status).toBe('reviewing')
    expect(oc.aborted).not.toContain(worker)
    usage(true)
    expect(oc.aborted).toContain(worker)
    expect(mission.state.agents.find((a) => a.sessionId === worker)?.tokens).toBe(90)
  })

  it("frees a slot under the caps once a turn is cut, before the session's idle", async () => {
    const { oc, mission } = setup({ caps: { total: 1 } })
    const worker = await workingOnA(oc, mission)
    const usage = reportInStep(oc, worker, 'a')
    await flush()
    // The report is in, but the worker's step still runs: it holds the one slot.
    expect(mission.state.todos[0]?.status).toBe('reported')
    expect(sessionsOf(mission, 'reviewer')).toEqual([])
    // Its step complete, the turn is cut: the reviewer starts while the worker waits for its idle.
    usage(true)
    await flush()
    expect(oc.aborted).toContain(worker)
    expect(mission.state.todos[0]?.status).toBe('reviewing')
    expect(mission.state.agents.find((a) => a.sessionId === worker)?.status).not.toBe('idle')
    await mission.stop()
  })

  it('keeps the slot of a session whose turn the server did not end', async () => {
    const { oc, mission } = setup({ caps: { total: 1 } })
    oc.abort = async () => {
      throw new Error('server busy')
    }
    const worker = await workingOnA(oc, mission)
    reportInStep(oc, worker, 'a')(true)
    await flush()
    // Its closing call may go on: the one slot stays taken until the idle.
    expect(mission.state.todos[0]?.status).toBe('reported')
    expect(sessionsOf(mission, 'reviewer')).toEqual([])
    oc.emit({ type: 'session.idle', sessionId: worker })
    await flush()
    expect(mission.state.todos[0]?.status).toBe('reviewing')
    await mission.stop()
  })

  it('pause stops dispatching and resume picks up where it left off', async () => {
    const { oc, mission } = setup({ caps: { total: 1 } })
    void mission.run()
    await flush()
    oc.turn(sessionsOf(mission, 'planner')[0]!, 'orchestrator_plan', {
      todos: [todo('a', ['a.ts']), todo('b', ['b.ts'])],
    })
    await flush()
    mission.pause()
    expect(mission.state.paused).toBe(true)
    const worker = sessionsOf(mission, 'worker')[0]!
    oc.turn(worker, 'orchestrator_report', report('a'))
    await flush()
    const prompts = oc.prompts.length
    expect(mission.state.todos.map((t) => t.status)).toEqual(['reported', 'pending'])
    mission.resume()
    await flush()
    expect(oc.prompts.length).toBeGreaterThan(prompts)
    expect(mission.state.todos[0]?.status).toBe('reviewing')
  })

  it('titles sessions with the role and a one-line excerpt', () => {
    expect(sessionTitle('worker', 'a\n  b')).toBe('Worker: a b')
    expect(sessionTitle('planner', 'x'.repeat(100))).toHaveLength('Planner: '.length + 60)
  })
})
