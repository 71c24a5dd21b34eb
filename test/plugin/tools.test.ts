import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Hooks } from '@opencode-ai/plugin'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { writeOwnership } from '../../src/plugin/ownership'
import { before, loadPlugin, toolContext } from './helpers'

let dir: string
let hooks: Hooks
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'orch-tools-'))
  hooks = await loadPlugin(dir)
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

const todo = (id: string, dependsOn: string[] = []) => ({
  id,
  title: `Do ${id}`,
  description: `All of ${id}`,
  files: [`src/${id}.ts`],
  dependsOn,
  acceptance: [`${id} works`],
})

async function call(name: string, args: unknown, session = 'ses_w'): Promise<string> {
  const tool = hooks.tool?.[name]
  if (!tool) throw new Error(`no tool ${name}`)
  const result = await tool.execute(args as never, toolContext(session, dir))
  return typeof result === 'string' ? result : result.output
}
const failure = (name: string, args: unknown, session?: string) =>
  call(name, args, session).then(
    () => 'no error',
    (err: Error) => err.message,
  )

describe('mission tools', () => {
  it('registers exactly the three protocol tools with zod argument shapes', () => {
    expect(Object.keys(hooks.tool ?? {})).toEqual([
      'orchestrator_plan',
      'orchestrator_report',
      'orchestrator_verdict',
    ])
    expect(Object.keys(hooks.tool?.orchestrator_plan?.args ?? {})).toEqual(['todos', 'title', 'cannotPlan'])
    expect(Object.keys(hooks.tool?.orchestrator_report?.args ?? {})).toEqual([
      'todoId',
      'status',
      'summary',
      'filesChanged',
    ])
    expect(Object.keys(hooks.tool?.orchestrator_verdict?.args ?? {})).toEqual([
      'todoId',
      'verdict',
      'findings',
    ])
  })

  it('acknowledges a valid plan briefly', async () => {
    expect(await call('orchestrator_plan', { todos: [todo('a'), todo('b', ['a'])] })).toBe(
      'Plan accepted: 2 todos (a, b).',
    )
  })

  it('takes a reason not to plan, without todos, and refuses one given with todos or empty', async () => {
    expect(await call('orchestrator_plan', { todos: [], cannotPlan: 'the failure is in node_modules' })).toBe(
      'Recorded: no plan. The mission ends with your reason.',
    )
    expect(await failure('orchestrator_plan', { todos: [todo('a')], cannotPlan: 'no' })).toContain(
      '- give either todos or "cannotPlan" (with "todos": []), not both',
    )
    expect(await failure('orchestrator_plan', { todos: [], cannotPlan: ' ' })).toContain(
      '- "cannotPlan" must be a non-empty string',
    )
  })

  it('names duplicate ids, unknown and cyclic dependencies, and an empty plan', async () => {
    expect(await failure('orchestrator_plan', { todos: [todo('a'), todo('a')] })).toBe(
      'orchestrator_plan: invalid arguments:\n- duplicate todo id "a"\nFix these and call orchestrator_plan again.',
    )
    expect(await failure('orchestrator_plan', { todos: [todo('a', ['ghost'])] })).toContain(
      '- todo "a" depends on unknown todo "ghost"',
    )
    expect(await failure('orchestrator_plan', { todos: [todo('a', ['b']), todo('b', ['a'])] })).toContain(
      '- dependency cycle: a -> b -> a',
    )
    expect(await failure('orchestrator_plan', { todos: [] })).toContain(
      '- the plan is empty: give at least one todo',
    )
  })

  it('requires only the protocol’s own fields and names a missing one', async () => {
    const { title: _t, ...noTitle } = todo('a')
    expect(await failure('orchestrator_plan', { todos: [noTitle] })).toContain(
      '- todos[0]: "title" must be a non-empty string',
    )
    expect(await failure('orchestrator_plan', { todos: [{ title: 'x' }] })).toContain(
      '- todos[0]: "id" must be a non-empty string',
    )
    expect(await failure('orchestrator_plan', { todos: [{ ...todo('a'), files: 'a.ts' }] })).toContain(
      '- todos[0]: "files" must be an array of strings',
    )
    expect(await failure('orchestrator_verdict', { todoId: 'a', verdict: 'maybe', findings: [] })).toContain(
      '- verdict: "verdict" must be pass or fail',
    )
  })

  it('accepts calls without the optional fields, and with keys it does not know', async () => {
    expect(await call('orchestrator_plan', { todos: [{ id: 'a', title: 'Do a' }] })).toBe(
      'Plan accepted: 1 todo (a).',
    )
    expect(
      await call('orchestrator_plan', {
        todos: [
          { ...todo('a'), priority: 'high', estimate: 3 },
          { id: 'b', title: 'B', dependsOn: ['a'] },
        ],
        rationale: 'two steps',
      }),
    ).toBe('Plan accepted: 2 todos (a, b).')
    expect(await call('orchestrator_report', { todoId: 'a', status: 'done', summary: 'ok', mood: 1 })).toBe(
      'Report recorded: a done.',
    )
    expect(await call('orchestrator_verdict', { todoId: 'a', verdict: 'pass' })).toBe(
      'Verdict recorded: a pass.',
    )
  })

  it('refuses a todo id with spaces, naming the slug to use', async () => {
    const error = await failure('orchestrator_plan', {
      todos: [todo('api auth'), todo('ui', ['api auth'])],
    })
    expect(error).toContain(
      '- todos[0]: id "api auth" must be a slug (letters, digits, ".", "_", "-"; no spaces): use "api-auth", and the same in dependsOn',
    )
    expect(error).not.toContain('todos[1]: id')
    expect(await call('orchestrator_plan', { todos: [todo('api-auth'), todo('ui', ['api-auth'])] })).toBe(
      'Plan accepted: 2 todos (api-auth, ui).',
    )
  })

  it('refuses ids that name a member of every object (constructor, toString), naming another', async () => {
    const error = await failure('orchestrator_plan', {
      todos: [todo('constructor'), todo('toString', ['constructor'])],
    })
    expect(error).toContain(
      '- todos[0]: id "constructor" is reserved: use "constructor-todo", and the same in dependsOn',
    )
    expect(error).toContain('- todos[1]: id "toString" is reserved: use "toString-todo"')
  })

  it('records a 50 KB summary and says that only its head is kept', async () => {
    const summary = 'x'.repeat(50_000)
    expect(await call('orchestrator_report', { todoId: 'a', status: 'done', summary })).toBe(
      'Report recorded: a done. The summary was 50000 characters; its first 2000 are kept.',
    )
  })

  it('checks todo ids against the running mission when there is one', async () => {
    const report = { todoId: 'zz', status: 'done', summary: 'did it', filesChanged: [] }
    expect(await call('orchestrator_report', report)).toBe('Report recorded: zz done.')
    await writeOwnership(dir, {
      missionId: 'm1',
      todos: ['a', 'b'],
      sessions: { ses_w: { todoId: 'a', files: ['src/a.ts'] } },
    })
    expect(await failure('orchestrator_report', report)).toContain('- unknown todo id "zz"')
    expect(await failure('orchestrator_verdict', { todoId: 'zz', verdict: 'pass', findings: [] })).toContain(
      '- unknown todo id "zz"',
    )
    expect(await failure('orchestrator_report', { ...report, todoId: 'b' })).toContain(
      '- this session works on todo "a", not "b": report with todoId "a"',
    )
    expect(await call('orchestrator_report', { ...report, todoId: 'a' })).toBe('Report recorded: a done.')
    expect(
      await call('orchestrator_verdict', { todoId: 'b', verdict: 'fail', findings: ['x'] }, 'ses_r'),
    ).toBe('Verdict recorded: b fail.')
  })

  it('refuses a verdict about another todo than the one the session reviews', async () => {
    await writeOwnership(dir, { missionId: 'm1', todos: ['a', 'b'], sessions: {}, reviews: { ses_r: 'a' } })
    expect(await failure('orchestrator_verdict', { todoId: 'b', verdict: 'pass' }, 'ses_r')).toContain(
      '- this session reviews todo "a", not "b": give the verdict with todoId "a"',
    )
    expect(await call('orchestrator_verdict', { todoId: 'a', verdict: 'pass' }, 'ses_r')).toBe(
      'Verdict recorded: a pass.',
    )
  })

  it('rejects invalid mission calls in tool.execute.before, before OpenCode’s own schema check', async () => {
    expect(await before(hooks, 'orchestrator_plan', 'ses_p', { todos: 'nope' })).toBe(
      'orchestrator_plan: invalid arguments:\n- "todos" must be an array\nFix these and call orchestrator_plan again.',
    )
    expect(await before(hooks, 'orchestrator_plan', 'ses_p', { todos: [todo('a')] })).toBeUndefined()
    expect(await before(hooks, 'read', 'ses_p', { filePath: 'x' })).toBeUndefined()
  })
})
