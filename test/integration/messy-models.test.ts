// What real models do with the mission protocol, on the real OpenCode server and the scripted
// provider: a plan in Markdown, a plan with extra or missing fields and ids with spaces, reports about
// another todo or given twice beside an edit, a reviewer that tries to edit, a verdict about another
// todo, 50 KB answers, a session compacted while its todo is open, and a report called the wrong way
// over and over.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { missionScript, parseBrief } from '../../src/demo/mission-script'
import type { ChatRequest, Script, ScriptStep } from '../../src/demo/scripted-provider'
import type { MissionOptions } from '../../src/engine/mission-options'
import { todo, writes } from '../support/file-todos'
import { Sandbox } from '../support/sandbox'

let sandbox: Sandbox | undefined
afterEach(async () => {
  await sandbox?.dispose()
  sandbox = undefined
})

/** The answer the well-behaved scripted mission gives; `custom` answers first when it returns a step. */
function withBase(
  custom: (req: ChatRequest, base: Script) => ScriptStep | undefined | Promise<ScriptStep | undefined>,
  base: Script,
): Script {
  return async (req) => (req.kind === 'chat' ? await custom(req, base) : undefined) ?? base(req)
}
const latest = (req: ChatRequest) => parseBrief(req.lastUserText)
const isFresh = (req: ChatRequest) => req.messages.at(-1)?.role === 'user'
const dirOf = (req: ChatRequest) => /Working directory: (.+)/.exec(req.system)?.[1]?.trim() ?? ''
const tool = (name: string, args: unknown) => ({ name, args })

