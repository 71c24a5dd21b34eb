import { describe, expect, it } from 'vitest'
import type { JournalEntry } from '../../../src/engine/record/entries'
import { replay } from '../../../src/engine/record/replay'
import { missionReport } from '../../../src/engine/record/mission-report'
import { RELOAD_NOTE } from '../../../src/engine/sessions/steering'

describe('steering in the history report', () => {
  const at = 1_000
  const entries: JournalEntry[] = [
    { at, type: 'mission.started', version: 1, goal: 'Greet', options: {} },
    { at, type: 'session.created', sessionId: 'p1', role: 'planner' },
    { at, type: 'session.created', sessionId: 'w1', role: 'worker', todoId: 'greet' },
    { at, type: 'steering.queued', sessionId: 'p1', id: 'steer_1', text: 'two todos\nat most' },
    { at, type: 'steering.queued', sessionId: 'w1', id: 'steer_2', text: 'keep the API' },
    { at, type: 'steering.delivered', sessionId: 'w1', ids: ['steer_2'] },
    { at, type: 'steering.dropped', sessionId: 'p1', ids: ['steer_1'], note: RELOAD_NOTE },
    { at, type: 'steering.queued', sessionId: 'w1', id: 'steer_3', text: 'and the docs' },
  ]

  it('lists each agent’s messages with their status and why a dropped one was not sent', () => {
    const md = missionReport('m1', replay(entries))
    expect(md).toContain(
      [
        '## Steering',
        '',
        `- Planner: **dropped** (${RELOAD_NOTE}) — two todos at most`,
        '- Worker on `greet`: **delivered** — keep the API',
        '- Worker on `greet`: **queued** — and the docs',
      ].join('\n'),
    )
  })

  it('has no steering section when nobody steered', () => {
    expect(missionReport('m1', replay(entries.slice(0, 3)))).not.toContain('Steering')
  })
})
