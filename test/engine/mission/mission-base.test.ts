import { describe, expect, it } from 'vitest'
import type { WorkspaceBase } from '../../../src/engine/ports'
import { parseEntries } from '../../../src/engine/record/journal'
import { replay } from '../../../src/engine/record/replay'
import { fakeMission } from '../../fixtures/fake-mission'
import { flush } from '../../fixtures/fake-opencode'

const todo = (id: string) => ({
  id,
  title: `do ${id}`,
  description: '',
  files: [`${id}.ts`],
  dependsOn: [],
  acceptance: [],
})

/** Runs a one-todo mission to its end; `base` answers the workspace's captureBase. */
async function oneTodoMission(base?: () => Promise<WorkspaceBase>, more: object = {}) {
  const m = fakeMission({ check: 'npm test' })
  if (base) Object.assign(m.workspace, { captureBase: base })
  Object.assign(m.workspace, more)
  const done = m.mission.run()
  await flush()
  const planner = m.mission.state.agents[0]!.sessionId
  m.oc.turn(planner, 'orchestrator_plan', { todos: [todo('a')] })
  await flush()
  const worker = m.mission.state.agents.find((a) => a.role === 'worker')!.sessionId
  m.oc.turn(worker, 'orchestrator_report', {
    todoId: 'a',
    status: 'done',
    summary: 'ok',
    filesChanged: ['a.ts'],
  })
  await flush()
  const reviewer = m.mission.state.agents.find((a) => a.role === 'reviewer')!.sessionId
  m.oc.turn(reviewer, 'orchestrator_verdict', { todoId: 'a', verdict: 'pass', findings: [] })
  const final = await done
  return { ...m, final, entries: parseEntries(m.store.lines).entries }
}

describe('the mission base and summary in the journal', () => {
  it('records the base after the start and before the plan, and a summary line after the end', async () => {
    const base: WorkspaceBase = { kind: 'git', ref: 'abc123', untracked: ['notes.txt'] }
    const { final, entries } = await oneTodoMission(async () => base)
    expect(final.phase).toBe('completed')
    const types = entries.map((e) => e.type)
    expect(types[0]).toBe('mission.started')
    expect(types.indexOf('mission.base')).toBeGreaterThan(0)
    // With a check, its run on the base comes first, and the planner after it.
    expect(types.indexOf('mission.base')).toBeLessThan(types.indexOf('check.baseline'))
    expect(types.indexOf('mission.base')).toBeLessThan(types.indexOf('session.created'))
    expect(replay(entries).base).toEqual(base)
    const last = entries.at(-1)
    expect(entries.at(-2)?.type).toBe('mission.ended')
    if (last?.type !== 'mission.summary') throw new Error(`last entry is ${last?.type}`)
    expect(last.summary).toMatchObject({
      goal: 'Build the thing',
      status: 'completed',
      todos: { passed: 1, total: 1 },
      check: { command: 'npm test', exitCode: 0 },
    })
    expect(last.summary.durationMs).toBe(last.summary.endedAt - last.summary.startedAt)
  })

  it("counts the lines of the passed todos' files against the base into the summary", async () => {
    const base: WorkspaceBase = { kind: 'git', ref: 'abc123', untracked: [] }
    const asked: string[][] = []
    const m = await oneTodoMission(async () => base, {
      linesSinceBase: async (b: WorkspaceBase, paths: readonly string[]) => {
        expect(b).toEqual(base)
        asked.push([...paths])
        return { added: 7, removed: 2 }
      },
    })
    expect(asked).toEqual([['a.ts']])
    const last = m.entries.at(-1)
    if (last?.type !== 'mission.summary') throw new Error(`last entry is ${last?.type}`)
    expect(last.summary.lines).toEqual({ added: 7, removed: 2 })
  })

  it('ends with no line count when counting fails', async () => {
    const m = await oneTodoMission(async () => ({ kind: 'git', ref: 'abc123', untracked: [] }), {
      linesSinceBase: async () => {
        throw new Error('git diff exploded')
      },
    })
    expect(m.final.phase).toBe('completed')
    const last = m.entries.at(-1)
    if (last?.type !== 'mission.summary') throw new Error(`last entry is ${last?.type}`)
    expect(last.summary.lines).toBeUndefined()
  })

  it('records the folder the workspace names in the start, for a resume to find', async () => {
    const m = fakeMission()
    Object.assign(m.workspace, { directory: '/work/project-b' })
    void m.mission.run()
    await flush()
    const start = parseEntries(m.store.lines).entries[0]
    expect(start).toMatchObject({ type: 'mission.started', directory: '/work/project-b' })
    await m.mission.stop()
  })

  it('records an unknown base with the reason when taking it fails, and still runs', async () => {
    const { final, entries } = await oneTodoMission(async () => {
      throw new Error('git exploded')
    })
    expect(final.phase).toBe('completed')
    expect(replay(entries).base).toEqual({ kind: 'none', reason: 'git exploded' })
  })

  it('records no base for a workspace that cannot take one', async () => {
    const { entries } = await oneTodoMission()
    expect(entries.some((e) => e.type === 'mission.base')).toBe(false)
  })
})

