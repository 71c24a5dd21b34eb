import { afterEach, describe, expect, it, vi } from 'vitest'
import { createDemoScript, DEMO_CHECK, DEMO_FILES, DEMO_PLAN } from '../../src/demo/demo-script'
import { missionScript, parseBrief } from '../../src/demo/mission-script'
import type { ChatMessage, ChatRequest, ScriptStep } from '../../src/demo/scripted-provider'
import { checkPlan, type PlanTodo } from '../../src/engine/protocol/mission-protocol'
import {
  nudgeBrief,
  planBrief,
  planRetryBrief,
  replanBrief,
  reviewBrief,
  workBrief,
} from '../../src/engine/protocol/prompts'

const SYSTEM = 'You are a worker.\n<env>\n  Working directory: /proj\n  Platform: linux\n</env>'

/** A chat request as the scripted provider builds it from OpenCode's body. */
function request(messages: ChatMessage[], system = SYSTEM): ChatRequest {
  const all: ChatMessage[] = [{ role: 'system', content: system }, ...messages]
  const lastUser = [...all].reverse().find((m) => m.role === 'user')
  const toolResults: string[] = []
  for (let i = all.length - 1; i >= 0 && all[i]?.role === 'tool'; i--)
    toolResults.unshift(String(all[i]?.content))
  return {
    index: 0,
    model: 'scripted-model',
    kind: 'chat',
    system,
    messages: all,
    tools: ['write', 'orchestrator_plan', 'orchestrator_report', 'orchestrator_verdict'],
    lastUserText: typeof lastUser?.content === 'string' ? lastUser.content : '',
    toolResults,
    chars: JSON.stringify(all).length,
    receivedAt: 0,
  }
}

const user = (content: string): ChatMessage => ({ role: 'user', content })
const text = (content: string): ChatMessage => ({ role: 'assistant', content })
let callId = 0
/** The assistant step that made these calls, followed by their results. */
function ran(step: ScriptStep): ChatMessage[] {
  if (!('toolCalls' in step)) throw new Error(`expected tool calls, got ${JSON.stringify(step)}`)
  const calls = step.toolCalls.map((c) => ({
    id: `c${++callId}`,
    function: { name: c.name, arguments: JSON.stringify(c.args) },
  }))
  return [
    { role: 'assistant', content: '', tool_calls: calls },
    ...calls.map((c) => ({ role: 'tool', tool_call_id: c.id, content: 'ok' })),
  ]
}
const calls = (step: ScriptStep) => ('toolCalls' in step ? step.toolCalls : [])

const todo = (id: string, files: string[] = [`src/${id}.js`], dependsOn: string[] = []): PlanTodo => ({
  id,
  title: `Do ${id}`,
  description: '',
  files,
  dependsOn,
  acceptance: ['it works'],
})

afterEach(() => {
  vi.useRealTimers()
})

describe('parseBrief', () => {
  it('recognises every brief the engine sends', () => {
    const t = todo('api-auth')
    expect(parseBrief(planBrief('Build it', ['a.js']))).toEqual({ kind: 'plan' })
    expect(parseBrief(planRetryBrief(['bad']))).toEqual({ kind: 'plan' })
    expect(parseBrief(replanBrief(2, undefined, ['x']))).toEqual({ kind: 'plan' })
    expect(parseBrief(workBrief(t, [{ id: 'dep', summary: 's' }], []))).toEqual({
      kind: 'work',
      todoId: 'api-auth',
    })
    expect(parseBrief(reviewBrief(t, 'did it', ['src/api-auth.js']))).toEqual({
      kind: 'review',
      todoId: 'api-auth',
    })
    expect(parseBrief(nudgeBrief('orchestrator_report', 'api-auth'))).toEqual({
      kind: 'nudge',
      tool: 'orchestrator_report',
      todoId: 'api-auth',
    })
    expect(parseBrief('hello')).toEqual({ kind: 'other' })
  })
})

