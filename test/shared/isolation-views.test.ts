import { describe, expect, it } from 'vitest'
import { missionDelta } from '../../src/shared/mission-delta'
import type { ChangesView } from '../../src/shared/protocol'
import { isolationView, todoWorktreeView } from '../../src/vscode/merge-state'
import { buildSnapshot, toMissionView } from '../../src/vscode/snapshot'
import { missionState, todoState } from '../fixtures/mission-state'

// Worktree isolation as the dashboard gets it: the mission's mode, each todo's branch and merge
// state, and the changes waiting at the end.

const changes: ChangesView = {
  branch: 'orchestrator/m/integration',
  target: { folder: 'p', branch: 'main' },
  files: [{ path: 'a.txt', status: 'added', todos: ['t1'] }],
  status: 'pending',
}

describe('the changes at the end, in the view', () => {
  it('go with the mission they belong to', () => {
    const snap = buildSnapshot(
      { status: 'ready' },
      missionState({ phase: 'completed' }),
      undefined,
      'p',
      changes,
    )
    expect(snap.mission?.changes).toEqual(changes)
    expect(toMissionView(missionState()).changes).toBeUndefined()
  })

  it('travel as a delta when the user acts on them', () => {
    const m = missionState({ phase: 'completed' })
    const before = toMissionView(m, 'p', changes)
    const after = toMissionView(m, 'p', { ...changes, status: 'applied' })
    expect(missionDelta(before, after)?.fields).toEqual({ changes: { ...changes, status: 'applied' } })
    expect(missionDelta(before, toMissionView(m, 'p'))?.fields).toEqual({ changes: null })
  })
})

describe("each todo's branch and merge state", () => {
  const merged = todoState('api', 'passed', {
    branch: 'orchestrator/m/api',
    merge: { result: 'merged', files: ['api.ts'], commit: 'c1' },
  })

  it('is not shown when the mission runs shared', () => {
    expect(todoWorktreeView(merged, [merged], false)).toBeUndefined()
  })

  it('says merged, with the branch and its files in the tooltip', () => {
    expect(todoWorktreeView(merged, [merged], true)).toEqual({
      branch: 'orchestrator/m/api',
      state: 'merged',
      words: 'merged',
      detail: 'orchestrator/m/api: merged into the integration branch (api.ts)',
    })
  })

  it('says a conflict went back to the worker, and a review came again', () => {
    const conflict = todoState('ui', 'running', {
      branch: 'orchestrator/m/ui',
      merge: { result: 'conflict', files: ['shared.ts'] },
    })
    expect(todoWorktreeView(conflict, [conflict], true)).toMatchObject({
      state: 'conflict',
      words: 'merge conflict: sent back',
      detail: 'orchestrator/m/ui: merge conflict in shared.ts: sent back to its worker',
    })
    const again = todoState('ui', 'reported', { merge: { result: 'rereview', files: ['shared.ts'] } })
    expect(todoWorktreeView(again, [again], true)).toMatchObject({
      state: 'rereview',
      words: 'reviewed again after a merge',
    })
  })

  it('says a todo the mission left unfinished never merged, not that it works on its branch', () => {
    const cut = todoState('ui', 'interrupted', { branch: 'orchestrator/m/ui' })
    expect(todoWorktreeView(cut, [cut], true)).toEqual({
      branch: 'orchestrator/m/ui',
      state: 'discarded',
      words: 'not merged: the mission ended',
      detail:
        'orchestrator/m/ui: the mission ended before its work was reviewed and merged; its folder and branch were removed.',
    })
  })

  it('says discarded for a todo that failed, but not for one working again on a new worktree', () => {
    const discarded = { result: 'discarded' as const, files: [], reason: 'failed review' }
    const failed = todoState('docs', 'failed', { merge: discarded })
    expect(todoWorktreeView(failed, [failed], true)).toMatchObject({
      state: 'discarded',
      detail: 'worktree discarded: failed review',
    })
    const retried = todoState('docs', 'running', { merge: discarded, branch: 'orchestrator/m/docs' })
    expect(todoWorktreeView(retried, [retried], true)).toMatchObject({
      state: 'working',
      words: 'on its own branch',
    })
  })

  it('says which dependencies a pending todo waits for to merge', () => {
    const running = todoState('ui', 'running', { branch: 'orchestrator/m/ui' })
    const docs = todoState('docs', 'pending', { dependsOn: ['api', 'ui'] })
    expect(todoWorktreeView(docs, [merged, running, docs], true)).toMatchObject({
      state: 'waiting',
      words: 'waits for ui to merge',
    })
    const free = todoState('docs', 'ready', { dependsOn: ['api'] })
    expect(todoWorktreeView(free, [merged, free], true)).toBeUndefined()
  })

  it('goes to the view with the mission’s isolation', () => {
    const m = missionState({
      todos: [merged],
      isolation: { mode: 'worktree', branch: 'orchestrator/m/integration', dir: '/w', baseCommit: 'b' },
    })
    const view = toMissionView(m)
    expect(view.isolation).toEqual({ mode: 'worktree', branch: 'orchestrator/m/integration' })
    expect(view.todos[0]?.worktree?.state).toBe('merged')
    const shared = missionState({ isolation: { mode: 'shared', reason: 'worktree isolation is off: x' } })
    expect(isolationView(shared)).toEqual({ mode: 'shared', reason: 'worktree isolation is off: x' })
    expect(toMissionView(missionState()).isolation).toBeUndefined()
  })
})