describe('the mission start', () => {
  it('creates the root session on the server while the base is taken, and journals it after the start', async () => {
    const m = fakeMission()
    let createsWhenBaseTaken = -1
    Object.assign(m.workspace, {
      captureBase: async (): Promise<WorkspaceBase> => {
        createsWhenBaseTaken = m.oc.created.length
        return { kind: 'none', reason: 'not a repository' }
      },
    })
    void m.mission.run()
    await flush()
    expect(createsWhenBaseTaken).toBe(1) // the root's create was on its way, not after the base
    expect(m.oc.created[0]?.title).toBe('Build the thing')
    const types = parseEntries(m.store.lines).entries.map((e) => e.type)
    expect(types.indexOf('mission.root')).toBeGreaterThan(types.indexOf('mission.started'))
    expect(types.indexOf('session.created')).toBeGreaterThan(types.indexOf('mission.root'))
    m.mission.dispose()
  })

  it('prompts the planner while the base is taken (it only reads), and makes no todo before the base', async () => {
    const m = fakeMission({ check: false })
    let taken: (base: WorkspaceBase) => void = () => {}
    Object.assign(m.workspace, {
      captureBase: () => new Promise<WorkspaceBase>((resolve) => (taken = resolve)),
    })
    const done = m.mission.run()
    await flush()
    // The base is still being taken, and the planner already has its brief.
    expect(m.oc.prompts).toHaveLength(1)
    const planner = m.mission.state.agents[0]!.sessionId
    m.oc.turn(planner, 'orchestrator_plan', { todos: [todo('a')] })
    await flush()
    const types = () => parseEntries(m.store.lines).entries.map((e) => e.type)
    expect(types()).not.toContain('plan.accepted')
    expect(m.mission.state.agents.filter((a) => a.role === 'worker')).toEqual([])
    // Once the base is journaled, the plan is, and its todo starts.
    taken({ kind: 'git', ref: 'abc123', untracked: [] })
    await flush()
    expect(types().indexOf('plan.accepted')).toBeGreaterThan(types().indexOf('mission.base'))
    expect(m.mission.state.agents.some((a) => a.role === 'worker')).toBe(true)
    await m.mission.stop()
    await done
  })

  it('with a check, prompts the planner only once the base is taken (the check runs on it first)', async () => {
    const m = fakeMission({ check: 'npm test' })
    let taken: (base: WorkspaceBase) => void = () => {}
    Object.assign(m.workspace, {
      captureBase: () => new Promise<WorkspaceBase>((resolve) => (taken = resolve)),
    })
    const done = m.mission.run()
    await flush()
    expect(m.oc.prompts).toEqual([])
    taken({ kind: 'git', ref: 'abc123', untracked: [] })
    await flush()
    expect(m.oc.prompts).toHaveLength(1)
    await m.mission.stop()
    await done
  })
})