describe('missionScript: planner', () => {
  it('calls orchestrator_plan with the plan, then ends the turn with text', async () => {
    const plan = vi.fn((_iteration: number, _brief: string) => [todo('a'), todo('b', undefined, ['a'])])
    const script = missionScript({ plan })
    const brief = planBrief('Build it', [])
    const first = await script(request([user(brief)]))
    expect(calls(first)).toEqual([
      { name: 'orchestrator_plan', args: { todos: [todo('a'), todo('b', undefined, ['a'])] } },
    ])
    expect(plan).toHaveBeenCalledWith(1, brief)
    const end = await script(request([user(brief), ...ran(first)]))
    expect(end).toEqual({ text: expect.stringContaining('Plan submitted') })
    expect(script.stats.calls.planner).toBe(2)
  })

  it('counts planner briefs in the session and can send malformed arguments', async () => {
    const script = missionScript({
      plan: (iteration) => (iteration === 1 ? { invalid: { todos: 'nope' } } : [todo('a')]),
    })
    const brief = planBrief('Build it', [])
    const first = await script(request([user(brief)]))
    expect(calls(first)).toEqual([{ name: 'orchestrator_plan', args: { todos: 'nope' } }])
    const history = [user(brief), ...ran(first), text('Plan submitted.')]
    const retry = await script(request([...history, user(planRetryBrief(['"todos" must be an array']))]))
    expect(calls(retry)).toEqual([{ name: 'orchestrator_plan', args: { todos: [todo('a')] } }])
  })

  it('defaults to one todo named after the goal', async () => {
    const step = await missionScript()(request([user(planBrief('Ship it', []))]))
    const args = calls(step)[0]?.args
    expect(checkPlan(args).ok).toBe(true)
    expect(args).toMatchObject({ todos: [{ title: 'Ship it' }] })
  })
})

