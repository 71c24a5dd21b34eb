// Faults against the real OpenCode server and the scripted provider: a provider that answers 500 to
// every planner call ends the mission in bounded time with its own message, shown while it waits;
// one worker that repeats itself fails only its todo while the others are reviewed and pass; a provider
// that answers one todo's worker with a 200 that is no chat completion fails only that todo, and so
// does a worker that reads the same file again and again.

import { afterEach, describe, expect, it } from 'vitest'
import { missionScript, parseBrief } from '../../src/demo/mission-script'
import type { ChatRequest, ScriptStep } from '../../src/demo/scripted-provider'
import type { AgentState } from '../../src/engine/record/mission-state'
import { progressLine, toReport } from '../../src/cli/report'
import { Sandbox } from '../support/sandbox'
import { todo } from '../support/file-todos'

let sandbox: Sandbox | undefined
afterEach(async () => {
  await sandbox?.dispose()
  sandbox = undefined
})

const SAME = 'I am still looking into it.'

/**
 * Todos a and b, where every work or nudge request of a is answered by `answerA`: the mission must
 * end within a minute, a failed and b passed.
 */
async function runWithTodoA(answerA: (req: ChatRequest) => ScriptStep) {
  const base = missionScript({ plan: () => [todo('a'), todo('b')] })
  const script = (req: ChatRequest) => {
    const brief = parseBrief(req.lastUserText)
    if ((brief.kind === 'work' || brief.kind === 'nudge') && brief.todoId === 'a') return answerA(req)
    return base(req)
  }
  sandbox = await Sandbox.create({ script })
  const sup = await sandbox.supervise()
  const mission = sandbox.mission(
    { sessions: sup, events: sup },
    { goal: 'Write two files', check: false, budgets: { maxIterations: 1 } },
  )
  const started = Date.now()
  const final = await mission.run()
  expect(Date.now() - started).toBeLessThan(60_000)
  expect(final.phase).toBe('failed')
  expect(final.todos.map((t) => [t.id, t.status])).toEqual([
    ['a', 'failed'],
    ['b', 'passed'],
  ])
  return { final, sup }
}

describe('faults against the real OpenCode server', () => {
  it('a provider that answers 500 to every planner call ends the mission with its message, in bounded time', async () => {
    const script = missionScript({
      errorFor: (req) => (parseBrief(req.lastUserText).kind === 'plan' ? { status: 500 } : undefined),
    })
    sandbox = await Sandbox.create({ script })
    const sup = await sandbox.supervise()
    const mission = sandbox.mission(
      { sessions: sup, events: sup },
      { goal: 'Write a file', retryStuckMs: 4_000 },
    )
    const seen: AgentState[] = []
    const lines: string[] = []
    mission.onChange((s) => {
      const planner = s.agents.find((a) => a.role === 'planner')
      if (planner?.retry) {
        seen.push(planner)
        lines.push(progressLine(s))
      }
    })
    const started = Date.now()
    const final = await mission.run()
    const tookMs = Date.now() - started
    expect(final.phase).toBe('failed')
    expect(final.agents.find((a) => a.role === 'planner')?.retry).toBeUndefined() // it waits no more
    // While it waited, the planner's row said so, with the provider and OpenCode's own message.
    const waiting = seen.at(-1)
    expect(waiting?.provider).toBe('scripted')
    expect(waiting?.retry?.message).toBeTruthy()
    expect(waiting?.retry?.next).toBeGreaterThan(started)
    expect(lines.at(-1)).toContain(`planner (waiting on scripted: ${waiting?.retry?.message} — retry `)
    expect(final.reason).toMatch(
      new RegExp(
        `^planner: waiting on scripted: ${escape(waiting!.retry!.message)} — gave up after \\d+ retries / \\d+ s$`,
      ),
    )
    expect(tookMs).toBeLessThan(60_000) // bounded: OpenCode alone would retry forever
    expect(script.stats.errors).toBeGreaterThan(0)
    expect(await sup.statuses()).toEqual({})
  })

  it('one worker repeating itself fails only its todo: the other three are reviewed and pass', async () => {
    const base = missionScript({
      plan: () => [todo('a'), todo('b'), todo('c'), todo('d')],
      work: (id) => ({ files: { [`${id}.txt`]: `${id}\n` } }),
      latencyMs: 200,
    })
    // d's worker answers the same text to every brief and nudge, and never reports.
    const script = (req: ChatRequest) => {
      const brief = parseBrief(req.lastUserText)
      if ((brief.kind === 'work' || brief.kind === 'nudge') && brief.todoId === 'd') return { text: SAME }
      return base(req)
    }
    sandbox = await Sandbox.create({ script })
    const sup = await sandbox.supervise()
    const mission = sandbox.mission(
      { sessions: sup, events: sup },
      { goal: 'Write four files', caps: { total: 4 }, budgets: { maxIterations: 1 } },
    )
    const started = Date.now()
    const final = await mission.run()
    const tookMs = Date.now() - started
    const report = toReport(final)
    expect(final.phase).toBe('failed')
    expect(report.todos.map((t) => [t.id, t.status])).toEqual([
      ['a', 'passed'],
      ['b', 'passed'],
      ['c', 'passed'],
      ['d', 'failed'],
    ])
    for (const id of ['a', 'b', 'c'])
      expect(report.todos.find((t) => t.id === id)?.evidence).toContainEqual({
        type: 'review',
        verdict: 'pass',
        findings: [],
      })
    expect(report.todos.find((t) => t.id === 'd')?.reason).toMatch(/repeated the same output 3 turns running/)
    expect(final.reason).toMatch(/^d failed \(the worker repeated the same output 3 turns running/)
    expect(base.stats.reviewAttempts).toMatchObject({ a: 1, b: 1, c: 1 })
    expect(tookMs).toBeLessThan(60_000)
    expect(await sup.statuses()).toEqual({})
  })

  it('a provider answering 200 with an HTML page to one worker fails only that todo, in bounded time', async () => {
    // OpenCode reads such an answer as an empty step and asks again, forever, without an error.
    const { final, sup } = await runWithTodoA(() => ({
      status: 200,
      headers: { 'content-type': 'text/html' },
      body: '<html>Welcome</html>',
    }))
    expect(final.todos[0]?.reason).toMatch(/^no report: the provider's answers were empty 3 times in a row/)
    expect(await sup.statuses()).toEqual({})
  })

  it('a worker reading the same file again and again fails only its todo, in bounded time', async () => {
    // OpenCode runs every call and asks the model again: the turn would never end by itself.
    const { final, sup } = await runWithTodoA((req) => {
      const dir = /Working directory: (.+)/.exec(req.system)?.[1]?.trim() ?? ''
      return { toolCalls: [{ name: 'read', args: { filePath: `${dir}/README.md` } }] }
    })
    expect(final.todos[0]?.reason).toBe(
      'no report: the worker made the same read call 5 times in a row (2 attempts)',
    )
    expect(await sup.statuses()).toEqual({})
  })
})

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
