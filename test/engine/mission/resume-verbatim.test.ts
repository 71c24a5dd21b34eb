// A resume runs and sends exactly what the user gave: the journal keeps the check command and the
// steering messages scrubbed of secrets (for reading), the mission keeps them whole apart from it.

import { describe, expect, it } from 'vitest'
import { withJournaledOptions, type MissionOptions } from '../../../src/engine/mission-options'
import { UNKEPT_NOTE } from '../../../src/engine/sessions/steering'
import { fakeMission } from '../../fixtures/fake-mission'
import { flush } from '../../fixtures/fake-opencode'
import { MemoryStore } from '../../fixtures/memory-journal'
import { MemoryVerbatim } from '../../fixtures/memory-verbatim'
import { agentOn, planned, play, promptsTo, sessionsOf, todo } from '../../fixtures/mission-play'

const DB_CHECK = 'DATABASE_URL=postgres://app:s3cret@db:5432/app npm test'
const KEY_CHECK = 'API_KEY=x npm test'

/** A mission that ran with `check` until its worker on `a` was busy, when the host went away. */
async function interrupted(check: string, verbatim?: MemoryVerbatim) {
  const store = new MemoryStore()
  const first = fakeMission({ check }, store, verbatim)
  await planned(first.mission, first.oc, [todo('a', ['a.ts'])])
  const worker = agentOn(first.mission, 'worker', 'a')
  first.mission.dispose()
  return { store, worker, first }
}

/** The host resumes it with the options its settings give now (as the extension does). */
async function resumed(store: MemoryStore, settings: Partial<MissionOptions>, verbatim?: MemoryVerbatim) {
  const options = await withJournaledOptions(store, { id: 'm1', goal: 'Build the thing', ...settings })
  const second = fakeMission(options, store, verbatim)
  const done = second.mission.run()
  await flush()
  return { ...second, done }
}

describe('a resumed check runs the command as given', () => {
  it('runs the kept command, though the journal holds it redacted; the kept text goes when the mission ends', async () => {
    const verbatim = new MemoryVerbatim()
    const { store, first } = await interrupted(DB_CHECK, verbatim)
    expect(first.mission.state.check?.command).toBe(
      'DATABASE_URL=postgres://app:[redacted]@db:5432/app npm test',
    )
    expect(store.lines.join('\n')).not.toContain('s3cret')
    expect(store.lines.join('\n')).toContain('postgres://app:[redacted]@db')
    expect(verbatim.texts).toEqual({ check: DB_CHECK })
    // The settings now configure no check: the mission runs the one it started with.
    const second = await resumed(store, {}, verbatim)
    await play(second.mission, second.oc)
    const final = await second.done
    expect(second.workspace.checks).toEqual([DB_CHECK])
    expect(final.phase).toBe('completed')
    // Shown and reported as the journal reads it.
    expect(final.check?.command).toBe('DATABASE_URL=postgres://app:[redacted]@db:5432/app npm test')
    expect(verbatim.texts).toEqual({})
  })

  it('without kept texts, runs the configured command when it is the one the mission started with', async () => {
    const { store } = await interrupted(KEY_CHECK)
    expect(store.lines.join('\n')).toContain('API_KEY= [redacted]')
    const second = await resumed(store, { check: KEY_CHECK })
    await play(second.mission, second.oc)
    expect((await second.done).phase).toBe('completed')
    expect(second.workspace.checks).toEqual([KEY_CHECK])
  })

  it('without kept texts, refuses the resume with the reason when the configured check changed, running nothing', async () => {
    const { store } = await interrupted(KEY_CHECK)
    const second = await resumed(store, { check: 'npm run test:ci' })
    const final = await second.done
    expect(final.phase).toBe('failed')
    expect(final.reason).toBe(
      "The mission's check `API_KEY= [redacted]` was journaled with a secret redacted and its whole text is gone; " +
        'the configured check is now `npm run test:ci`. It cannot be resumed as it started: start the mission again.',
    )
    expect(second.workspace.checks).toEqual([])
    expect(second.oc.prompts).toEqual([])
  })

  it('a check the journal holds unredacted runs as journaled', async () => {
    const { store } = await interrupted('npm test -- --ci')
    const second = await resumed(store, {})
    await play(second.mission, second.oc)
    await second.done
    expect(second.workspace.checks).toEqual(['npm test -- --ci'])
  })
})

