import { describe, expect, it } from 'vitest'
import type { CheckRunState } from '../../src/engine/record/mission-state'
import { MissionNotes, missionStatus } from '../../src/plugin/task/mission-notes'
import { agentState, missionState, todoState } from '../fixtures/mission-state'

const check: CheckRunState = {
  kind: 'round',
  iteration: 1,
  command: 'npm test',
  source: 'package.json scripts.test',
  exitCode: 1,
  durationMs: 1200,
  outputTail: '1 failing\nexpected 2, got 3',
  passed: false,
}

describe("/task's notes and toasts in the user's session", () => {
  it('say the plan once, each todo end once (with a toast each), and a wait for the user once per wait', () => {
    const said = new MissionNotes()
    const plan = [todoState('api', 'running', { title: 'Add the API' }), todoState('ui', 'pending')]
    expect(said.next(missionState({ phase: 'planning' }))).toEqual({ notes: [], toasts: [] })
    expect(said.next(missionState({ todos: plan })).notes).toEqual([
      'Orchestrator: plan accepted: 2 todos: api (Add the API), ui (ui).',
    ])
    const passed = [todoState('api', 'passed', { title: 'Add the API' }), todoState('ui', 'running')]
    const waiting = [agentState('s1', { status: 'waiting', todoId: 'ui' })]
    const step = said.next(missionState({ todos: passed, agents: waiting }))
    expect(step.notes).toEqual(['Orchestrator: ✓ api passed: Add the API'])
    expect(step.toasts.map((t) => t.variant)).toEqual(['success', 'warning'])
    // The same state again says nothing new; the wait ends and comes back: one more toast.
    expect(said.next(missionState({ todos: passed, agents: waiting }))).toEqual({ notes: [], toasts: [] })
    said.next(missionState({ todos: passed }))
    expect(said.next(missionState({ todos: passed, agents: waiting })).toasts).toHaveLength(1)
    const failed = [passed[0]!, todoState('ui', 'failed', { findings: ['no test'] })]
    expect(said.next(missionState({ todos: failed })).notes).toEqual([
      'Orchestrator: ✗ ui failed: ui — no test',
    ])
  })

  it("end with how it ended, its todos, its evidence with the failing output's last lines", () => {
    const final = missionState({
      phase: 'failed',
      reason: 'the check failed',
      todos: [todoState('api', 'passed'), todoState('ui', 'interrupted', { reason: 'the mission ended' })],
      checks: [check],
      startedAt: 0,
      endedAt: 65_000,
      tokens: 142_411,
    })
    const end = new MissionNotes().end(final)
    expect(end.toasts).toEqual([{ message: 'Mission failed: g', variant: 'error' }])
    expect(end.notes[0]).toBe(
      [
        'Orchestrator: mission failed — the check failed',
        '1/2 todos passed · 142.4k tokens · $0 · 1m 05s',
        '◌ ui interrupted: ui — the mission ended',
        '',
        'Evidence:',
        '✗ check after round 1: npm test failed (exit 1, 1.2 s)',
        '    1 failing',
        '    expected 2, got 3',
      ].join('\n'),
    )
  })

  it('/mission: nothing yet, or the phase, todos, running agents, usage and evidence', () => {
    expect(missionStatus(undefined)).toBe(
      'Orchestrator: no mission in this project. Start one with /task <goal>.',
    )
    const s = missionState({
      todos: [todoState('api', 'passed'), todoState('ui', 'running')],
      agents: [agentState('s1', { todoId: 'ui', tool: 'edit' })],
      checks: [check],
      startedAt: 0,
    })
    const text = missionStatus(s, 5_000)
    expect(text).toContain('Phase: working · 1/2 todos passed · 0 tokens · $0 · 5.0 s')
    expect(text).toContain('  ✓ api passed: api')
    expect(text).toContain('  worker ui: busy (edit)')
    expect(text).toContain('✗ check after round 1: npm test failed')
    expect(text.endsWith('/stop stops it.')).toBe(true)
  })
})
