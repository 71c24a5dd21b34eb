import { describe, expect, it } from 'vitest'
import { missionStatusText } from '../../src/vscode/status-text'
import { baselineRun, roundRun } from '../fixtures/check-runs'
import { missionState, todoState } from '../fixtures/mission-state'

// The status bar's words for a mission: what the todos did is not what the check did.

const allPassed = ['a', 'b', 'c', 'd', 'e'].map((id) => todoState(id, 'passed'))

describe('the status bar text', () => {
  it('says the check failed when every todo passed and the check did not, not "failed 5/5"', () => {
    const m = missionState({
      phase: 'failed',
      reason: 'the check still fails after 3 iterations',
      todos: allPassed,
      checks: [baselineRun(), roundRun(1), roundRun(2)],
    })
    const { text, tooltip } = missionStatusText(m)
    expect(text).toBe('$(error) Orchestrator: check failed')
    expect(text).not.toContain('5/5')
    expect(tooltip).toBe(
      'g\nthe check still fails after 3 iterations\nEvery todo passed (5/5); the check failed.',
    )
  })

  it('reads the last evidence when no check run is published', () => {
    const evidence = [{ iteration: 1, command: 'npm test', exitCode: 1, durationMs: 5, outputTail: '' }]
    const m = missionState({ phase: 'failed', todos: allPassed, evidence, checks: [] })
    expect(missionStatusText(m).text).toBe('$(error) Orchestrator: check failed')
  })

  it('counts passed todos while running, at the end, and on a failure the todos explain', () => {
    const todos = [todoState('a', 'passed'), todoState('b', 'failed')]
    expect(missionStatusText(missionState({ phase: 'working', todos })).text).toBe(
      '$(loading~spin) Orchestrator: working 1/2',
    )
    expect(missionStatusText(missionState({ phase: 'failed', todos, checks: [roundRun(1)] })).text).toBe(
      '$(error) Orchestrator: failed 1/2',
    )
    const passing = [roundRun(1, { passed: true, exitCode: 0 })]
    expect(
      missionStatusText(missionState({ phase: 'completed', todos: allPassed, checks: passing })).text,
    ).toBe('$(pass) Orchestrator: completed 5/5')
    // Every todo passed, and the mission failed for another reason (a budget): no check to blame.
    expect(
      missionStatusText(
        missionState({ phase: 'failed', todos: allPassed, checks: passing, reason: 'budget' }),
      ).text,
    ).toBe('$(error) Orchestrator: failed 5/5')
  })

  it('says a paused mission is paused, without a spinner, until it ends', () => {
    const todos = [todoState('a', 'passed'), todoState('b', 'running')]
    const { text, tooltip } = missionStatusText(missionState({ phase: 'working', paused: true, todos }))
    expect(text).toBe('$(debug-pause) Orchestrator: paused 1/2')
    expect(tooltip).toBe('g\nPaused while working: no new work starts; running agents finish their turn.')
    // Pause is no news once the mission is over.
    expect(missionStatusText(missionState({ phase: 'stopped', paused: true, todos })).text).toBe(
      '$(debug-stop) Orchestrator: stopped 1/2',
    )
  })

  it("names the mission by the planner's title, then its goal cut short", () => {
    const goal = `Port the parser. ${'Details. '.repeat(100)}`
    const { tooltip } = missionStatusText(missionState({ phase: 'working', goal, title: 'Parser port' }))
    const [first, second] = tooltip.split('\n')
    expect(first).toBe('Parser port')
    expect(second?.startsWith('Port the parser.')).toBe(true)
    expect(second!.length).toBeLessThanOrEqual(301)
  })

  it('says checking while the check runs, as the dashboard does', () => {
    expect(missionStatusText(missionState({ phase: 'checking', todos: allPassed })).text).toBe(
      '$(loading~spin) Orchestrator: checking 5/5',
    )
  })

  it('never reads as a verified success when no check ran, as the dashboard says', () => {
    const m = missionState({
      phase: 'completed',
      todos: [todoState('a', 'passed')],
      check: { command: null, source: 'none found' },
    })
    expect(missionStatusText(m).text).toBe('$(warning) Orchestrator: completed 1/1 — no check ran')
  })

  it('says the mission needs the user while it waits on the baseline question', () => {
    const baseline = baselineRun({ classification: 'not-set-up', exitCode: 127 })
    const reason = 'npm test: command not found (exit 127)'
    const m = missionState({ phase: 'starting', needsYou: { kind: 'baseline', baseline, reason } })
    const { text, tooltip } = missionStatusText(m)
    expect(text).toBe('$(bell-dot) Orchestrator: needs you')
    expect(tooltip).toBe(`g\nThe mission needs you: ${reason}`)
  })
})
