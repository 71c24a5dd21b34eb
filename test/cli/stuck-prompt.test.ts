// The CLI's terminal answer to the mission's "keep waiting?" question.

import { describe, expect, it } from 'vitest'
import { answerStuck, type Ask } from '../../src/cli/stuck-prompt'
import { fakeMission } from '../fixtures/fake-mission'
import { flush } from '../fixtures/fake-opencode'

const model = { providerID: 'fake', modelID: 'm' }

/** An Ask whose answers the test gives, one question at a time. */
function scriptedAsk() {
  const asked: { question: string; answer: (text: string) => void; signal: AbortSignal }[] = []
  const ask: Ask = (question, signal) =>
    new Promise((resolve, reject) => {
      signal.addEventListener('abort', () => reject(new Error('withdrawn')))
      asked.push({ question, answer: resolve, signal })
    })
  return { ask, asked }
}

/** A mission whose planner has sat in retry past the bound, with the CLI's question put. */
async function stuckPlanner() {
  const m = fakeMission({ models: { planner: model }, retryStuckMs: 10_000, askWhenStuck: true })
  const { ask, asked } = scriptedAsk()
  const off = answerStuck(m.mission, ask)
  const done = m.mission.run()
  await flush()
  const planner = m.mission.state.agents[0]!.sessionId
  m.oc.emit({
    type: 'session.status',
    sessionId: planner,
    status: { type: 'retry', attempt: 1, message: 'Internal Server Error', next: 0 },
  })
  m.clock.advance(10_000)
  return { ...m, asked, off, done, planner }
}

describe('CLI "keep waiting?" question', () => {
  it('asks once per question; "y" keeps waiting, "s" stops the mission', async () => {
    const { mission, clock, asked, off, done } = await stuckPlanner()
    expect(asked).toHaveLength(1)
    expect(asked[0]!.question).toContain('planner: waiting on fake: Internal Server Error')
    asked[0]!.answer('y')
    await flush()
    expect(mission.state.needsYou).toBeUndefined()
    expect(mission.state.phase).toBe('planning')
    clock.advance(10_000)
    expect(asked).toHaveLength(2)
    asked[1]!.answer('s')
    const final = await done
    expect(final.phase).toBe('stopped')
    off()
  })

  it('drops a question that was withdrawn before the answer came', async () => {
    const { oc, mission, asked, off, planner } = await stuckPlanner()
    oc.emit({ type: 'session.status', sessionId: planner, status: { type: 'busy' } })
    expect(asked[0]!.signal.aborted).toBe(true)
    asked[0]!.answer('s')
    await flush()
    expect(mission.state.phase).toBe('planning')
    off()
    await mission.stop()
  })
})
