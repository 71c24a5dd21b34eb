// The CLI's terminal answer to the baseline question (the project is not set up for its check).

import { describe, expect, it } from 'vitest'
import { answerBaseline } from '../../src/cli/baseline-prompt'
import type { Ask } from '../../src/cli/stuck-prompt'
import { fakeMission } from '../fixtures/fake-mission'
import { flush } from '../fixtures/fake-opencode'

function scriptedAsk() {
  const asked: { question: string; answer: (text: string) => void }[] = []
  const ask: Ask = (question, signal) =>
    new Promise((resolve, reject) => {
      signal.addEventListener('abort', () => reject(new Error('withdrawn')))
      asked.push({ question, answer: resolve })
    })
  return { ask, asked }
}

const NOT_FOUND = { exitCode: 127, output: 'sh: 1: xo: not found' }

describe('CLI baseline question', () => {
  it('asks with the reason; an unknown answer asks again, "c" goes on', async () => {
    const m = fakeMission({ check: 'npm test', ifCheckFails: 'ask' })
    m.workspace.results = [NOT_FOUND]
    const { ask, asked } = scriptedAsk()
    const off = answerBaseline(m.mission, ask, () => {})
    void m.mission.run()
    await flush()
    expect(asked).toHaveLength(1)
    expect(asked[0]?.question).toMatch(/not set up for its check: `npm test`[\s\S]*\[c\]ontinue anyway/)
    asked[0]?.answer('maybe')
    await flush()
    expect(asked).toHaveLength(2)
    asked[1]?.answer('c')
    await flush()
    expect(m.mission.state.needsYou).toBeUndefined()
    expect(asked).toHaveLength(2)
    off()
    m.mission.dispose()
  })

  it('"h" asks for the command and changes the check; a changed check that fails too is asked about again', async () => {
    const m = fakeMission({ check: 'npm test', ifCheckFails: 'ask' })
    m.workspace.results = [NOT_FOUND, NOT_FOUND]
    const { ask, asked } = scriptedAsk()
    const off = answerBaseline(m.mission, ask, () => {})
    void m.mission.run()
    await flush()
    asked[0]?.answer('h')
    await flush()
    expect(asked[1]?.question).toBe('Check command to run instead: ')
    asked[1]?.answer('pytest')
    await flush()
    await flush()
    expect(m.workspace.checks).toEqual(['npm test', 'pytest'])
    expect(asked[2]?.question).toMatch(/`pytest` failed before any change/)
    asked[2]?.answer('s')
    await flush()
    expect(m.mission.state.phase).toBe('stopped')
    off()
  })
})