describe('a start cut off before its base was journaled', () => {
  it('takes the base when resumed, before its plan', async () => {
    // The first instance went away while the base was taken: the start and the planner are journaled.
    const first = fakeMission({ check: false })
    Object.assign(first.workspace, { captureBase: () => new Promise<WorkspaceBase>(() => {}) })
    void first.mission.run()
    await flush()
    expect(first.oc.prompts).toHaveLength(1)
    first.mission.dispose()
    expect(parseEntries(first.store.lines).entries.map((e) => e.type)).not.toContain('mission.base')
    // The next one, on the same journal, takes it now.
    const next = fakeMission({ check: false }, first.store)
    const base: WorkspaceBase = { kind: 'git', ref: 'def456', untracked: [] }
    Object.assign(next.workspace, { captureBase: async () => base })
    const done = next.mission.run()
    await flush()
    const entries = parseEntries(next.store.lines).entries
    expect(replay(entries).base).toEqual(base)
    const planner = next.mission.state.agents.find((a) => a.role === 'planner')!.sessionId
    next.oc.turn(planner, 'orchestrator_plan', { todos: [todo('a')] })
    await flush()
    const types = parseEntries(next.store.lines).entries.map((e) => e.type)
    expect(types.indexOf('plan.accepted')).toBeGreaterThan(types.indexOf('mission.base'))
    await next.mission.stop()
    await done
  })
})

describe('a start with a check, cut off before its base was journaled', () => {
  it('takes the base when resumed before the check runs on it', async () => {
    const first = fakeMission({ check: 'npm test' })
    Object.assign(first.workspace, { captureBase: () => new Promise<WorkspaceBase>(() => {}) })
    void first.mission.run()
    await flush()
    first.mission.dispose()
    const next = fakeMission({ check: 'npm test' }, first.store)
    const order: string[] = []
    Object.assign(next.workspace, {
      captureBase: async (): Promise<WorkspaceBase> => {
        order.push('base')
        return { kind: 'git', ref: 'def456', untracked: [] }
      },
    })
    const runCheck = next.workspace.runCheck.bind(next.workspace)
    Object.assign(next.workspace, {
      runCheck: (...args: Parameters<typeof runCheck>) => {
        order.push('check')
        return runCheck(...args)
      },
    })
    void next.mission.run()
    await flush()
    expect(order.slice(0, 2)).toEqual(['base', 'check'])
    await next.mission.stop()
  })
})

describe('Stop while the base is taken', () => {
  it('ends the git calls (the signal) and starts no todo', async () => {
    const m = fakeMission()
    let signal: AbortSignal | undefined
    Object.assign(m.workspace, {
      captureBase: (options: { signal: AbortSignal }) =>
        new Promise<WorkspaceBase>((_, reject) => {
          signal = options.signal
          signal.addEventListener('abort', () =>
            reject(new Error('git add was ended: the mission was stopped')),
          )
        }),
    })
    const done = m.mission.run()
    await flush()
    expect(signal?.aborted).toBe(false)
    await m.mission.stop()
    expect(signal?.aborted).toBe(true)
    expect((await done).phase).toBe('stopped')
    await flush()
    const types = parseEntries(m.store.lines).entries.map((e) => e.type)
    expect(types).not.toContain('mission.base')
    expect(types).not.toContain('plan.accepted')
    expect(types.at(-1)).toBe('mission.summary')
    // The planner, prompted meanwhile (it only reads), was the one agent.
    expect(m.mission.state.agents.map((a) => a.role)).toEqual(['planner'])
  })
})

describe('mission options', () => {
  it.each([0, -1, 1.5, Number.NaN])('refuses a total of %s sessions before anything starts', (total) => {
    expect(() => fakeMission({ caps: { total } })).toThrow(/caps\.total.*whole number >= 1/)
  })
})
