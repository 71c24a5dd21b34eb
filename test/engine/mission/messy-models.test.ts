// The engine's rules for what real models do with the mission protocol, at its ports: a plan in prose,
// ids with spaces, reports and verdicts about another todo or given twice, 50 KB answers, and a
// session compacted in the middle of its todo.
import { describe, expect, it } from 'vitest'
import type { Mission } from '../../../src/engine/mission'
import type { PlanTodo } from '../../../src/engine/protocol/mission-protocol'
import { fakeMission } from '../../fixtures/fake-mission'
import { flush, type FakeOpencode } from '../../fixtures/fake-opencode'

const todo = (id: string, dependsOn: string[] = []): PlanTodo => ({
  id,
  title: `do ${id}`,
  description: '',
  files: [`${id}.ts`],
  dependsOn,
  acceptance: [],
})
const sessionsOf = (m: Mission, role: string) =>
  m.state.agents.filter((a) => a.role === role).map((a) => a.sessionId)
const promptsTo = (oc: FakeOpencode, sessionId: string) =>
  oc.prompts.filter((p) => p.sessionId === sessionId).map((p) => p.text)
const report = (todoId: string, summary = `${todoId} done`) => ({
  todoId,
  status: 'done',
  summary,
  filesChanged: [],
})
const journal = (store: { lines: string[] }) =>
  store.lines.map((l) => JSON.parse(l) as Record<string, unknown>)

/** A mission with a planned todo list and its first workers running. */
async function planned(todos: PlanTodo[]) {
  const setup = fakeMission()
  const done = setup.mission.run()
  await flush()
  setup.oc.turn(sessionsOf(setup.mission, 'planner')[0]!, 'orchestrator_plan', { todos })
  await flush()
  return { ...setup, done }
}

/** One agent step with several completed tool calls (parallel calls), then idle. */
function parallelTurn(oc: FakeOpencode, sessionId: string, calls: { tool: string; input: unknown }[]) {
  oc.emit({ type: 'session.status', sessionId, status: { type: 'busy' } })
  calls.forEach((c, i) =>
    oc.emit({
      type: 'part.tool',
      sessionId,
      messageId: 'msg_parallel',
      callId: `call_p${sessionId}_${i}_${c.tool}`,
      tool: c.tool,
      status: 'completed',
      input: c.input,
    }),
  )
  oc.emit(
    { type: 'session.status', sessionId, status: { type: 'idle' } },
    { type: 'session.idle', sessionId },
  )
}

let refusedCall = 0
/** Tool calls the plugin refused (status error, its error text), in one busy step without idle. */
function refusedCalls(oc: FakeOpencode, sessionId: string, tool: string, error: string, count: number) {
  oc.emit({ type: 'session.status', sessionId, status: { type: 'busy' } })
  for (let i = 0; i < count; i++)
    oc.emit({
      type: 'part.tool',
      sessionId,
      messageId: `msg_refused_${i}`,
      callId: `call_refused_${++refusedCall}`,
      tool,
      status: 'error',
      input: {},
      error,
    })
}
const idle = (oc: FakeOpencode, sessionId: string) =>
  oc.emit(
    { type: 'session.status', sessionId, status: { type: 'idle' } },
    { type: 'session.idle', sessionId },
  )
const planError =
  'orchestrator_plan: invalid arguments:\n- the plan is empty: give at least one todo\nFix these and call orchestrator_plan again.'