describe('missionScript: worker', () => {
  it('writes every file in one step, reports after the results, then ends the turn', async () => {
    const script = missionScript({
      projectDir: '/work/p/',
      work: () => ({ files: { 'src/a.js': 'A', 'docs/a.md': 'B' }, summary: 'Added a.' }),
    })
    const brief = workBrief(todo('a', ['src/a.js', 'docs/a.md']), [], [])
    const writes = await script(request([user(brief)]))
    expect(calls(writes)).toEqual([
      { name: 'write', args: { filePath: '/work/p/src/a.js', content: 'A' } },
      { name: 'write', args: { filePath: '/work/p/docs/a.md', content: 'B' } },
    ])
    const history = [user(brief), ...ran(writes)]
    const report = await script(request(history))
    expect(calls(report)).toEqual([
      {
        name: 'orchestrator_report',
        args: { todoId: 'a', status: 'done', summary: 'Added a.', filesChanged: ['src/a.js', 'docs/a.md'] },
      },
    ])
    const end = await script(request([...history, ...ran(report)]))
    expect(end).toEqual({ text: expect.stringContaining('Reported a') })
    expect(script.stats.workAttempts).toEqual({ a: 1 })
    expect(script.stats.log.map((c) => c.step)).toEqual(['fresh', 'continuation', 'continuation'])
  })

  it("takes the project directory from OpenCode's system prompt", async () => {
    const script = missionScript({ work: () => ({ files: { 'x.js': '1' } }) })
    const step = await script(request([user(workBrief(todo('x', ['x.js']), [], []))]))
    expect(calls(step)[0]?.args).toEqual({ filePath: '/proj/x.js', content: '1' })
  })

  it('reports at once without files, with the status asked for', async () => {
    const script = missionScript({ work: () => ({ status: 'blocked', summary: 'Needs a key.' }) })
    const step = await script(request([user(workBrief(todo('a'), [], []))]))
    expect(calls(step)).toEqual([
      {
        name: 'orchestrator_report',
        args: { todoId: 'a', status: 'blocked', summary: 'Needs a key.', filesChanged: [] },
      },
    ])
  })

  it('skips the report when asked, and reports on the nudge without writing again', async () => {
    const work = vi.fn(() => ({ files: { 'src/a.js': 'A' }, skipReport: true }))
    const script = missionScript({ work })
    const brief = workBrief(todo('a'), [], [])
    const writes = await script(request([user(brief)]))
    const history = [user(brief), ...ran(writes)]
    const silent = await script(request(history))
    expect(silent).toEqual({ text: expect.any(String) })
    const nudged = [
      ...history,
      text((silent as { text: string }).text),
      user(nudgeBrief('orchestrator_report', 'a')),
    ]
    const report = await script(request(nudged))
    expect(calls(report)).toEqual([
      {
        name: 'orchestrator_report',
        args: { todoId: 'a', status: 'done', summary: 'Wrote src/a.js.', filesChanged: ['src/a.js'] },
      },
    ])
    expect(await script(request([...nudged, ...ran(report)]))).toEqual({
      text: expect.stringContaining('Reported'),
    })
    expect(work).toHaveBeenCalledTimes(1)
    expect(script.stats.workAttempts).toEqual({ a: 1 })
    expect(script.stats.nudges).toBe(2)
    expect(script.stats.calls.worker).toBe(4)
  })

  it('counts attempts per todo across sessions', async () => {
    const work = vi.fn((todoId: string, attempt: number) => ({ summary: `${todoId} attempt ${attempt}` }))
    const script = missionScript({ work })
    await script(request([user(workBrief(todo('a'), [], []))]))
    await script(request([user(workBrief(todo('b'), [], []))]))
    const again = await script(request([user(workBrief(todo('a'), [], ['missing test']))]))
    expect(calls(again)[0]?.args).toMatchObject({ todoId: 'a', summary: 'a attempt 2' })
    expect(work.mock.calls.map(([id, attempt]) => [id, attempt])).toEqual([
      ['a', 1],
      ['b', 1],
      ['a', 2],
    ])
    expect(script.stats.workAttempts).toEqual({ a: 2, b: 1 })
  })

  it('answers the latest brief of a reused session, not an earlier one', async () => {
    const script = missionScript({ work: (id) => ({ files: { [`src/${id}.js`]: id } }) })
    const first = workBrief(todo('a'), [], [])
    const writes = await script(request([user(first)]))
    const history = [user(first), ...ran(writes)]
    const report = await script(request(history))
    history.push(...ran(report), text('Reported a.'))
    const second = workBrief(todo('b'), [{ id: 'a', summary: 'Wrote src/a.js.' }], [])
    const next = await script(request([...history, user(second)]))
    expect(calls(next)).toEqual([{ name: 'write', args: { filePath: '/proj/src/b.js', content: 'b' } }])
    const nextReport = await script(request([...history, user(second), ...ran(next)]))
    expect(calls(nextReport)[0]).toMatchObject({ name: 'orchestrator_report', args: { todoId: 'b' } })
  })
})

describe('missionScript: reviewer', () => {
  it('passes by default and follows the review option per attempt', async () => {
    expect(
      calls(await missionScript()(request([user(reviewBrief(todo('a'), 'did a', ['src/a.js']))]))),
    ).toEqual([{ name: 'orchestrator_verdict', args: { todoId: 'a', verdict: 'pass', findings: [] } }])
    const script = missionScript({
      review: (_id, attempt) =>
        attempt === 1 ? { verdict: 'fail', findings: ['no test'] } : { verdict: 'pass' },
    })
    const brief = reviewBrief(todo('a'), 'did a', ['src/a.js'])
    const first = await script(request([user(brief)]))
    expect(calls(first)[0]?.args).toEqual({ todoId: 'a', verdict: 'fail', findings: ['no test'] })
    expect(await script(request([user(brief), ...ran(first)]))).toEqual({
      text: expect.stringContaining('fail'),
    })
    const second = await script(request([user(brief)]))
    expect(calls(second)[0]?.args).toEqual({ todoId: 'a', verdict: 'pass', findings: [] })
    expect(script.stats.reviewAttempts).toEqual({ a: 2 })
  })

  it('gives the verdict on a nudge', async () => {
    const step = await missionScript()(request([user(nudgeBrief('orchestrator_verdict', 'a'))]))
    expect(calls(step)).toEqual([
      { name: 'orchestrator_verdict', args: { todoId: 'a', verdict: 'pass', findings: [] } },
    ])
  })
})

