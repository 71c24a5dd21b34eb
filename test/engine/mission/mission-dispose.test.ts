import { describe, expect, it } from 'vitest'
import type { CheckResult } from '../../../src/engine/ports'
import { parseEntries } from '../../../src/engine/record/journal'
import { fakeMission } from '../../fixtures/fake-mission'
import { flush } from '../../fixtures/fake-opencode'

const todo = { id: 'a', title: 'do a', description: '', files: ['a.ts'], dependsOn: [], acceptance: [] }

describe('a mission disposed while its check runs (window reload)', () => {
  it('ends the check and records no result for it, so the resumed mission runs it again', async () => {
    const m = fakeMission({ check: 'npm test' })
    let checkSignal: AbortSignal | undefined
    let runs = 0
    // The baseline passes; the round's check runs until it is told to end, then reports how a killed
    // command does.
    Object.assign(m.workspace, {
      runCheck: (_command: string, options: { signal: AbortSignal }) =>
        new Promise<CheckResult>((resolve) => {
          if (runs++ === 0) return resolve({ exitCode: 0, durationMs: 5, output: 'ok', timedOut: false })
          checkSignal = options.signal
          options.signal.addEventListener('abort', () =>
            resolve({ exitCode: null, durationMs: 5, output: 'Terminated', timedOut: false }),
          )
        }),
    })
    void m.mission.run()
    await flush()
    m.oc.turn(m.mission.state.agents[0]!.sessionId, 'orchestrator_plan', { todos: [todo] })
    await flush()
    const worker = m.mission.state.agents.find((a) => a.role === 'worker')!.sessionId
    m.oc.turn(worker, 'orchestrator_report', { todoId: 'a', status: 'done', summary: 'ok', filesChanged: [] })
    await flush()
    const reviewer = m.mission.state.agents.find((a) => a.role === 'reviewer')!.sessionId
    m.oc.turn(reviewer, 'orchestrator_verdict', { todoId: 'a', verdict: 'pass', findings: [] })
    await flush()
    expect(m.mission.state.phase).toBe('checking')
    expect(checkSignal?.aborted).toBe(false)

    m.mission.dispose()
    expect(checkSignal?.aborted).toBe(true)
    await flush()
    const types = parseEntries(m.store.lines).entries.map((e) => e.type)
    expect(types).toContain('check.baseline')
    expect(types).not.toContain('evidence')
    expect(types).not.toContain('mission.ended')
    expect(m.mission.state.phase).toBe('checking')
  })

  it('ends a baseline still running and records nothing of it', async () => {
    const m = fakeMission({ check: 'npm test' })
    let checkSignal: AbortSignal | undefined
    Object.assign(m.workspace, {
      runCheck: (_command: string, options: { signal: AbortSignal }) =>
        new Promise<CheckResult>((resolve) => {
          checkSignal = options.signal
          options.signal.addEventListener('abort', () =>
            resolve({ exitCode: null, durationMs: 5, output: 'Terminated', timedOut: false }),
          )
        }),
    })
    void m.mission.run()
    await flush()
    expect(checkSignal?.aborted).toBe(false)
    m.mission.dispose()
    expect(checkSignal?.aborted).toBe(true)
    await flush()
    expect(parseEntries(m.store.lines).entries.map((e) => e.type)).not.toContain('check.baseline')
  })
})
