import { describe, expect, it } from 'vitest'
import { missionEndToast, needsYouNotices, stuckToastText } from '../../src/vscode/notification-policy'
import { toMissionView } from '../../src/vscode/snapshot'
import { agentState, missionState, todoState } from '../fixtures/mission-state'

// What the dashboard and the toasts show of a mission's reasons, when a provider echoed a key into
// them: the words stay, the key does not.

const KEY = 'sk-proj-0123456789abcdefghij'
const said = `Incorrect API key provided: ${KEY}`

describe('reasons in the dashboard snapshot', () => {
  it('are scrubbed: the mission’s reason and result, a todo’s, the question’s, an agent’s error and retry', () => {
    const view = toMissionView(
      missionState({
        phase: 'failed',
        reason: `worker failed: ${said}`,
        result: `gave up: ${said}`,
        todos: [todoState('a', 'failed', { reason: said })],
        agents: [
          agentState('s1', { status: 'failed', error: said }),
          agentState('s2', { status: 'retry', retry: { attempt: 4, message: said, next: 9 } }),
        ],
        needsYou: { kind: 'stuck', role: 'worker', sessionId: 's2', reason: said, deadline: 9 },
      }),
    )
    const json = JSON.stringify(view)
    expect(json).not.toContain(KEY)
    expect(view.reason).toBe('worker failed: Incorrect API key provided: [redacted]')
    expect(view.result).toContain('gave up: Incorrect API key provided')
    expect(view.todos[0]?.reason).toContain('[redacted]')
    expect(view.needsYou?.reason).toContain('[redacted]')
    expect(view.agents.find((a) => a.sessionId === 's1')?.error).toContain('[redacted]')
    expect(view.agents.find((a) => a.sessionId === 's2')?.retry?.message).toContain('[redacted]')
  })
})

describe('reasons in toasts', () => {
  it('a failed mission’s toast, the keep-waiting question and a stuck provider’s notice carry no key', () => {
    const failed = missionEndToast(missionState({ phase: 'failed', reason: `worker failed: ${said}` }))
    expect(failed).toEqual({
      level: 'error',
      text: 'Mission failed: worker failed: Incorrect API key provided: [redacted]',
      dashboard: true,
    })
    const ask = { kind: 'stuck', role: 'worker', sessionId: 's', reason: said, deadline: 30_000 } as const
    expect(stuckToastText(ask, 10_000)).toBe(
      'The mission needs you: Incorrect API key provided: [redacted]. It stops in 20 s unless you keep waiting.',
    )
    const notices = needsYouNotices(
      missionState({
        agents: [agentState('s', { status: 'retry', retry: { attempt: 3, message: said, next: 1 } })],
      }),
      0,
    )
    expect(notices[0]?.message).toContain('Incorrect API key provided: [redacted]')
    expect(JSON.stringify(notices)).not.toContain(KEY)
  })

  it('a completed mission’s toast names how it ended', () => {
    const check = { command: 'npm test', source: 'package.json scripts.test' }
    expect(missionEndToast(missionState({ phase: 'completed', goal: 'g', check }))?.text).toBe(
      'Mission completed: g',
    )
    expect(missionEndToast(missionState({ phase: 'completed', goal: 'g' }))?.level).toBe('warning')
    expect(missionEndToast(missionState({ phase: 'working' }))).toBeUndefined()
  })
})