async function run(script: Script, options: Partial<MissionOptions> = {}) {
  sandbox = await Sandbox.create({ script })
  const sup = await sandbox.supervise()
  const mission = sandbox.mission(
    { sessions: sup, events: sup },
    { goal: 'Write files', caps: { total: 2 }, ...options },
  )
  return { sup, mission, provider: sandbox.provider, projectDir: sandbox.projectDir }
}
const journal = () =>
  readFileSync(join(sandbox!.root, 'journal.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>)

describe('messy models against the real OpenCode server', () => {
  it('asks again when the planner answers with a Markdown plan, and takes the tool call that follows', async () => {
    const base = missionScript({ plan: () => [todo('a')], work: writes })
    const { mission, provider } = await run(
      withBase((req) => {
        if (latest(req).kind === 'plan' && req.lastUserText.startsWith('Mission goal:'))
          return { text: '## Plan\n\n1. **a** — write a.txt\n2. **b** — write b.txt' }
        return undefined
      }, base),
    )
    const final = await mission.run()
    expect(final.phase, final.reason).toBe('completed')
    const retry = provider.chatRequests.find((r) => r.lastUserText.startsWith('Your plan was not accepted.'))
    expect(retry?.lastUserText).toContain('no orchestrator_plan tool call was made')
    expect(final.todos.map((t) => [t.id, t.status])).toEqual([['a', 'passed']])
  })

  it('refuses a plan id with spaces by a tool error naming the slug; defaults and unknown keys pass', async () => {
    const base = missionScript({ work: writes })
    const { mission, provider } = await run(
      withBase((req) => {
        if (latest(req).kind !== 'plan') return undefined
        const results = req.toolResults.join('\n')
        if (isFresh(req))
          return {
            toolCalls: [
              tool('orchestrator_plan', {
                todos: [
                  { id: 'api auth', title: 'Auth', files: ['api.txt'] },
                  { id: 'ui', title: 'UI', dependsOn: ['api auth'] },
                ],
              }),
            ],
          }
        if (results.includes('invalid arguments'))
          return {
            toolCalls: [
              tool('orchestrator_plan', {
                rationale: 'auth first',
                todos: [
                  { id: 'api-auth', title: 'Auth', files: ['api.txt'], priority: 'high' },
                  { id: 'ui', title: 'UI', dependsOn: ['api-auth'], estimate: 2 },
                ],
              }),
            ],
          }
        return { text: 'Plan submitted.' }
      }, base),
    )
    const final = await mission.run()
    expect(final.phase, final.reason).toBe('completed')
    const refused = provider.chatRequests.find((r) =>
      r.toolResults.some((t) => t.includes('invalid arguments')),
    )
    expect(refused?.toolResults.join('\n')).toContain('id "api auth" must be a slug')
    expect(refused?.toolResults.join('\n')).toContain('use "api-auth"')
    expect(final.todos.map((t) => [t.id, t.status])).toEqual([
      ['api-auth', 'passed'],
      ['ui', 'passed'],
    ])
    const accepted = journal().filter((e) => e.type === 'plan.accepted')
    expect(accepted).toHaveLength(1)
    expect(accepted[0]?.todos).toEqual([
      { id: 'api-auth', title: 'Auth', description: '', files: ['api.txt'], dependsOn: [], acceptance: [] },
      { id: 'ui', title: 'UI', description: '', files: [], dependsOn: ['api-auth'], acceptance: [] },
    ])
    const uiBrief = provider.chatRequests.find((r) => r.lastUserText.startsWith('todoId: ui'))?.lastUserText
    expect(uiBrief).toContain('- api-auth: ')
  })

  it('refuses a report about another todo, counts the first of two reports, and lands the edit made beside it', async () => {
    const base = missionScript({ plan: () => [todo('a'), todo('b')], work: writes })
    const { mission, provider, projectDir } = await run(
      withBase((req) => {
        const brief = latest(req)
        if (brief.kind !== 'work' || brief.todoId !== 'a') return undefined
        const results = req.toolResults.join('\n')
        if (isFresh(req))
          return {
            toolCalls: [
              tool('write', { filePath: `${dirOf(req)}/a.txt`, content: 'a\n' }),
              tool('orchestrator_report', {
                todoId: 'b',
                status: 'done',
                summary: 'did b',
                filesChanged: [],
              }),
            ],
          }
        if (results.includes('this session works on todo "a"'))
          return {
            toolCalls: [
              tool('orchestrator_report', {
                todoId: 'a',
                status: 'done',
                summary: 'first',
                filesChanged: ['a.txt'],
              }),
              tool('orchestrator_report', {
                todoId: 'a',
                status: 'done',
                summary: 'second',
                filesChanged: ['a.txt'],
              }),
            ],
          }
        return { text: 'Reported a.' }
      }, base),
    )
    const final = await mission.run()
    expect(final.phase, final.reason).toBe('completed')
    expect(readFileSync(join(projectDir, 'a.txt'), 'utf8')).toBe('a\n')
    const refused = provider.chatRequests.find((r) =>
      r.toolResults.some((t) => t.includes('works on todo "a"')),
    )
    expect(refused?.toolResults.join('\n')).toContain('report with todoId "a"')
    const reports = journal().filter((e) => e.type === 'todo.reported')
    // OpenCode runs the two calls of one step in parallel, so either may complete first: the first to
    // complete counts, and the other is not counted again.
    const ofA = reports.filter((e) => e.todoId === 'a').map((e) => e.summary)
    expect(ofA).toHaveLength(1)
    expect(['first', 'second']).toContain(ofA[0])
    expect(reports.filter((e) => e.todoId === 'b').map((e) => e.summary)).toEqual(['wrote b.txt'])
    const reviewsOfA = provider.chatRequests.filter((r) => r.lastUserText.startsWith('Review todoId: a'))
    expect(reviewsOfA.filter(isFresh)).toHaveLength(1)
    expect(final.todos.map((t) => [t.id, t.status, t.attempts])).toEqual([
      ['a', 'passed', 1],
      ['b', 'passed', 1],
    ])
  })

  it('a reviewer that tries to edit is refused by its permissions, and its verdict then counts', async () => {
    const base = missionScript({ plan: () => [todo('a')], work: writes })
    const { mission, provider, projectDir } = await run(
      withBase((req) => {
        if (latest(req).kind !== 'review') return undefined
        if (isFresh(req))
          return {
            toolCalls: [tool('write', { filePath: `${dirOf(req)}/a.txt`, content: 'reviewer was here\n' })],
          }
        if (!req.toolResults.some((t) => t.startsWith('Verdict recorded')))
          return { toolCalls: [tool('orchestrator_verdict', { todoId: 'a', verdict: 'pass', findings: [] })] }
        return { text: 'Passed.' }
      }, base),
    )
    const final = await mission.run()
    expect(final.phase, final.reason).toBe('completed')
    expect(readFileSync(join(projectDir, 'a.txt'), 'utf8')).toBe('a\n')
    const afterEdit = provider.chatRequests.find(
      (r) => latest(r).kind === 'review' && !isFresh(r) && r.toolResults.length > 0,
    )
    expect(afterEdit?.toolResults.join('\n')).toMatch(/denied|not allowed|permission|unavailable|invalid/i)
    expect(final.todos[0]).toMatchObject({ id: 'a', status: 'passed', attempts: 1 })
  })

  it('refuses a verdict about another todo; the reviewer’s own todo still gets its verdict', async () => {
    const base = missionScript({ plan: () => [todo('a'), todo('b', ['a'])], work: writes })
    const { mission, provider } = await run(
      withBase((req) => {
        const brief = latest(req)
        if (brief.kind !== 'review' || brief.todoId !== 'a') return undefined
        if (isFresh(req))
          return { toolCalls: [tool('orchestrator_verdict', { todoId: 'b', verdict: 'pass', findings: [] })] }
        if (req.toolResults.some((t) => t.includes('this session reviews todo "a"')))
          return { toolCalls: [tool('orchestrator_verdict', { todoId: 'a', verdict: 'pass', findings: [] })] }
        return { text: 'Done.' }
      }, base),
    )
    const final = await mission.run()
    expect(final.phase, final.reason).toBe('completed')
    const refused = provider.chatRequests.find((r) =>
      r.toolResults.some((t) => t.includes('reviews todo "a"')),
    )
    expect(refused?.toolResults.join('\n')).toContain('give the verdict with todoId "a"')
    const verdicts = journal().filter((e) => e.type === 'todo.verdict')
    expect(verdicts.map((e) => e.todoId)).toEqual(['a', 'b'])
    expect(final.todos.map((t) => [t.id, t.status])).toEqual([
      ['a', 'passed'],
      ['b', 'passed'],
    ])
  })

  it('survives a 50 KB answer and a 50 KB summary, keeping bounded excerpts', async () => {
    const huge = `${'word '.repeat(10_000)}END`
    const base = missionScript({
      plan: () => [todo('a'), todo('b', ['a'])],
      work: (id) => (id === 'a' ? { ...writes('a'), summary: huge } : writes(id)),
    })
    const { mission, provider, sup } = await run(
      withBase(async (req, b) => {
        const brief = latest(req)
        if (brief.kind !== 'work' || brief.todoId !== 'a') return undefined
        const step = await b(req)
        return 'toolCalls' in step && step.toolCalls.some((c) => c.name === 'orchestrator_report')
          ? { ...step, text: huge }
          : step
      }, base),
    )
    const final = await mission.run()
    expect(final.phase, final.reason).toBe('completed')
    // The tool's answer says so (the engine ends the turn, so no model call carries it: read it back).
    const workerA = final.agents.find((a) => a.role === 'worker' && a.todoId === 'a')!.sessionId
    const { data: messages } = await sup.client.session.messages({ sessionID: workerA })
    const outputs = (messages ?? []).flatMap((m) =>
      m.parts.flatMap((p) =>
        p.type === 'tool' && p.tool === 'orchestrator_report' && p.state.status === 'completed'
          ? [p.state.output]
          : [],
      ),
    )
    expect(outputs.join('\n')).toContain('its first 2000 are kept')
    const reported = journal().find((e) => e.type === 'todo.reported' && e.todoId === 'a')
    expect(String(reported?.summary).length).toBeLessThanOrEqual(2_000)
    expect(String(reported?.summary)).toContain('[cut: 50003 characters, 2000 kept]')
    const bBrief =
      provider.chatRequests.find((r) => r.lastUserText.startsWith('todoId: b'))?.lastUserText ?? ''
    expect(bBrief).toContain('- a: word word')
    expect(bBrief.length).toBeLessThan(3_000)
    const review = provider.chatRequests.find((r) =>
      r.lastUserText.startsWith('Review todoId: a'),
    )?.lastUserText
    expect(review?.length).toBeLessThan(3_000)
    expect(final.todos.every((t) => (t.summary?.length ?? 0) <= 2_000)).toBe(true)
    expect(final.agents.every((a) => (a.text?.length ?? 0) <= 2_000)).toBe(true)
    expect(readFileSync(join(sandbox!.root, 'journal.jsonl'), 'utf8')).not.toContain('END')
  })

  it('re-sends the brief to a worker whose session was compacted before it reported; the todo completes', async () => {
    let release!: () => void
    const gate = new Promise<void>((r) => (release = r))
    let firstWork = true
    const base = missionScript({ plan: () => [todo('a')], work: writes })
    const { mission, provider, sup } = await run(
      withBase(async (req) => {
        const brief = latest(req)
        if (brief.kind === 'work' && firstWork) {
          firstWork = false
          await gate
          return { text: 'I read the project; next I will write a.txt.' }
        }
        // After the compaction the model sees only the summary: a bare nudge tells it nothing.
        if (brief.kind === 'nudge') return { text: 'Which todo? I have no brief.' }
        return undefined
      }, base),
    )
    const done = mission.run()
    await provider.waitFor((r) => r.lastUserText.startsWith('todoId: a'))
    const worker = mission.state.agents.find((a) => a.role === 'worker')!.sessionId
    const summarized = sup.client.session.summarize({
      sessionID: worker,
      providerID: 'scripted',
      modelID: 'scripted-model',
    })
    // Release the worker's answer once the compaction request is stored behind it.
    for (let i = 0; i < 200; i++) {
      const { data } = await sup.client.session.messages({ sessionID: worker })
      if (data?.some((m) => m.parts.some((p) => p.type === 'compaction'))) break
      await new Promise((r) => setTimeout(r, 25))
    }
    release()
    await summarized
    const final = await done
    expect(final.phase, final.reason).toBe('completed')
    const workerCalls = provider.chatRequests.filter(
      (r) => r.lastUserText.startsWith('todoId: a') && isFresh(r),
    )
    expect(workerCalls.length).toBeGreaterThanOrEqual(2) // the brief, then the brief again
    expect(provider.requests.some((r) => r.kind === 'summary')).toBe(true)
    expect(provider.chatRequests.filter((r) => latest(r).kind === 'nudge')).toEqual([])
    expect(final.todos[0]).toMatchObject({ id: 'a', status: 'passed', attempts: 1 })
    expect(
      sandbox!.log.lines.some((l) => l.includes('compacted before its result: sending its brief again')),
    ).toBe(true)
  })
  it('a worker that calls its report the wrong way forever fails its todo in bounded time; the other passes', async () => {
    const base = missionScript({ plan: () => [todo('a'), todo('b')], work: writes })
    // a's worker answers every brief, nudge and tool error with the same invalid report: OpenCode
    // would keep that turn going forever.
    const { mission, sup } = await run(
      withBase((req) => {
        const brief = latest(req)
        if ((brief.kind !== 'work' && brief.kind !== 'nudge') || brief.todoId !== 'a') return undefined
        return {
          toolCalls: [
            tool('orchestrator_report', {
              todoId: 'a',
              status: 'complete',
              summary: 'done',
              filesChanged: [],
            }),
          ],
        }
      }, base),
      { check: false, budgets: { maxIterations: 1 } },
    )
    const started = Date.now()
    const final = await mission.run()
    expect(Date.now() - started).toBeLessThan(60_000)
    expect(final.phase).toBe('failed')
    expect(final.todos.map((t) => [t.id, t.status])).toEqual([
      ['a', 'failed'],
      ['b', 'passed'],
    ])
    expect(final.todos[0]?.reason).toBe(
      'no report: 3 tool calls refused in one turn, the last: orchestrator_report: report: "status" must be one of done, blocked, failed (2 attempts)',
    )
    expect(await sup.statuses()).toEqual({})
  })
})
