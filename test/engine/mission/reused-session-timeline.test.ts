// After a resume, the lanes of a session reused for several todos keep each span under the todo it
// was for: in the live state and in the journal, which replays the same lanes.
import { describe, expect, it } from 'vitest'
import { parseEntries } from '../../../src/engine/record/journal'
import { replay } from '../../../src/engine/record/replay'
import { reusedReviewerAcrossResume } from '../../fixtures/reused-reviewer'

describe('a reviewer session reused across a resume', () => {
  it('keeps the spans of each review under the todo it reviewed, live and replayed', async () => {
    const { second, worker, reviewer, store } = await reusedReviewerAcrossResume()
    const lanes = second.mission.state.timeline
    const todosOf = (sessionId: string) =>
      lanes.find((l) => l.sessionId === sessionId)?.spans.map((s) => [s.kind, s.todoId, s.start])
    expect(todosOf(reviewer)).toEqual([
      ['thinking', 'a', 2_000],
      ['thinking', 'b', 61_000],
    ])
    expect(todosOf(worker)).toEqual([
      ['thinking', 'a', 1_000],
      ['thinking', 'b', 60_000],
      ['idle', 'b', 61_000],
    ])
    expect(replay(parseEntries(store.lines).entries).timeline).toEqual(lanes)
    second.mission.dispose()
  })
})
