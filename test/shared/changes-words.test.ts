import { describe, expect, it } from 'vitest'
import { applyLabel, leftFiles, outcomeWords, remaining, targetName } from '../../src/shared/changes-words'
import type { ChangedFileView, ChangesView } from '../../src/shared/protocol'
import { changedFiles, changesByTodo, changesToast, reviewRows } from '../../src/vscode/changes-words'
import { missionState, todoState } from '../fixtures/mission-state'

const file = (path: string, patch: Partial<ChangedFileView> = {}): ChangedFileView => ({
  path,
  status: 'modified',
  todos: [],
  ...patch,
})

const view = (patch: Partial<ChangesView> = {}): ChangesView => ({
  branch: 'orchestrator/m1/integration',
  target: { folder: 'my-project', branch: 'main' },
  files: [file('a.txt'), file('b.txt'), file('c.txt')],
  status: 'pending',
  ...patch,
})

describe('the target every Apply names', () => {
  it('is the folder and the branch checked out there', () => {
    expect(applyLabel({ folder: 'my-project', branch: 'main' })).toBe('Apply to my-project (main)')
    expect(targetName({ folder: 'my-project', branch: 'feature/x' })).toBe('my-project (feature/x)')
  })

  it('is the folder alone when no branch is checked out (a detached HEAD)', () => {
    expect(applyLabel({ folder: 'my-project' })).toBe('Apply to my-project')
  })
})

describe('where the changes stand', () => {
  it('says what waits, on which branch, for which folder', () => {
    expect(outcomeWords(view())).toBe(
      '3 files changed on orchestrator/m1/integration, not yet in my-project (main).',
    )
    const oneDone = view({ files: [file('a.txt', { fate: 'applied' }), file('b.txt'), file('c.txt')] })
    expect(remaining(oneDone).map((f) => f.path)).toEqual(['b.txt', 'c.txt'])
    expect(outcomeWords(oneDone)).toBe(
      '2 files of 3 on orchestrator/m1/integration still to apply to my-project (main).',
    )
  })

  it('names the files Apply left and the branch that keeps them', () => {
    const partial = view({
      status: 'partial',
      files: [
        file('a.txt', { fate: 'applied' }),
        file('b.txt', { fate: 'skipped' }),
        file('c.txt', { fate: 'applied' }),
      ],
    })
    expect(leftFiles(partial)).toEqual(['b.txt'])
    expect(outcomeWords(partial)).toBe(
      "Applied 2 files to my-project (main). Left 1 file you changed since the mission started (b.txt): orchestrator/m1/integration keeps the mission's version to merge.",
    )
  })

  it('says how to merge a kept branch, and what a discard removed', () => {
    expect(outcomeWords(view({ status: 'kept' }))).toBe(
      'Branch orchestrator/m1/integration kept: git merge orchestrator/m1/integration brings it in (commit or stash your own changes first).',
    )
    expect(outcomeWords(view({ status: 'discarded' }))).toBe(
      'Discarded: orchestrator/m1/integration is removed; my-project (main) is as it was.',
    )
    expect(
      outcomeWords(view({ status: 'discarded', files: [file('a.txt', { fate: 'applied' }), file('b.txt')] })),
    ).toBe('Discarded the rest: orchestrator/m1/integration is removed (the 1 file applied before stay).')
    expect(outcomeWords(view({ status: 'applied', files: [file('a.txt', { fate: 'applied' })] }))).toBe(
      'Applied 1 file to my-project (main); orchestrator/m1/integration is removed.',
    )
  })
})