describe('queued steering re-sent after a resume', () => {
  const SECRET_STEER = 'use token: hunter2 for the API'

  /** A worker on `a` with `text` queued when the host went away (its turn still runs on the server). */
  async function queuedThenGone(text: string, verbatim?: MemoryVerbatim) {
    const store = new MemoryStore()
    const first = fakeMission({ check: 'npm test' }, store, verbatim)
    await planned(first.mission, first.oc, [todo('a', ['a.ts'])])
    const worker = agentOn(first.mission, 'worker', 'a')
    expect(first.mission.steer(worker, text)).toBeUndefined()
    await flush()
    first.mission.dispose()
    const second = fakeMission({ check: 'npm test' }, store, verbatim)
    second.oc.status[worker] = { type: 'busy' } // the server kept working on the steered turn
    void second.mission.run()
    await flush()
    second.oc.turn(worker, undefined) // its idle, without a report: the queued message goes out now
    await flush()
    return { store, worker, second }
  }

  it('sends the message as the user typed it, though the journal holds it redacted', async () => {
    const verbatim = new MemoryVerbatim()
    const { store, worker, second } = await queuedThenGone(SECRET_STEER, verbatim)
    expect(store.lines.join('\n')).not.toContain('hunter2')
    expect(promptsTo(second.oc, worker)).toEqual([
      `Message from the user: ${SECRET_STEER}\n\n(You are still on todoId "a"; finish by calling orchestrator_report.)`,
    ])
    expect(verbatim.texts).toEqual({}) // delivered: nothing is left to keep
  })

  it('drops a message whose whole text was not kept, never sending it redacted', async () => {
    const { worker, second } = await queuedThenGone(SECRET_STEER)
    expect(second.oc.prompts.some((p) => p.text.includes('[redacted]'))).toBe(false)
    expect(second.mission.state.agents.find((a) => a.sessionId === worker)?.steering).toMatchObject([
      { status: 'dropped', note: UNKEPT_NOTE },
    ])
    // The turn ended without its result and without a message: the worker is nudged as usual.
    expect(promptsTo(second.oc, worker).at(-1)).toMatch(/^You ended your turn without calling/)
  })
})

describe('a check holding a secret, through the baseline', () => {
  const SECRET_CHECK = 'DATABASE_URL=postgres://app:s3cret@db:5432/app npm test'
  const FAILING = { exitCode: 1, output: 'not ok 1 - greets\n# fail 1\n' }

  it('is judged against its own earlier runs (the journal holds them scrubbed): the same failure ends the mission', async () => {
    const f = fakeMission({ check: SECRET_CHECK, budgets: { maxIterations: 5 } })
    f.workspace.results = [FAILING, FAILING]
    const { done } = await planned(f.mission, f.oc, [todo('a', ['a.ts'])])
    await play(f.mission, f.oc)
    const final = await done
    expect(f.workspace.checks).toEqual([SECRET_CHECK, SECRET_CHECK])
    expect(final.phase).toBe('failed')
    expect(final.reason).toMatch(/same failure as before the mission made any change/)
    expect(final.iteration).toBe(1)
    expect(final.reason).not.toContain('s3cret')
  })

  it('changed by the user, is resumed as the user typed it', async () => {
    const store = new MemoryStore()
    const verbatim = new MemoryVerbatim()
    const first = fakeMission({ check: 'npm test', ifCheckFails: 'ask' }, store, verbatim)
    first.workspace.results = [{ exitCode: 127, output: 'sh: 1: npm: not found\n' }, {}]
    void first.mission.run()
    await flush()
    // What the dashboard shows of a secret is not the command: it is refused, never run.
    expect(
      await first.mission.answerBaseline({
        kind: 'changeCheck',
        command: 'DATABASE_URL=[redacted] npm test',
      }),
    ).toMatchObject({ refused: expect.stringMatching(/Type the whole command/) })
    expect(await first.mission.answerBaseline({ kind: 'changeCheck', command: SECRET_CHECK })).toBeUndefined()
    expect(store.lines.join('\n')).not.toContain('s3cret')
    first.mission.dispose()
    const second = await resumed(store, { check: 'npm test' }, verbatim)
    second.oc.turn(sessionsOf(second.mission, 'planner')[0]!, 'orchestrator_plan', {
      todos: [todo('a', ['a.ts'])],
    })
    await play(second.mission, second.oc)
    const final = await second.done
    expect(final.phase).toBe('completed')
    expect(second.workspace.checks).toEqual([SECRET_CHECK])
  })

  it('reaches the planner scrubbed when a round fails', async () => {
    const f = fakeMission({ check: SECRET_CHECK, budgets: { maxIterations: 5 } })
    f.workspace.results = [{}, FAILING]
    const { done } = await planned(f.mission, f.oc, [todo('a', ['a.ts'])])
    await play(f.mission, f.oc)
    const planner = sessionsOf(f.mission, 'planner')[0]!
    const briefs = promptsTo(f.oc, planner)
    expect(briefs).toHaveLength(2)
    expect(briefs.at(-1)).toContain('postgres://app:[redacted]@db')
    expect(briefs.join('\n')).not.toContain('s3cret')
    f.mission.stop()
    await done
  })
})
