import { describe, expect, it } from 'vitest'
import { parseEntries } from '../../../src/engine/record/journal'
import { Mission } from '../../../src/engine/mission'
import { silentLogger } from '../../../src/engine/ports'
import { fakeMission } from '../../fixtures/fake-mission'
import { FakeClock } from '../../fixtures/fake-clock'
import { FakeOpencode, FakeWorkspace, flush } from '../../fixtures/fake-opencode'
import { lastPrompt, play, promptsTo, sessionsOf, todo } from '../../fixtures/mission-play'
import { MemoryStore } from '../../fixtures/memory-journal'

const NOT_FOUND = { exitCode: 127, output: 'sh: 1: xo: not found\n' }
const FAILING = { exitCode: 1, output: 'not ok 1 - greets\n  duration_ms: 12.5\n# fail 1      \n' }

const entries = (store: MemoryStore) => parseEntries(store.lines).entries
const workers = (m: ReturnType<typeof fakeMission>['mission']) => sessionsOf(m, 'worker')

describe('the check on the mission base', () => {
  it('runs before any worker: a plan that arrives first waits for it, then the workers start', async () => {
    const f = fakeMission({ check: 'npm test' })
    let release = () => {}
    f.workspace.gate = new Promise<void>((r) => (release = r))
    const done = f.mission.run()
    await flush()
    expect(f.workspace.checks).toEqual(['npm test'])
    expect(sessionsOf(f.mission, 'planner')).toEqual([]) // the planner waits a little for it…
    f.clock.advance(3_000)
    await flush()
    await flush() // …then plans while it runs
    f.oc.turn(sessionsOf(f.mission, 'planner')[0]!, 'orchestrator_plan', { todos: [todo('a', ['a.ts'])] })
    await flush()
    await flush()
    expect(workers(f.mission)).toEqual([]) // the base is not edited while its check runs
    f.workspace.gate = undefined
    release()
    await flush()
    await flush()
    expect(workers(f.mission)).toHaveLength(1)
    await play(f.mission, f.oc)
    const final = await done
    expect(final.phase).toBe('completed')
    expect(final.checks.map((c) => [c.kind, c.passed, c.classification])).toEqual([
      ['baseline', true, 'passes'],
      ['round', true, undefined],
    ])
    expect(entries(f.store).filter((e) => e.type === 'check.baseline')).toHaveLength(1)
  })

  it('tells the planner a failing baseline, goes on, and completes when a round fixes it', async () => {
    const f = fakeMission({ check: 'npm test' })
    f.workspace.results = [FAILING, {}]
    const done = f.mission.run()
    await flush()
    const planner = sessionsOf(f.mission, 'planner')[0]!
    const brief = lastPrompt(f.oc, planner)
    expect(brief).toContain(
      'Before the mission changed anything, the check command `npm test` already failed (exit 1)',
    )
    expect(brief).toContain('not ok 1 - greets')
    expect(brief).toContain('# fail 1\n') // trailing spaces stripped
    f.oc.turn(planner, 'orchestrator_plan', { todos: [todo('a', ['a.ts'])] })
    await play(f.mission, f.oc)
    const final = await done
    expect(final.phase).toBe('completed')
    expect(final.checks.map((c) => c.vsBaseline ?? c.classification)).toEqual(['fails', 'fixed'])
    expect(final.result).toContain('It failed before the mission: fixed.')
  })

  it('ends after one round when the check fails as it did on the base, naming the check', async () => {
    const f = fakeMission({ check: 'npm test', budgets: { maxIterations: 5 } })
    // The same failure, with another duration: no progress all the same.
    f.workspace.results = [FAILING, { ...FAILING, output: FAILING.output.replace('12.5', '31.0') }]
    const done = f.mission.run()
    await flush()
    f.oc.turn(sessionsOf(f.mission, 'planner')[0]!, 'orchestrator_plan', { todos: [todo('a', ['a.ts'])] })
    await play(f.mission, f.oc)
    const final = await done
    expect(final.phase).toBe('failed')
    expect(final.reason).toBe(
      'check `npm test` failed (exit 1) with the same failure as before the mission made any change: no progress — # fail 1',
    )
    expect(final.iteration).toBe(1)
    expect(promptsTo(f.oc, sessionsOf(f.mission, 'planner')[0]!)).toHaveLength(1) // no re-plan
    expect(final.checks.at(-1)?.vsBaseline).toBe('unchanged')
  })

  it('ends when two rounds in a row fail the same way, after re-planning once', async () => {
    const f = fakeMission({ check: 'npm test', budgets: { maxIterations: 5 } })
    f.workspace.results = [{}, FAILING, FAILING]
    const done = f.mission.run()
    await flush()
    const planner = sessionsOf(f.mission, 'planner')[0]!
    f.oc.turn(planner, 'orchestrator_plan', { todos: [todo('a', ['a.ts'])] })
    await play(f.mission, f.oc)
    expect(lastPrompt(f.oc, planner)).toContain('The check command `npm test` failed (exit 1)')
    f.oc.turn(planner, 'orchestrator_plan', { todos: [todo('b', ['b.ts'])] })
    await play(f.mission, f.oc)
    const final = await done
    expect(final.phase).toBe('failed')
    expect(final.reason).toMatch(
      /^check `npm test` failed \(exit 1\) with the same failure as the round before/,
    )
    expect(final.iteration).toBe(2)
  })

  it('a resumed mission runs its round’s check again and re-plans: its own earlier run is not "the round before"', async () => {
    const store = new MemoryStore()
    const first = fakeMission({ check: 'npm test', budgets: { maxIterations: 5 } }, store)
    first.workspace.results = [{}, FAILING]
    const done = first.mission.run()
    await flush()
    first.oc.turn(sessionsOf(first.mission, 'planner')[0]!, 'orchestrator_plan', {
      todos: [todo('a', ['a.ts'])],
    })
    await play(first.mission, first.oc)
    expect(entries(store).filter((e) => e.type === 'evidence')).toHaveLength(1)
    first.mission.dispose() // the host went away while the planner re-planned
    void done
    const second = fakeMission({ check: 'npm test', budgets: { maxIterations: 5 } }, store)
    second.workspace.results = [FAILING]
    void second.mission.run()
    await flush()
    await flush()
    expect(second.workspace.checks).toEqual(['npm test'])
    expect(second.mission.state.phase).not.toBe('failed')
    const planner = sessionsOf(second.mission, 'planner')[0]!
    expect(lastPrompt(second.oc, planner)).toContain('The check command `npm test` failed (exit 1)')
    second.mission.dispose()
  })

  it('a project that is not set up stops before any worker without anyone to ask', async () => {
    const f = fakeMission({ check: 'npm test', ifCheckFails: 'stop' })
    f.workspace.results = [NOT_FOUND]
    const final = await f.mission.run()
    expect(final.phase).toBe('failed')
    expect(final.reason).toBe(
      "the project's environment is not set up for its check: `npm test` failed before any change (exit 127), command not found — sh: 1: xo: not found",
    )
    expect(workers(f.mission)).toEqual([])
    // It stopped within the planner's head start: the planner was never prompted either.
    expect(f.oc.prompts).toEqual([])
    expect(final.checks[0]).toMatchObject({ kind: 'baseline', classification: 'not-set-up', exitCode: 127 })
  })

  it('asks when it can: Continue lets the workers start (journaled), Stop ends it', async () => {
    const f = fakeMission({ check: 'npm test', ifCheckFails: 'ask' })
    f.workspace.results = [NOT_FOUND, NOT_FOUND]
    const done = f.mission.run()
    await flush()
    expect(f.mission.state.needsYou).toMatchObject({
      kind: 'baseline',
      baseline: { command: 'npm test', exitCode: 127, classification: 'not-set-up' },
    })
    f.oc.turn(sessionsOf(f.mission, 'planner')[0]!, 'orchestrator_plan', { todos: [todo('a', ['a.ts'])] })
    await flush()
    expect(workers(f.mission)).toEqual([])
    expect(await f.mission.answerBaseline({ kind: 'continue' })).toBeUndefined()
    expect(f.mission.state.needsYou).toBeUndefined()
    await flush()
    expect(workers(f.mission)).toHaveLength(1)
    expect(entries(f.store).some((e) => e.type === 'check.continued')).toBe(true)
    expect(await f.mission.answerBaseline({ kind: 'continue' })).toEqual({
      refused: 'No question about the check is open.',
    })
    await play(f.mission, f.oc)
    const final = await done
    // The round fails as the base did: the mission ends instead of re-planning.
    expect(final.reason).toMatch(/same failure as before the mission/)

    const g = fakeMission({ check: 'npm test', ifCheckFails: 'ask' })
    g.workspace.results = [NOT_FOUND]
    const stopped = g.mission.run()
    await flush()
    await g.mission.answerBaseline({ kind: 'stop' })
    expect(await stopped).toMatchObject({ phase: 'stopped' })
    expect(workers(g.mission)).toEqual([])
  })

  it('Change Check runs the new command on the base, and the mission goes on with it', async () => {
    const f = fakeMission({ check: 'npm test', ifCheckFails: 'ask' })
    f.workspace.results = [NOT_FOUND, {}, {}]
    const done = f.mission.run()
    await flush()
    expect(await f.mission.answerBaseline({ kind: 'changeCheck', command: '  ' })).toMatchObject({
      refused: expect.stringMatching(/Give the command/),
    })
    expect(await f.mission.answerBaseline({ kind: 'changeCheck', command: 'node --test' })).toBeUndefined()
    expect(f.mission.state.check).toEqual({ command: 'node --test', source: 'changed by the user' })
    f.oc.turn(sessionsOf(f.mission, 'planner')[0]!, 'orchestrator_plan', { todos: [todo('a', ['a.ts'])] })
    await play(f.mission, f.oc)
    const final = await done
    expect(final.phase).toBe('completed')
    expect(f.workspace.checks).toEqual(['npm test', 'node --test', 'node --test'])
    // A resume runs the changed check, read back from the journal.
    const baselines = entries(f.store).filter((e) => e.type === 'check.baseline')
    expect(baselines.map((e) => e.command)).toEqual(['npm test', 'node --test'])
  })

  it('a resumed mission acts on its journaled baseline without running it again', async () => {
    const store = new MemoryStore()
    const first = fakeMission({ check: 'npm test', ifCheckFails: 'ask' }, store)
    first.workspace.results = [NOT_FOUND]
    void first.mission.run()
    await flush()
    expect(first.mission.state.needsYou?.kind).toBe('baseline')
    first.mission.dispose() // gone before anyone answered
    const second = fakeMission({ check: 'npm test', ifCheckFails: 'ask' }, store)
    void second.mission.run()
    await flush()
    expect(second.workspace.checks).toEqual([])
    expect(second.mission.state.needsYou).toMatchObject({ kind: 'baseline', baseline: { exitCode: 127 } })
    second.mission.dispose()
  })

  it('a planner that says why it cannot plan ends the mission with its reason, without a retry', async () => {
    const f = fakeMission({ check: 'npm test' })
    const done = f.mission.run()
    await flush()
    const planner = sessionsOf(f.mission, 'planner')[0]!
    f.oc.turn(planner, 'orchestrator_plan', {
      todos: [],
      cannotPlan: 'the failure is in node_modules, outside the project: nothing to change',
    })
    const final = await done
    expect(final.phase).toBe('failed')
    expect(final.reason).toBe(
      'the planner cannot plan: the failure is in node_modules, outside the project: nothing to change',
    )
    expect(promptsTo(f.oc, planner)).toHaveLength(1)
  })

  it('runs a check found above the mission folder in that folder', async () => {
    const f = fakeMission()
    f.workspace.repositoryDepth = () => Promise.resolve(2)
    f.workspace.readFile = (name: string, folder = '.') =>
      Promise.resolve(folder === '../..' && name === 'Makefile' ? 'test:\n\tnode --test\n' : undefined)
    const done = f.mission.run()
    await flush()
    expect(f.mission.state.check).toEqual({
      command: 'make test',
      source: 'Makefile test target',
      cwd: '../..',
    })
    f.oc.turn(sessionsOf(f.mission, 'planner')[0]!, 'orchestrator_plan', { todos: [todo('a', ['a.ts'])] })
    await play(f.mission, f.oc)
    expect((await done).phase).toBe('completed')
    expect(f.workspace.cwds).toEqual(['../..', '../..'])
  })
})

