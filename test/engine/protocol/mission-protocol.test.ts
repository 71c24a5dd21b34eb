import { describe, expect, it } from 'vitest'
import {
  checkPlan,
  checkReport,
  checkVerdict,
  suggestedId,
} from '../../../src/engine/protocol/mission-protocol'
import { parseModelRef } from '../../../src/engine/protocol/model-ref'

const t = (id: string, dependsOn: string[] = [], files: string[] = []) => ({
  id,
  title: id,
  dependsOn,
  files,
})
const errorsOf = (r: { ok: boolean; errors?: string[] }) => (r.ok ? [] : (r.errors ?? []))

describe('checkPlan', () => {
  it.each([
    ['not an object', 'plan', ['"todos" must be an array']],
    ['no todos', { todos: [] }, ['the plan is empty: give at least one todo']],
    ['a duplicate id', { todos: [t('a'), t('a')] }, ['duplicate todo id "a"']],
    ['an unknown dependency', { todos: [t('a', ['b'])] }, ['todo "a" depends on unknown todo "b"']],
    ['a dependency on itself', { todos: [t('a', ['a'])] }, ['todo "a" depends on itself']],
    ['a cycle', { todos: [t('a', ['b']), t('b', ['a'])] }, ['dependency cycle: a -> b -> a']],
    [
      'an id with spaces, with the slug to use',
      { todos: [t('Add tests')] },
      [
        'todos[0]: id "Add tests" must be a slug (letters, digits, ".", "_", "-"; no spaces): use "add-tests", and the same in dependsOn',
      ],
    ],
    [
      'a reserved id',
      { todos: [t('constructor')] },
      ['todos[0]: id "constructor" is reserved: use "constructor-todo", and the same in dependsOn'],
    ],
    [
      'an id that reads as a secret key (it would be redacted from every record)',
      { todos: [t('a'), t('sk-learn-pipeline-upgrade', ['a'])] },
      [
        'todos[1]: id "sk-learn-pipeline-upgrade" reads as a secret key and would be hidden from every record: use "sk_learn_pipeline_upgrade", and the same in dependsOn',
      ],
    ],
    [
      'files outside the workspace',
      { todos: [t('a', [], ['/etc/passwd', '../x', 'src/../../y'])] },
      [
        'todos[0]: file "/etc/passwd" must be relative to the workspace',
        'todos[0]: file "../x" must be relative to the workspace',
        'todos[0]: file "src/../../y" must be relative to the workspace',
      ],
    ],
    [
      'both todos and a reason not to plan',
      { todos: [t('a')], cannotPlan: 'no' },
      ['give either todos or "cannotPlan" (with "todos": []), not both'],
    ],
  ])('refuses %s', (_name, input, errors) => {
    expect(errorsOf(checkPlan(input))).toEqual(errors)
  })

  it('accepts a graph, dependencies on earlier plans, and a reason not to plan', () => {
    const plan = checkPlan(
      { todos: [t('a'), t('b', ['a', 'old'], ['src/b.ts'])] },
      { knownIds: new Set(['old']) },
    )
    expect(plan).toMatchObject({
      ok: true,
      value: { todos: [{ id: 'a' }, { id: 'b', dependsOn: ['a', 'old'] }] },
    })
    expect(checkPlan({ todos: [], cannotPlan: '  the repo is empty ' })).toEqual({
      ok: true,
      value: { todos: [], cannotPlan: 'the repo is empty' },
    })
  })

  it("keeps the planner's title of the mission on one line and short, and ignores one that is no text", () => {
    expect(checkPlan({ todos: [t('a')], title: '  Farewell\n  function ' })).toMatchObject({
      ok: true,
      value: { title: 'Farewell function' },
    })
    const long = checkPlan({ todos: [t('a')], title: 'word '.repeat(40) })
    expect(long.ok && long.value.title?.length).toBeLessThanOrEqual(80)
    for (const title of [42, '   ', null, ['a']]) {
      const plan = checkPlan({ todos: [t('a')], title })
      expect(plan.ok && plan.value).not.toHaveProperty('title')
    }
  })

  it('suggests a slug for any id', () => {
    expect(suggestedId('  Fix: the API!  ')).toBe('fix-the-api')
    expect(suggestedId('***')).toBe('todo-1')
  })
})

describe('checkReport and checkVerdict', () => {
  const known = new Set(['a'])
  it('refuse a wrong status, verdict or unknown todo, naming the field', () => {
    expect(errorsOf(checkReport({ todoId: 'z', status: 'ok', summary: 's' }, known))).toEqual([
      'report: "status" must be one of done, blocked, failed',
      'unknown todo id "z"',
    ])
    expect(errorsOf(checkVerdict({ todoId: 'a', verdict: 'maybe', findings: 'x' }, known))).toEqual([
      'verdict: "verdict" must be pass or fail',
      'verdict: "findings" must be an array of strings',
    ])
  })

  it('accept well-formed ones, with optional lists empty', () => {
    expect(checkReport({ todoId: 'a', status: 'done', summary: 's' }, known)).toEqual({
      ok: true,
      value: { todoId: 'a', status: 'done', summary: 's', filesChanged: [] },
    })
    expect(checkVerdict({ todoId: 'a', verdict: 'fail' }, known)).toEqual({
      ok: true,
      value: { todoId: 'a', verdict: 'fail', findings: [] },
    })
  })
})

describe('parseModelRef', () => {
  it.each([
    ['anthropic/claude-sonnet-4', { providerID: 'anthropic', modelID: 'claude-sonnet-4' }],
    ['openrouter/meta/llama-3', { providerID: 'openrouter', modelID: 'meta/llama-3' }],
    ['no-slash', undefined],
    ['a b/c', undefined],
    ['/model', undefined],
    [undefined, undefined],
  ])('%s', (spec, ref) => {
    expect(parseModelRef(spec)).toEqual(ref)
  })
})
