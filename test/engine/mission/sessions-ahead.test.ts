import { describe, expect, it } from 'vitest'
import type { MissionOptions } from '../../../src/engine/mission-options'
import { parseEntries } from '../../../src/engine/record/journal'
import { replay } from '../../../src/engine/record/replay'
import { fakeMission } from '../../fixtures/fake-mission'
import { flush } from '../../fixtures/fake-opencode'
import { FakeWorktrees } from '../../fixtures/fake-worktrees'
import { MemoryStore } from '../../fixtures/memory-journal'
import { agentOn, planned, play, sessionsOf, todo } from '../../fixtures/mission-play'

const AHEAD = 'Agent: Build the thing'

/**
 * A mission on a server that can delete sessions (so the mission makes some ahead), whose agents'
 * turns say when their step began (sessions are made ahead only while no prompt is being prepared).
 */
function aheadMission(options: Partial<MissionOptions> = {}, store = new MemoryStore()) {
  const m = fakeMission(options, store)
  m.oc.removable().announceSteps = true
  return m
}

/** The planner's prompt is out and its step began: the server waits on the model. */
async function plannerThinks(m: ReturnType<typeof aheadMission>) {
  await flush()
  m.oc.stepBegun(sessionsOf(m.mission, 'planner')[0]!)
  await flush()
}

const entriesOf = (store: MemoryStore) => parseEntries(store.lines).entries

/** Ids of the sessions the fake made ahead, in order (it numbers them as it makes them). */
const madeAhead = (m: ReturnType<typeof aheadMission>) =>
  entriesOf(m.store).flatMap((e) => (e.type === 'session.spare' ? [e.sessionId] : []))