describe('messy models at the engine ports', () => {
  it('asks again when the planner answers in prose, saying that no tool call was made', async () => {
    const { oc, mission } = fakeMission()
    void mission.run()
    await flush()
    const planner = sessionsOf(mission, 'planner')[0]!
    oc.turn(planner, undefined, undefined, '## Plan\n1. api-auth: add login\n2. ui: add a form')
    await flush()
    const retry = promptsTo(oc, planner).at(-1) ?? ''
    expect(retry).toContain('Your plan was not accepted.')
    expect(retry).toContain(
      'no orchestrator_plan tool call was made: a plan written as text or Markdown is not read',
    )
    expect(mission.state.todos).toEqual([])
    oc.turn(planner, 'orchestrator_plan', { todos: [{ id: 'api-auth', title: 'Add login' }] })
    await flush()
    expect(mission.state.todos.map((t) => [t.id, t.status])).toEqual([['api-auth', 'running']])
  })

  it('refuses ids with spaces with the slug to use, and takes defaults and ignores unknown keys', async () => {
    const { oc, mission, store } = fakeMission()
    void mission.run()
    await flush()
    const planner = sessionsOf(mission, 'planner')[0]!
    oc.turn(planner, 'orchestrator_plan', { todos: [{ id: 'api auth', title: 'Add login' }] })
    await flush()
    expect(promptsTo(oc, planner).at(-1)).toContain('id "api auth" must be a slug')
    expect(promptsTo(oc, planner).at(-1)).toContain('use "api-auth"')
    oc.turn(planner, 'orchestrator_plan', {
      rationale: 'one step',
      title: 'Login',
      todos: [{ id: 'api-auth', title: 'Add login', priority: 'high' }],
    })
    await flush()
    // The mission's short title comes with the plan, journaled and on the state.
    expect(mission.state.title).toBe('Login')
    const accepted = journal(store).find((e) => e.type === 'plan.accepted')
    expect(accepted?.title).toBe('Login')
    expect(accepted?.todos).toEqual([
      { id: 'api-auth', title: 'Add login', description: '', files: [], dependsOn: [], acceptance: [] },
    ])
    const worker = sessionsOf(mission, 'worker')[0]!
    expect(promptsTo(oc, worker)[0]).toContain('todoId: api-auth\nTodo: Add login\nFiles you own: (none)')
  })

  it('does not mark a todo from a report about another one, and nudges for its own', async () => {
    const { oc, mission, store } = await planned([todo('a'), todo('b')])
    const [wa] = sessionsOf(mission, 'worker')
    oc.turn(wa!, 'orchestrator_report', report('b'))
    await flush()
    expect(journal(store).filter((e) => e.type === 'todo.reported')).toEqual([])
    expect(mission.state.todos.find((t) => t.id === 'b')?.status).toBe('running')
    expect(promptsTo(oc, wa!).at(-1)).toBe(
      'You ended your turn without calling orchestrator_report. Call orchestrator_report now for todoId "a".',
    )
  })

  it('counts the first of two reports once, with one review', async () => {
    const { oc, mission, store } = await planned([todo('a')])
    const [wa] = sessionsOf(mission, 'worker')
    parallelTurn(oc, wa!, [
      { tool: 'write', input: { filePath: 'a.ts' } },
      { tool: 'orchestrator_report', input: report('a', 'first') },
      { tool: 'orchestrator_report', input: { ...report('a', 'second'), status: 'failed' } },
    ])
    await flush()
    oc.turn(wa!, 'orchestrator_report', report('a', 'third'))
    await flush()
    const reports = journal(store).filter((e) => e.type === 'todo.reported')
    expect(reports.map((e) => [e.summary, e.status])).toEqual([['first', 'done']])
    expect(sessionsOf(mission, 'reviewer')).toHaveLength(1)
    expect(journal(store).filter((e) => e.type === 'todo.dispatched')).toHaveLength(2) // worker + reviewer
    expect(mission.state.todos[0]?.status).toBe('reviewing')
  })

  it('ignores a verdict about another todo and asks the reviewer again for its own', async () => {
    const { oc, mission, store } = await planned([todo('a'), todo('b')])
    const [wa, wb] = sessionsOf(mission, 'worker')
    oc.turn(wb!, 'orchestrator_report', report('b'))
    await flush()
    const reviewer = sessionsOf(mission, 'reviewer')[0]!
    oc.turn(reviewer, 'orchestrator_verdict', { todoId: 'a', verdict: 'pass', findings: [] })
    await flush()
    expect(journal(store).filter((e) => e.type === 'todo.verdict')).toEqual([])
    expect(mission.state.todos.map((t) => [t.id, t.status])).toEqual([
      ['a', 'running'],
      ['b', 'reviewing'],
    ])
    expect(promptsTo(oc, reviewer).at(-1)).toContain('Call orchestrator_verdict now for todoId "b"')
    oc.turn(reviewer, 'orchestrator_verdict', { todoId: 'b', verdict: 'pass', findings: [] })
    await flush()
    expect(mission.state.todos.find((t) => t.id === 'b')?.status).toBe('passed')
    void wa
  })

  it('keeps a bounded excerpt of a 50 KB summary and a 50 KB answer, and says so', async () => {
    const { oc, mission, store } = await planned([todo('a'), todo('b', ['a'])])
    const [wa] = sessionsOf(mission, 'worker')
    const huge = `${'s'.repeat(50_000)}TAIL`
    oc.turn(wa!, 'orchestrator_report', report('a', huge), 't'.repeat(50_000))
    await flush()
    const reported = journal(store).find((e) => e.type === 'todo.reported')
    const kept = String(reported?.summary)
    expect(kept.length).toBeLessThanOrEqual(2_000)
    expect(kept).toMatch(/… \[cut: 50004 characters, 2000 kept\]$/)
    expect(mission.state.todos[0]?.summary).toBe(kept)
    const agent = mission.state.agents.find((a) => a.sessionId === wa)
    expect(agent?.text?.length).toBeLessThanOrEqual(2_000)
    expect(agent?.text).toContain('[cut: ')
    const reviewer = sessionsOf(mission, 'reviewer')[0]!
    expect(promptsTo(oc, reviewer)[0]!.length).toBeLessThan(3_000)
    oc.turn(reviewer, 'orchestrator_verdict', { todoId: 'a', verdict: 'pass', findings: [] })
    await flush()
    const briefB = oc.prompts.find((p) => p.text.startsWith('todoId: b'))?.text ?? ''
    expect(briefB).toContain(`- a: ${kept}`)
    expect(briefB).not.toContain('TAIL')
    expect(store.lines.every((l) => l.length < 5_000)).toBe(true)
  })

  it('sends the brief again, once, to a session compacted before it reported', async () => {
    const { oc, mission } = await planned([todo('a')])
    const [wa] = sessionsOf(mission, 'worker')
    const brief = promptsTo(oc, wa!)[0]!
    oc.emit({ type: 'session.compacted', sessionId: wa! })
    oc.turn(wa!, undefined, undefined, 'Summary of the conversation.')
    await flush()
    expect(promptsTo(oc, wa!)).toEqual([brief, brief])
    // After the re-sent brief, a turn without a report gets the ordinary nudge, not a third brief.
    oc.turn(wa!, undefined)
    await flush()
    expect(promptsTo(oc, wa!).slice(2)).toEqual([
      'You ended your turn without calling orchestrator_report. Call orchestrator_report now for todoId "a".',
    ])
    oc.turn(wa!, 'orchestrator_report', report('a'))
    await flush()
    expect(mission.state.todos[0]).toMatchObject({ status: 'reviewing', attempts: 1 })
  })

  it('does not re-send the brief when the compacted session reported on its own', async () => {
    const { oc, mission } = await planned([todo('a')])
    const [wa] = sessionsOf(mission, 'worker')
    oc.emit({ type: 'session.compacted', sessionId: wa! })
    oc.turn(wa!, 'orchestrator_report', report('a'))
    await flush()
    expect(promptsTo(oc, wa!)).toHaveLength(1)
    expect(mission.state.todos[0]?.status).toBe('reviewing')
  })

  it('a planner whose plan calls the plugin refused is told their errors, and the mission ends naming them', async () => {
    const { oc, mission } = fakeMission({ maxPlanAttempts: 2 })
    const done = mission.run()
    await flush()
    const planner = sessionsOf(mission, 'planner')[0]!
    refusedCalls(oc, planner, 'orchestrator_plan', planError, 1)
    oc.turn(planner, undefined, undefined, 'I submitted the plan.')
    await flush()
    const retry = promptsTo(oc, planner).at(-1) ?? ''
    expect(retry).toContain('Your plan was not accepted.\n- the plan is empty: give at least one todo')
    expect(retry).not.toContain('no orchestrator_plan tool call was made')
    refusedCalls(oc, planner, 'orchestrator_plan', planError, 1)
    oc.turn(planner, undefined, undefined, 'Submitted again.')
    const final = await done
    expect(final.phase).toBe('failed')
    expect(final.reason).toMatch(
      /^no valid plan after 2 attempts: the plan is empty: give at least one todo; the planner's last words: "Submitted again\. \d+"$/,
    )
  })

  it('ends the turn of a worker that keeps calling its tool the wrong way, and fails the attempt naming why', async () => {
    const { oc, mission, store } = await planned([todo('a')])
    const [wa] = sessionsOf(mission, 'worker')
    const error =
      'orchestrator_report: invalid arguments:\n- report: "status" must be one of done, blocked, failed\nFix these and call orchestrator_report again.'
    refusedCalls(oc, wa!, 'orchestrator_report', error, 2)
    await flush()
    expect(oc.aborted).not.toContain(wa)
    refusedCalls(oc, wa!, 'orchestrator_report', error, 1)
    await flush()
    expect(oc.aborted).toContain(wa) // the model would loop on it forever: the engine ends the turn
    idle(oc, wa!)
    await flush()
    expect(oc.prompts.filter((p) => p.text.startsWith('You ended your turn'))).toEqual([]) // failed, not nudged
    const requeued = journal(store).find((e) => e.type === 'todo.requeued')
    expect(requeued?.reason).toBe(
      'no report: 3 tool calls refused in one turn, the last: orchestrator_report: report: "status" must be one of done, blocked, failed',
    )
    expect(mission.state.todos[0]).toMatchObject({ id: 'a', status: 'running', attempts: 2 })
  })

  it('a looping turn whose abort fails is left to the server, and the mission goes on', async () => {
    const { oc, mission } = await planned([todo('a')])
    const [wa] = sessionsOf(mission, 'worker')
    oc.abort = () => Promise.reject(new Error('fetch failed'))
    refusedCalls(oc, wa!, 'orchestrator_report', 'orchestrator_report: invalid arguments', 3)
    await flush()
    await flush()
    expect(mission.state.phase).toBe('working')
    idle(oc, wa!)
    await flush()
    expect(mission.state.todos[0]).toMatchObject({ id: 'a', status: 'running', attempts: 2 })
  })

  it('counts calls of a tool the role does not have as refused, for workers and reviewers alike', async () => {
    const { oc, mission } = await planned([todo('a')])
    const [wa] = sessionsOf(mission, 'worker')
    oc.turn(wa!, 'orchestrator_report', report('a'))
    await flush()
    const reviewer = sessionsOf(mission, 'reviewer')[0]!
    oc.emit({ type: 'session.status', sessionId: reviewer, status: { type: 'busy' } })
    for (let i = 0; i < 3; i++)
      oc.emit({
        type: 'part.tool',
        sessionId: reviewer,
        messageId: `msg_inv_${i}`,
        callId: `call_inv_${i}`,
        tool: 'invalid',
        status: 'completed',
        input: {
          tool: 'write',
          error: "Model tried to call unavailable tool 'write'. Available tools: glob, grep, read.",
        },
      })
    await flush()
    expect(oc.aborted).toContain(reviewer)
    idle(oc, reviewer)
    await flush()
    expect(oc.prompts.filter((p) => p.text.startsWith('You ended your turn'))).toEqual([])
    // Reviewed again (the work did not fail), not nudged.
    expect(oc.prompts.filter((p) => p.text.startsWith('Review todoId: a'))).toHaveLength(2)
    expect(mission.state.todos[0]).toMatchObject({ status: 'reviewing', attempts: 1 })
  })
  it('refuses a plan with an id like constructor (it crashed the mission), then takes the one named', async () => {
    const { oc, mission } = fakeMission({ check: false })
    const done = mission.run()
    await flush()
    const planner = sessionsOf(mission, 'planner')[0]!
    oc.turn(planner, 'orchestrator_plan', { todos: [todo('constructor'), todo('toString', ['constructor'])] })
    await flush()
    expect(promptsTo(oc, planner).at(-1)).toContain('id "constructor" is reserved: use "constructor-todo"')
    expect(mission.state.phase).toBe('planning')
    oc.turn(planner, 'orchestrator_plan', {
      todos: [todo('constructor-todo'), todo('toString-todo', ['constructor-todo'])],
    })
    await flush()
    for (const id of ['constructor-todo', 'toString-todo']) {
      oc.passTurn(mission.state.agents.find((a) => a.role === 'worker' && a.status === 'busy')!)
      await flush()
      oc.passTurn(mission.state.agents.find((a) => a.role === 'reviewer' && a.status === 'busy')!)
      await flush()
      expect(mission.state.todos.find((t) => t.id === id)?.status).toBe('passed')
    }
    const final = await done
    expect(final.phase, final.reason).toBe('completed')
  })
})