describe('missionScript: errors, latency, stats', () => {
  it('answers injected errors first without counting an attempt', async () => {
    let left = 2
    const script = missionScript({
      errorFor: () => (left-- > 0 ? { status: 429, headers: { 'retry-after': '0' } } : undefined),
    })
    const req = request([user(workBrief(todo('a'), [], []))])
    expect(await script(req)).toEqual({ status: 429, headers: { 'retry-after': '0' } })
    expect(await script(req)).toMatchObject({ status: 429 })
    expect(calls(await script(req))[0]?.name).toBe('orchestrator_report')
    expect(script.stats.errors).toBe(2)
    expect(script.stats.workAttempts).toEqual({ a: 1 })
    expect(script.stats.log.map((c) => c.error)).toEqual([429, 429, undefined])
  })

  it('waits the latency itself and records how many workers ran at once', async () => {
    vi.useFakeTimers()
    const script = missionScript({ latencyMs: 100 })
    const answers = Promise.all(
      ['a', 'b', 'c'].map((id) => script(request([user(workBrief(todo(id), [], []))]))),
    )
    const review = script(request([user(reviewBrief(todo('z'), 's', []))]))
    expect(script.stats.inFlight).toBe(4)
    await vi.advanceTimersByTimeAsync(100)
    const steps = await answers
    await review
    expect(steps.every((s) => s.delayMs === 0)).toBe(true)
    expect(script.stats.maxConcurrentWorkers).toBe(3)
    expect(script.stats.maxConcurrent).toBe(4)
    expect(script.stats.inFlight).toBe(0)
    expect(script.stats.calls).toEqual({ planner: 0, worker: 3, reviewer: 1, other: 0 })
    for (const call of script.stats.log) expect(call.endedAt! - call.startedAt).toBe(100)
  })

  it('leaves the delay to the provider when latencyMs is unset', async () => {
    const step = await missionScript()(request([user(workBrief(todo('a'), [], []))]))
    expect('delayMs' in step).toBe(false)
  })

  it('answers title and summary calls with text, outside the stats', async () => {
    const script = missionScript()
    expect(await script({ ...request([user('hi')]), kind: 'title', tools: [] })).toEqual({
      text: 'Scripted title',
    })
    expect(await script({ ...request([user('x')]), kind: 'summary', tools: [] })).toEqual({
      text: 'Summary.',
    })
    expect(await script(request([user('hello')]))).toEqual({ text: expect.any(String) })
    expect(script.stats.calls).toEqual({ planner: 0, worker: 0, reviewer: 0, other: 1 })
  })
})

describe('demo mission', () => {
  it('plans six valid todos with distinct files, one depending on two others', () => {
    expect(checkPlan({ todos: DEMO_PLAN }).ok).toBe(true)
    expect(DEMO_PLAN).toHaveLength(6)
    expect(DEMO_PLAN.filter((t) => t.dependsOn.length === 2)).toHaveLength(1)
    expect(DEMO_PLAN.filter((t) => t.dependsOn.length === 1)).toHaveLength(0)
    const files = DEMO_PLAN.flatMap((t) => t.files)
    expect(new Set(files).size).toBe(files.length)
    for (const f of files) expect(DEMO_FILES[f]).toBeUndefined()
    expect(DEMO_CHECK).toContain('test/greeting.test.js')
  })

  it('has each worker write exactly the files its todo owns', async () => {
    const script = createDemoScript()
    for (const t of DEMO_PLAN) {
      const step = await script(request([user(workBrief(t, [], []))]))
      expect(calls(step).map((c) => (c.args as { filePath: string }).filePath)).toEqual(
        t.files.map((f) => `/proj/${f}`),
      )
    }
    const plan = await script(request([user(planBrief('demo', Object.keys(DEMO_FILES)))]))
    expect(calls(plan)[0]?.args).toEqual({ todos: DEMO_PLAN, title: 'Farewell and name formatter' })
  })
})