describe('sessions made ahead (shared folder)', () => {
  it("makes the workers' sessions while the planner plans: the dispatch after the plan only prompts them", async () => {
    const m = aheadMission({ caps: { total: 3 } })
    const done = m.mission.run()
    await flush()
    // None while the planner's prompt is being prepared (that is the planner's own critical path).
    expect(m.oc.created).toHaveLength(2)
    await plannerThinks(m)
    // The root, the planner, then as many sessions as may run at once, under the root, not yet anyone's.
    expect(m.oc.created.map((c) => c.title)).toEqual([
      'Build the thing',
      'Planner: Build the thing',
      AHEAD,
      AHEAD,
      AHEAD,
    ])
    expect(m.oc.created.slice(2).every((c) => c.parentId === 'ses_1')).toBe(true)
    const ahead = madeAhead(m)
    expect(ahead).toHaveLength(3)
    // No agent on the roster and no session record for them yet.
    expect(m.mission.state.agents.map((a) => a.sessionId)).not.toContain(ahead[0])
    const before = m.oc.created.length
    m.oc.turn(sessionsOf(m.mission, 'planner')[0]!, 'orchestrator_plan', {
      todos: [todo('a', ['a.ts']), todo('b', ['b.ts'])],
    })
    await flush()
    // Both workers run in sessions made before the plan came: no session was created for them.
    const workers = [agentOn(m.mission, 'worker', 'a'), agentOn(m.mission, 'worker', 'b')]
    expect(workers).toEqual(ahead.slice(0, 2))
    expect(m.oc.prompts.filter((p) => workers.includes(p.sessionId))).toHaveLength(2)
    // Each named for its agent as it is handed out.
    expect(m.oc.retitled).toEqual([
      { sessionId: workers[0], title: 'Worker: do a' },
      { sessionId: workers[1], title: 'Worker: do b' },
    ])
    // What was created since the plan is for the reviews to come (made after the prompts went out).
    expect(m.oc.created.slice(before).every((c) => c.title === AHEAD)).toBe(true)
    await play(m.mission, m.oc)
    const final = await done
    expect(final.phase).toBe('completed')
    // The reviewers took sessions made ahead too.
    const reviewers = sessionsOf(m.mission, 'reviewer')
    expect(reviewers.every((id) => madeAhead(m).includes(id))).toBe(true)
    // As many were made as the starts needed: each one got an agent, none was made in vain.
    const agents = new Set(m.mission.state.agents.map((a) => a.sessionId))
    expect(madeAhead(m).filter((id) => !agents.has(id))).toEqual([])
    expect(m.oc.removed).toEqual([])
    const snap = replay(entriesOf(m.store))
    expect(snap.spareSessions).toBeUndefined()
    // A replayed mission holds the agents that ran, and no session that never got work.
    expect(Object.keys(snap.sessions).sort()).toEqual([...agents].sort())
  })

  it('deletes at the end those made ahead and never handed out, and journals it', async () => {
    const m = aheadMission({ caps: { total: 3 } })
    const done = m.mission.run()
    await plannerThinks(m)
    m.oc.turn(sessionsOf(m.mission, 'planner')[0]!, 'orchestrator_plan', { todos: [todo('a', ['a.ts'])] })
    await play(m.mission, m.oc)
    expect((await done).phase).toBe('completed')
    // Three made while the planner planned; one todo took two (its worker and its reviewer).
    const agents = new Set(m.mission.state.agents.map((a) => a.sessionId))
    const unused = madeAhead(m).filter((id) => !agents.has(id))
    expect(unused).toHaveLength(1)
    expect(m.oc.removed).toEqual(unused)
    expect(m.oc.prompts.some((p) => unused.includes(p.sessionId))).toBe(false)
    const removed = entriesOf(m.store).flatMap((e) => (e.type === 'session.removed' ? [e.sessionId] : []))
    expect(removed).toEqual(unused)
    expect(replay(entriesOf(m.store)).spareSessions).toBeUndefined()
  })

  it('deletes the sessions made ahead when the mission is stopped while the planner plans', async () => {
    const m = aheadMission({ caps: { total: 2 } })
    const done = m.mission.run()
    await plannerThinks(m)
    expect(madeAhead(m)).toHaveLength(2)
    await m.mission.stop()
    expect((await done).phase).toBe('stopped')
    expect(m.oc.removed.sort()).toEqual(madeAhead(m).sort())
    expect(m.oc.prompts.some((p) => madeAhead(m).includes(p.sessionId))).toBe(false)
    expect(replay(entriesOf(m.store)).spareSessions).toBeUndefined()
  })

  it('a resumed mission deletes what the instance before made ahead and never handed out, and gives it no agent', async () => {
    const store = new MemoryStore()
    const first = aheadMission({ caps: { total: 2 } }, store)
    void first.mission.run()
    await plannerThinks(first)
    const left = madeAhead(first)
    expect(left).toHaveLength(2)
    // The host goes away (a window reload): the mission is left to its journal.
    first.mission.dispose()
    expect(replay(entriesOf(store)).spareSessions).toEqual(left)
    const second = aheadMission({ caps: { total: 2 } }, store)
    second.oc.idPrefix = 'ses2_'
    const done = second.mission.run()
    await flush()
    expect(second.oc.removed).toEqual(left)
    expect(second.mission.state.agents.map((a) => a.sessionId)).not.toContain(left[0])
    expect(replay(entriesOf(store)).spareSessions?.some((id) => left.includes(id)) ?? false).toBe(false)
    // The plan comes to the resumed mission, whose work runs in sessions it made itself.
    second.oc.turn(sessionsOf(second.mission, 'planner')[0]!, 'orchestrator_plan', {
      todos: [todo('a', ['a.ts'])],
    })
    await flush()
    await play(second.mission, second.oc)
    expect((await done).phase).toBe('completed')
    expect(second.mission.state.agents.some((a) => left.includes(a.sessionId))).toBe(false)
  })

  it('makes none on a server that cannot delete sessions (they would be left behind)', async () => {
    const m = fakeMission({ caps: { total: 3 } })
    const { done } = await planned(m.mission, m.oc, [todo('a', ['a.ts'])])
    await play(m.mission, m.oc)
    expect((await done).phase).toBe('completed')
    expect(m.oc.created.map((c) => c.title)).not.toContain(AHEAD)
    expect(entriesOf(m.store).some((e) => e.type === 'session.spare')).toBe(false)
  })
})

describe('sessions made ahead (worktree mode)', () => {
  it("makes none: a todo's sessions are created in its worktree's folder, which the plan opens", async () => {
    const m = fakeMission(
      { isolation: 'worktree', check: 'npm test' },
      undefined,
      undefined,
      new FakeWorktrees(),
    )
    m.oc.removable()
    Object.assign(m.workspace, { captureBase: async () => ({ kind: 'git', ref: 'tree0', untracked: [] }) })
    const { done } = await planned(m.mission, m.oc, [todo('a', ['a.ts'])])
    await play(m.mission, m.oc)
    expect((await done).phase).toBe('completed')
    expect(m.oc.created.map((c) => c.title)).not.toContain(AHEAD)
    expect(m.oc.created.filter((c) => c.directory === '/wt/todos/a')).toHaveLength(2)
    expect(m.oc.removed).toEqual([])
  })

  it('makes none while the base is taken and the planner plans, before worktree mode is decided', async () => {
    const m = aheadMission({ isolation: 'worktree', check: false, caps: { total: 3 } })
    Object.assign(m.workspace, { captureBase: () => new Promise(() => {}) })
    void m.mission.run()
    await plannerThinks(m)
    // The planner thinks, the base is still being taken: no isolation decided, no session made ahead.
    expect(m.oc.prompts).toHaveLength(1)
    expect(m.oc.created.map((c) => c.title)).not.toContain(AHEAD)
    await m.mission.stop()
  })
})