describe('the changes by todo', () => {
  const todos = [
    todoState('api', 'passed', {
      title: 'Add the API',
      merge: { result: 'merged', files: ['api.ts', 'shared.ts'] },
    }),
    todoState('ui', 'passed', {
      title: 'Add the UI',
      merge: { result: 'merged', files: ['ui.ts', 'shared.ts'] },
    }),
    // Its work never reached the branch: its files are not its changes.
    todoState('docs', 'failed', {
      title: 'Write docs',
      merge: { result: 'discarded', files: [], reason: 'failed review' },
      filesChanged: ['README.md'],
    }),
    todoState('conflicted', 'failed', { merge: { result: 'conflict', files: ['ui.ts'] } }),
  ]
  const files = changedFiles(todos, [
    { path: 'api.ts', status: 'added' },
    { path: 'shared.ts', status: 'modified' },
    { path: 'ui.ts', status: 'added' },
    { path: 'README.md', status: 'modified' },
  ])

  it('names each file after the merged todos whose work holds it', () => {
    expect(files).toEqual([
      { path: 'api.ts', status: 'added', todos: ['api'] },
      { path: 'shared.ts', status: 'modified', todos: ['api', 'ui'] },
      { path: 'ui.ts', status: 'added', todos: ['ui'] },
      { path: 'README.md', status: 'modified', todos: [] },
    ])
  })

  it('groups them in plan order, a shared file under each todo, the rest last', () => {
    expect(changesByTodo(todos, files).map((g) => [g.todoId, g.title, g.files.map((f) => f.path)])).toEqual([
      ['api', 'Add the API', ['api.ts', 'shared.ts']],
      ['ui', 'Add the UI', ['shared.ts', 'ui.ts']],
      [undefined, 'Other changes', ['README.md']],
    ])
  })
})

describe('the toast that offers the changes', () => {
  it('says how the mission ended, then what it changed and where', () => {
    const done = missionState({
      phase: 'completed',
      goal: 'Add a farewell.',
      check: { command: 'npm test', source: 'setting' },
    })
    expect(changesToast(done, view())).toEqual({
      level: 'info',
      text: 'Mission completed: Add a farewell. It changed 3 files on orchestrator/m1/integration, not yet in my-project (main).',
    })
    const failed = missionState({ phase: 'failed', reason: 'the check failed' })
    expect(changesToast(failed, view({ files: [file('a.txt')] }))).toEqual({
      level: 'error',
      text: 'Mission failed: the check failed. It changed 1 file on orchestrator/m1/integration, not yet in my-project (main).',
    })
  })
})

describe('the review, by todo and by file', () => {
  const todos = [todoState('api', 'passed', { title: 'Add the API' })]
  const files: ChangedFileView[] = [
    file('api.ts', { todos: ['api'], status: 'added' }),
    file('shared.ts', { todos: ['api'], fate: 'applied' }),
    file('mine.ts', { todos: ['api'], fate: 'skipped' }),
    file('fix.ts'),
  ]

  it('heads each todo, and gives each file its status and a button naming the target', () => {
    expect(reviewRows(todos, view({ files }))).toEqual([
      { kind: 'todo', label: 'api: Add the API' },
      {
        kind: 'file',
        path: 'api.ts',
        label: 'api.ts',
        description: 'added',
        button: { action: 'apply', tooltip: 'Apply api.ts to my-project (main)' },
      },
      { kind: 'file', path: 'shared.ts', label: 'shared.ts', description: 'modified · applied' },
      {
        kind: 'file',
        path: 'mine.ts',
        label: 'mine.ts',
        description: 'modified · left: you changed it since the start',
        button: { action: 'merge', tooltip: "Merge mine.ts: yours against the mission's version" },
      },
      { kind: 'todo', label: 'Other changes' },
      {
        kind: 'file',
        path: 'fix.ts',
        label: 'fix.ts',
        description: 'modified',
        button: { action: 'apply', tooltip: 'Apply fix.ts to my-project (main)' },
      },
    ])
  })

  it('offers no apply once the branch is kept or gone', () => {
    for (const status of ['kept', 'discarded', 'applied'] as const)
      expect(
        reviewRows(todos, view({ status, files })).filter(
          (r) => r.kind === 'file' && r.button?.action === 'apply',
        ),
      ).toEqual([])
  })
})