describe('a mission that runs out of rounds on a failing check', () => {
  it('names the last check result in its reason', async () => {
    const f = fakeMission({ check: 'npm test', budgets: { maxIterations: 2 } })
    f.workspace.results = [
      {},
      { exitCode: 1, output: 'expected 1 got 2' },
      { exitCode: 1, output: 'expected 1 got 3' },
    ]
    const done = f.mission.run()
    await flush()
    const planner = sessionsOf(f.mission, 'planner')[0]!
    f.oc.turn(planner, 'orchestrator_plan', { todos: [todo('a', ['a.ts'])] })
    await play(f.mission, f.oc)
    f.oc.turn(planner, 'orchestrator_plan', { todos: [todo('b', ['b.ts'])] })
    await play(f.mission, f.oc)
    const final = await done
    expect(final.phase).toBe('failed')
    expect(final.reason).toMatch(
      /^budget exhausted \(iterations\): .*; the last check `npm test` failed \(exit 1\) — a failure the base did not have — expected 1 got 3$/,
    )
  })
})

describe('warnings', () => {
  it('name the role and the todo of an agent, not only its session id', async () => {
    const warnings: string[] = []
    const oc = new FakeOpencode()
    const mission = new Mission(
      {
        sessions: oc,
        events: oc,
        workspace: new FakeWorkspace(),
        journal: new MemoryStore(),
        clock: new FakeClock(),
        logger: { ...silentLogger, warn: (m) => warnings.push(m) },
      },
      { id: 'm1', goal: 'Build the thing', check: false },
    )
    void mission.run()
    await flush()
    oc.turn(sessionsOf(mission, 'planner')[0]!, 'orchestrator_plan', { todos: [todo('a', ['a.ts'])] })
    await flush()
    const worker = sessionsOf(mission, 'worker')[0]!
    oc.emit({
      type: 'session.error',
      sessionId: worker,
      error: { name: 'APIError', message: 'Bad Request', statusCode: 400, retryable: false },
    })
    await flush()
    expect(warnings).toContain(`worker of a (${worker}): APIError: Bad Request`)
    mission.dispose()
  })
})
