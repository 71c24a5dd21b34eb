// Issue 9, items 4, 6 and 7 in the engine with fakes at the ports: the check a mission runs when
// none is configured, the mission root session every agent is created under, and a resumed mission
// running with the options its journal recorded rather than the current ones.
import { describe, expect, it } from 'vitest'
import type { Mission } from '../../../src/engine/mission'
import { withJournaledOptions, type MissionOptions } from '../../../src/engine/mission-options'
import type { PlanTodo } from '../../../src/engine/protocol/mission-protocol'
import { parseEntries } from '../../../src/engine/record/journal'
import { fakeMission } from '../../fixtures/fake-mission'
import { flush, type FakeOpencode } from '../../fixtures/fake-opencode'
import { MemoryStore } from '../../fixtures/memory-journal'
import { todo } from '../../fixtures/mission-play'

const sessionsOf = (m: Mission, role: string) =>
  m.state.agents.filter((a) => a.role === role).map((a) => a.sessionId)
const entries = (store: MemoryStore) => parseEntries(store.lines).entries

/** Answers every busy agent (report done, verdict pass) until none is busy; the peak of busy ones. */
async function play(m: Mission, oc: FakeOpencode): Promise<number> {
  let peak = 0
  for (let round = 0; round < 50; round++) {
    await flush()
    const busy = m.state.agents.filter((a) => a.status === 'busy')
    peak = Math.max(peak, busy.length)
    if (busy.length === 0) return peak
    for (const a of busy) if (a.role === 'worker' || a.role === 'reviewer') oc.passTurn(a)
  }
  return peak
}

async function planned(options: Partial<MissionOptions>, todos: PlanTodo[], store = new MemoryStore()) {
  const f = fakeMission(options, store)
  const done = f.mission.run()
  await flush()
  f.oc.turn(sessionsOf(f.mission, 'planner')[0]!, 'orchestrator_plan', { todos })
  await flush()
  return { ...f, done }
}

describe('evidence by default', () => {
  it('runs the check detected from the project when none is configured, and says which and why', async () => {
    const f = fakeMission()
    f.workspace.files['package.json'] = JSON.stringify({ scripts: { test: 'vitest run' } })
    const done = f.mission.run()
    await flush()
    expect(f.mission.state.check).toEqual({ command: 'npm test', source: 'package.json scripts.test' })
    f.oc.turn(sessionsOf(f.mission, 'planner')[0]!, 'orchestrator_plan', { todos: [todo('a', ['a.ts'])] })
    await play(f.mission, f.oc)
    const final = await done
    expect(final.phase).toBe('completed')
    expect(f.workspace.checks).toEqual(['npm test', 'npm test']) // on the base, then after the round
    expect(final.evidence.map((e) => e.command)).toEqual(['npm test'])
    const started = entries(f.store).find((e) => e.type === 'mission.started')
    expect(started).toMatchObject({
      options: { check: 'npm test', checkSource: 'package.json scripts.test' },
    })
  })

  it('with no detectable check, completes as "no check ran", never as a verified success', async () => {
    const f = await planned({}, [todo('a', ['a.ts'])])
    expect(f.mission.state.check).toMatchObject({
      command: null,
      source: expect.stringMatching(/^none found/),
    })
    await play(f.mission, f.oc)
    const final = await f.done
    expect(final.phase).toBe('completed')
    expect(f.workspace.checks).toEqual([])
    expect(final.result).toContain('Completed — no check ran.')
    expect(final.result).not.toMatch(/passed in/)
  })

  it('an explicit check wins over detection, and `false` opts out (labelled no-check too)', async () => {
    const explicit = await planned({ check: 'make verify' }, [todo('a', ['a.ts'])])
    explicit.workspace.files['go.mod'] = 'module p\n'
    await play(explicit.mission, explicit.oc)
    await explicit.done
    expect(explicit.workspace.checks).toEqual(['make verify', 'make verify'])
    expect(explicit.mission.state.check).toEqual({ command: 'make verify', source: 'configured' })

    const f = fakeMission({ check: false })
    f.workspace.files['go.mod'] = 'module p\n'
    const done = f.mission.run()
    await flush()
    f.oc.turn(sessionsOf(f.mission, 'planner')[0]!, 'orchestrator_plan', { todos: [todo('a', ['a.ts'])] })
    await play(f.mission, f.oc)
    const final = await done
    expect(f.workspace.checks).toEqual([])
    expect(final.check).toEqual({ command: null, source: 'opted out' })
    expect(final.result).toContain('no check ran')
  })
})

