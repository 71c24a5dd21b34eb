import { describe, expect, it } from 'vitest'
import { keepIdle } from '../../../src/engine/schedule/dispatcher'
import { fakeMission } from '../../fixtures/fake-mission'
import { planned, play, todo } from '../../fixtures/mission-play'

// A long mission makes a session per todo it cannot give to an earlier one, and every step of the
// scheduler reads the sessions in service: only the recent idle ones stay in service (a later todo on
// their files may go back to them); older ones are retired.

/** The session whose prompts first gave it todo `id` to work (not to review). */
const workerOf = (oc: ReturnType<typeof fakeMission>['oc'], id: string) =>
  oc.prompts.find((p) => p.text.includes(`todoId: ${id}\n`) && !/review/i.test(p.text.split('\n')[0] ?? ''))
    ?.sessionId

describe('idle sessions of a long mission', () => {
  it('gives a todo to the recent session that worked on its files, but not to one many todos back', async () => {
    const keep = keepIdle(1)
    // One at a time: old.ts first, then more todos than are kept, then recent.ts twice, then old.ts
    // again (it waits for the rest).
    const others = Array.from({ length: keep + 4 }, (_, i) => todo(`t${i}`, [`t${i}.ts`]))
    const m = fakeMission({ caps: { total: 1 }, maxTodosPerSession: 50 })
    const done = await planned(m.mission, m.oc, [
      todo('old1', ['old.ts']),
      ...others,
      todo('recent1', ['recent.ts']),
      todo('recent2', ['recent.ts']),
      todo('old2', ['old.ts'], ['recent2']),
    ])
    await play(m.mission, m.oc)
    expect((await done.done).phase).toBe('completed')
    // recent.ts's second todo went back to the session that had just worked on it ...
    expect(workerOf(m.oc, 'recent2')).toBe(workerOf(m.oc, 'recent1'))
    // ... but old.ts's session was retired long before its second todo came: a new one took it.
    expect(workerOf(m.oc, 'old2')).toBeDefined()
    expect(workerOf(m.oc, 'old2')).not.toBe(workerOf(m.oc, 'old1'))
  })
})
