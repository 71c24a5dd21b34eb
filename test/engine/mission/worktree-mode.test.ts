import { describe, expect, it } from 'vitest'
import type { MissionOptions } from '../../../src/engine/mission-options'
import { parseEntries } from '../../../src/engine/record/journal'
import { fakeMission } from '../../fixtures/fake-mission'
import { flush } from '../../fixtures/fake-opencode'
import { FakeWorktrees } from '../../fixtures/fake-worktrees'
import { agentOn, planned, play, promptsTo, report, todo, verdict } from '../../fixtures/mission-play'

/** A mission in worktree mode on a git base, with the worktrees the test plays. */
function worktreeMission(options: Partial<MissionOptions> = {}, worktrees = new FakeWorktrees()) {
  const m = fakeMission(
    { isolation: 'worktree', check: 'npm test', ...options },
    undefined,
    undefined,
    worktrees,
  )
  Object.assign(m.workspace, { captureBase: async () => ({ kind: 'git', ref: 'tree0', untracked: [] }) })
  return { ...m, worktrees }
}

describe('a mission in worktree mode', () => {
  it('works each todo in its own folder, merges passes in dependency order, checks the merged work, and applies it', async () => {
    const { mission, oc, workspace, worktrees, store } = worktreeMission()
    worktrees.changed = [
      { path: 'a.ts', status: 'added', added: 4, removed: 0 },
      { path: 'b.ts', status: 'added', added: 3, removed: 1 },
    ]
    const { done } = await planned(mission, oc, [todo('a', ['a.ts']), todo('b', ['b.ts'], ['a'])])
    await play(mission, oc)
    const final = await done
    expect(final.phase, final.reason).toBe('completed')
    // b's folder is made only once a merged: it starts from a's work.
    // Folders for as many todos as may work at once (the default caps: 3) are made ahead; the plan
    // then lets one at a time work (b waits for a).
    expect(worktrees.calls).toEqual([
      'prepare tree0 ahead 3',
      'expect 1 at once',
      'open a',
      'commit a',
      'open a',
      'changedSince from-a',
      'merge a',
      'open b',
      'commit b',
      'open b',
      'changedSince from-b',
      'merge b',
      'apply a.ts,b.ts',
      'close',
    ])
    // Workers and reviewers are created in the todo's folder; the planner in the project's.
    const dirs = oc.created.map((c) => c.directory)
    expect(dirs.filter((d) => d === '/wt/todos/a')).toHaveLength(2)
    expect(dirs.filter((d) => d === '/wt/todos/b')).toHaveLength(2)
    const review = promptsTo(oc, agentOn(mission, 'reviewer', 'a'))[0] ?? ''
    expect(review).toContain('git diff orchestrator/m1/integration...HEAD')
    expect(review).toContain('orchestrator/m1/a')
    // The check ran on the integration branch, where only merged work is (the baseline on the base).
    expect(workspace.cwds.at(-1)).toBe('/wt/integration')
    expect(final.todos.map((t) => [t.id, t.branch, t.merge?.result])).toEqual([
      ['a', 'orchestrator/m1/a', 'merged'],
      ['b', 'orchestrator/m1/b', 'merged'],
    ])
    expect(final.isolation?.closed).toEqual({ applied: ['a.ts', 'b.ts'], skipped: [] })
    // The timeline shows the git work: a commit on each worker's lane, a merge on each reviewer's.
    const steps = (role: string) =>
      final.timeline
        .filter((l) => final.agents.find((a) => a.sessionId === l.sessionId)?.role === role)
        .map((l) => l.spans.filter((s) => s.name?.startsWith('git ')).map((s) => s.name))
    expect(steps('worker')).toEqual([['git commit'], ['git commit']])
    expect(steps('reviewer')).toEqual([['git merge'], ['git merge']])
    // History keeps each todo's branch and fate.
    const last = parseEntries(store.lines).entries.at(-1)
    if (last?.type !== 'mission.summary') throw new Error(`last entry is ${last?.type}`)
    expect(last.summary.worktrees).toEqual({
      todos: [
        { id: 'a', branch: 'orchestrator/m1/a', merge: 'merged' },
        { id: 'b', branch: 'orchestrator/m1/b', merge: 'merged' },
      ],
      applied: 2,
      skipped: [],
    })
    // And the lines the integration branch changed, for the missions list.
    expect(last.summary.lines).toEqual({ added: 7, removed: 1 })
  })

  it('has folders made ahead for as many workers as the caps let run at once', async () => {
    for (const [caps, ahead] of [
      [{ total: 5, perRole: { worker: 2 } }, 2],
      [{ total: 4 }, 4],
      [{ total: Infinity }, Infinity],
    ] as const) {
      const { mission, worktrees } = worktreeMission({ caps })
      void mission.run()
      await flush()
      expect(worktrees.calls[0]).toBe(`prepare tree0 ahead ${ahead}`)
      await mission.stop('enough')
    }
  })

  it("tells the worktrees how many of the plan's todos may work at once, within the caps", async () => {
    for (const [caps, plan, atOnce] of [
      // Five at the first level, the caps let two work.
      [{ total: 2 }, ['a', 'b', 'c', 'd', 'e'].map((id) => todo(id, [`${id}.ts`])), 2],
      // Two at the first level, the third waits for both.
      [{ total: 6 }, [todo('a', ['a.ts']), todo('b', ['b.ts']), todo('c', ['c.ts'], ['a', 'b'])], 2],
    ] as const) {
      const { mission, oc, worktrees } = worktreeMission({ caps })
      await planned(mission, oc, [...plan])
      expect(worktrees.calls.slice(0, 2)).toEqual([
        `prepare tree0 ahead ${caps.total}`,
        `expect ${atOnce} at once`,
      ])
      await mission.stop('enough')
    }
  })

  it('decides worktree mode on resume when the start was cut between its base and its isolation', async () => {
    const stuck = new FakeWorktrees()
    stuck.prepare = () => new Promise(() => {})
    const first = worktreeMission({ check: false }, stuck)
    void first.mission.run()
    await flush()
    first.mission.dispose()
    const types = (lines: string[]) => parseEntries(lines).entries.map((e) => e.type)
    expect(types(first.store.lines)).toContain('mission.base')
    expect(types(first.store.lines)).not.toContain('isolation')
    // The next instance, on the same journal: the integration branch at the journaled base, before any todo.
    const worktrees = new FakeWorktrees()
    const next = fakeMission({ isolation: 'worktree', check: false }, first.store, undefined, worktrees)
    const done = next.mission.run()
    await flush()
    expect(worktrees.calls[0]).toMatch(/^prepare tree0/)
    const planner = next.mission.state.agents.find((a) => a.role === 'planner')!.sessionId
    next.oc.turn(planner, 'orchestrator_plan', { todos: [todo('a', ['a.ts'])] })
    await flush()
    expect(worktrees.calls).toContain('open a')
    const after = types(next.store.lines)
    expect(after.indexOf('isolation')).toBeLessThan(after.indexOf('plan.accepted'))
    await next.mission.stop()
    await done
  })

  it('removes the worktrees made for a mission stopped while they were made', async () => {
    const worktrees = new FakeWorktrees()
    let made: () => void = () => {}
    const prepare = worktrees.prepare.bind(worktrees)
    worktrees.prepare = (tree, options) =>
      new Promise((resolve) => (made = () => resolve(prepare(tree, options))))
    const { mission, store } = worktreeMission({ check: false }, worktrees)
    const done = mission.run()
    await flush()
    await mission.stop()
    made()
    await done
    await flush()
    expect(worktrees.calls).toContain('close')
    const types = parseEntries(store.lines).entries.map((e) => e.type)
    expect(types).not.toContain('isolation')
  })

  it('sends a conflicting pass back to its worker with the files as findings, then merges the resolution', async () => {
    const worktrees = new FakeWorktrees()
    worktrees.mergeAnswers.a = [{ merged: false, conflicts: ['shared.ts'] }]
    worktrees.hunks = { 'shared.ts': '<<<<<<< HEAD\nmine\n=======\ntheirs\n>>>>>>> x' }
    const { mission, oc } = worktreeMission({}, worktrees)
    const { done } = await planned(mission, oc, [todo('a', ['a.ts'])])
    await play(mission, oc)
    const final = await done
    expect(final.phase, final.reason).toBe('completed')
    expect(worktrees.calls.filter((c) => /merge|refresh/.test(c))).toEqual([
      'merge a',
      'refresh a',
      'merge a',
    ])
    const a = final.todos[0]
    expect(a?.attempts).toBe(2)
    expect(a?.history[0]?.requeued).toBe('merge conflict in shared.ts: sent back to its worker')
    // The same worker (its folder holds the marked conflict) got the todo back, told where.
    const worker = agentOn(mission, 'worker', 'a')
    const briefs = promptsTo(oc, worker)
    expect(briefs).toHaveLength(2)
    expect(briefs[1]).toMatch(/merge conflict in shared\.ts: the integration branch changed it too/)
    expect(briefs[1]).toContain('<<<<<<< HEAD\nmine\n=======\ntheirs\n>>>>>>> x')
  })

  it('reviews a todo again when the integration branch changed its files since its base', async () => {
    const worktrees = new FakeWorktrees()
    worktrees.changedAnswers = [['a.ts']]
    const { mission, oc } = worktreeMission({}, worktrees)
    const { done } = await planned(mission, oc, [todo('a', ['a.ts'])])
    await play(mission, oc)
    const final = await done
    expect(final.phase, final.reason).toBe('completed')
    expect(worktrees.calls.filter((c) => /changedSince|merge|refresh/.test(c))).toEqual([
      'changedSince from-a',
      'refresh a',
      'changedSince from-a',
      'merge a',
    ])
    expect(final.todos[0]?.reviews.map((r) => r.verdict)).toEqual(['pass', 'pass'])
    expect(final.todos[0]?.attempts).toBe(1)
  })

  it('discards the worktree of a todo the policy cancels and of one the user cancels; the others merge', async () => {
    const { mission, oc, worktrees } = worktreeMission({ cancelAfterRejections: 1 })
    worktrees.changed = [{ path: 'a.ts', status: 'added' }]
    const { done } = await planned(mission, oc, [
      todo('a', ['a.ts']),
      todo('b', ['b.ts']),
      todo('c', ['c.ts']),
    ])
    await flush()
    expect(await mission.cancelTodo('c')).toBeUndefined()
    await play(mission, oc, { review: (id) => (id === 'b' ? 'fail' : 'pass') })
    const final = await done
    expect(final.phase).toBe('failed')
    expect(worktrees.calls).toContain('discard b')
    expect(worktrees.calls).toContain('discard c')

    expect(worktrees.calls).toContain('merge a')
    expect(worktrees.calls.some((c) => c === 'merge b' || c === 'merge c')).toBe(false)
    expect(final.todos.map((t) => [t.id, t.merge?.result])).toEqual([
      ['a', 'merged'],
      ['b', 'discarded'],
      ['c', 'discarded'],
    ])
    // A failed mission applies nothing; the merged work stays on the integration branch.
    expect(worktrees.calls.at(-1)).toBe('close keep')
  })

  it('leaves the result for the host to offer when asked to, and applies nothing itself', async () => {
    const { mission, oc, worktrees } = worktreeMission({ applyChanges: 'ask' })
    worktrees.changed = [{ path: 'a.ts', status: 'added' }]
    const { done } = await planned(mission, oc, [todo('a', ['a.ts'])])
    await play(mission, oc)
    const final = await done
    expect(final.phase).toBe('completed')
    expect(worktrees.calls.some((c) => c.startsWith('apply'))).toBe(false)
    expect(worktrees.calls.at(-1)).toBe('close keep')
    expect(final.isolation?.closed).toEqual({
      applied: [],
      skipped: [],
      keptBranch: 'orchestrator/m1/integration',
      pending: true,
    })
  })

  it('runs shared, and says why, in a folder git does not track', async () => {
    const worktrees = new FakeWorktrees()
    const m = fakeMission({ isolation: 'worktree' }, undefined, undefined, worktrees)
    Object.assign(m.workspace, {
      captureBase: async () => ({ kind: 'none', reason: 'not a git repository' }),
    })
    const { done } = await planned(m.mission, m.oc, [todo('a', ['a.ts'])])
    await play(m.mission, m.oc)
    const final = await done
    expect(final.phase).toBe('completed')
    expect(worktrees.calls).toEqual([])
    expect(m.oc.created.every((c) => c.directory === undefined)).toBe(true)
    expect(final.isolation).toEqual({
      mode: 'shared',
      reason:
        'worktree isolation is off: the folder is not in a git repository (not a git repository); the agents work in the shared folder',
    })
    expect(parseEntries(m.store.lines).entries.some((e) => e.type === 'isolation')).toBe(true)
  })

  it('removes the folder of a failed todo only once its reviewer stopped working there', async () => {
    const { mission, oc, worktrees } = worktreeMission({ cancelAfterRejections: 1 })
    const { done } = await planned(mission, oc, [todo('a', ['a.ts'])])
    oc.turn(agentOn(mission, 'worker', 'a'), 'orchestrator_report', report('a'))
    await flush()
    await flush()
    // The verdict is in, but the reviewer's turn has not ended: it still works in the folder.
    const reviewer = agentOn(mission, 'reviewer', 'a')
    oc.emit({
      type: 'part.tool',
      sessionId: reviewer,
      messageId: 'msg_v',
      callId: 'call_v',
      tool: 'orchestrator_verdict',
      status: 'completed',
      input: verdict('a', 'fail', ['wrong']),
    })
    for (let i = 0; i < 5; i++) await flush()
    expect(mission.state.todos[0]?.status).toBe('cancelled')
    expect(worktrees.calls).not.toContain('discard a')
    oc.emit({ type: 'session.idle', sessionId: reviewer })
    const final = await done
    expect(worktrees.calls).toContain('discard a')
    expect(final.todos[0]?.merge).toMatchObject({ result: 'discarded' })
  })

  it('tells the planner which merged todos a failing check points at', async () => {
    const { mission, oc, workspace } = worktreeMission()
    workspace.results = [{}, { exitCode: 1, output: 'FAIL b.ts: expected 2, got 3' }]
    const { done } = await planned(mission, oc, [todo('a', ['a.ts']), todo('b', ['b.ts'])])
    await play(mission, oc)
    for (let i = 0; i < 5; i++) await flush()
    const planner = mission.state.agents.find((a) => a.role === 'planner')?.sessionId ?? ''
    const replan = promptsTo(oc, planner).at(-1) ?? ''
    expect(replan).toContain('its output names files of these merged todos: b (b.ts).')
    await mission.stop('seen')
    await done
  })
})