describe('one mission, one entry in OpenCode', () => {
  it('creates the root titled with the goal first, every agent under it, and never prompts it', async () => {
    const f = await planned({ caps: { total: 2 } }, [todo('a', ['a.ts']), todo('b', ['b.ts'])])
    await play(f.mission, f.oc)
    await f.done
    const [root, ...agents] = f.oc.created
    expect(root).toEqual({ title: 'Build the thing' })
    const rootId = 'ses_1'
    expect(agents.length).toBeGreaterThanOrEqual(5) // planner, two workers, two reviewers
    expect(agents.every((a) => a.parentId === rootId)).toBe(true)
    expect(f.oc.prompts.some((p) => p.sessionId === rootId)).toBe(false)
    expect(f.mission.state.agents.some((a) => a.sessionId === rootId)).toBe(false)
    expect(entries(f.store).filter((e) => e.type === 'mission.root')).toEqual([
      expect.objectContaining({ sessionId: rootId }),
    ])
  })

  it('keeps the agents the roots of their own trees: a task child under a worker still maps to it', async () => {
    const f = await planned({}, [todo('a', ['a.ts'])])
    const worker = sessionsOf(f.mission, 'worker')[0]!
    f.oc.emit({ type: 'session.created', sessionId: 'child', parentId: worker, title: 'sub' })
    f.oc.emit({
      type: 'permission.asked',
      requestId: 'per_1',
      sessionId: 'child',
      permission: 'bash',
      patterns: [],
    })
    await flush()
    expect(f.mission.state.inbox).toMatchObject([{ requestId: 'per_1', role: 'worker', todoId: 'a' }])
    // An event about the root itself (e.g. its own session.created) is no agent's.
    f.oc.emit({ type: 'session.idle', sessionId: 'ses_1' })
    await flush()
    expect(f.mission.state.agents.find((a) => a.sessionId === worker)?.status).toBe('waiting')
    await f.mission.stop()
    expect(f.oc.aborted).toEqual(
      expect.arrayContaining([worker, 'child', sessionsOf(f.mission, 'planner')[0]]),
    )
  })

  it('a resumed mission reuses its journaled root for the sessions it creates', async () => {
    const store = new MemoryStore()
    const first = await planned({ caps: { total: 1 } }, [todo('a', ['a.ts']), todo('b', ['b.ts'])], store)
    first.mission.dispose()
    const second = fakeMission({ caps: { total: 1 } }, store)
    second.oc.idPrefix = 'ses_b'
    second.oc.toolCalls.set(sessionsOf(first.mission, 'worker')[0]!, [])
    const done = second.mission.run()
    await play(second.mission, second.oc)
    await done
    expect(second.oc.created.length).toBeGreaterThan(0)
    expect(second.oc.created.every((c) => c.parentId === 'ses_1')).toBe(true)
    expect(entries(store).filter((e) => e.type === 'mission.root')).toHaveLength(1)
  })
})

describe('a resumed mission keeps its settings', () => {
  it('runs with the options journaled at its start, not the current ones', async () => {
    const store = new MemoryStore()
    const started: Partial<MissionOptions> = { caps: { total: 1 }, check: 'make verify', maxAttempts: 4 }
    const first = await planned(
      started,
      [todo('a', ['a.ts']), todo('b', ['b.ts']), todo('c', ['c.ts'])],
      store,
    )
    expect(first.mission.state.agents.filter((a) => a.status === 'busy')).toHaveLength(1)
    first.mission.dispose() // interrupted while the first todo runs

    const current: MissionOptions = {
      id: 'm1',
      goal: 'Build the thing',
      caps: { total: 5 },
      check: 'npm run other',
    }
    const options = await withJournaledOptions(store, current)
    expect(options).toMatchObject({ caps: { total: 1 }, check: 'make verify', maxAttempts: 4 })
    const second = fakeMission(options, store)
    second.oc.idPrefix = 'ses_b'
    second.oc.toolCalls.set(sessionsOf(first.mission, 'worker')[0]!, [])
    const done = second.mission.run()
    const peak = await play(second.mission, second.oc)
    const final = await done
    expect(final.phase).toBe('completed')
    expect(peak).toBe(1) // concurrency 1, as journaled (the current 5 would run three at once)
    expect(second.workspace.checks).toEqual(['make verify'])
    expect(final.check).toEqual({ command: 'make verify', source: 'configured' })
  })

  it('keeps an unbounded cap unbounded through the journal', async () => {
    const store = new MemoryStore()
    const first = await planned(
      { caps: { total: Infinity }, budgets: { maxTokens: Infinity } },
      [todo('a', ['a.ts'])],
      store,
    )
    first.mission.dispose()
    const options = await withJournaledOptions(store, { id: 'm1', goal: 'g', caps: { total: 2 } })
    expect(options.caps).toEqual({ total: Infinity })
    expect(options.budgets?.maxTokens).toBe(Infinity)
  })

  it('resumes a journal written before options were journaled with the current options', async () => {
    const store = new MemoryStore()
    store.lines.push(
      JSON.stringify({ at: 1, type: 'mission.started', version: 1, goal: 'Build the thing', options: {} }),
    )
    const current: MissionOptions = {
      id: 'm1',
      goal: 'Build the thing',
      caps: { total: 2 },
      check: 'make ci',
    }
    expect(await withJournaledOptions(store, current)).toEqual(current)
    const f = fakeMission(current, store)
    const done = f.mission.run()
    await flush()
    expect(f.mission.state.check).toEqual({ command: 'make ci', source: 'configured' })
    f.oc.turn(sessionsOf(f.mission, 'planner')[0]!, 'orchestrator_plan', { todos: [todo('a', ['a.ts'])] })
    await play(f.mission, f.oc)
    expect((await done).phase).toBe('completed')
    // No worker ran before: the base is as it was, and its check runs on resume, once.
    expect(f.workspace.checks).toEqual(['make ci', 'make ci'])
  })

  it('leaves the options of an ended mission alone (a new mission in the same journal)', async () => {
    const store = new MemoryStore()
    const f = await planned({ caps: { total: 1 } }, [todo('a', ['a.ts'])], store)
    await play(f.mission, f.oc)
    await f.done
    const current: MissionOptions = { id: 'm2', goal: 'next', caps: { total: 3 } }
    expect(await withJournaledOptions(store, current)).toEqual(current)
  })
})
