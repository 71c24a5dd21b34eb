// A journal write that fails where no caller awaits it (a timer) ends the mission with the reason:
// never an unhandled rejection that takes the host down without `mission.ended`.

import { describe, expect, it } from 'vitest'
import { fakeMission } from '../../fixtures/fake-mission'
import { flush, rateLimitedTurn } from '../../fixtures/fake-opencode'
import { MemoryStore } from '../../fixtures/memory-journal'
import { sessionsOf, todo } from '../../fixtures/mission-play'

/** A store whose appends of lines matching `failing` reject, once armed; the rest are kept. */
class FailingStore extends MemoryStore {
  failing: RegExp | undefined
  override append(line: string): Promise<void> {
    if (this.failing?.test(line)) return Promise.reject(new Error('ENOSPC: no space left on device'))
    return super.append(line)
  }
}

describe('a journal write failing in a timer', () => {
  it("ends the mission as failed when the requeue after a provider's backoff cannot be written", async () => {
    const store = new FailingStore()
    const { oc, mission, clock } = fakeMission({}, store)
    const done = mission.run()
    await flush()
    oc.turn(sessionsOf(mission, 'planner')[0]!, 'orchestrator_plan', { todos: [todo('a', ['a.ts'])] })
    await flush()
    const worker = sessionsOf(mission, 'worker')[0]!
    rateLimitedTurn(oc, worker)
    await flush()
    await flush()
    expect(mission.state.todos[0]?.status).toBe('waiting') // waiting out the backoff
    store.failing = /"type":"todo\.requeued"/
    clock.advance(1_000) // the backoff timer re-queues the todo: that write fails
    const final = await done
    expect(final.phase).toBe('failed')
    expect(final.reason).toBe('journal write failed: ENOSPC: no space left on device')
    expect(store.lines.some((l) => l.includes('"type":"mission.ended"'))).toBe(true)
  })
})
