import { describe, expect, it } from 'vitest'
import { missionDelta } from '../../src/shared/mission-delta'
import type { ChangesView } from '../../src/shared/protocol'
import { buildSnapshot, toMissionView } from '../../src/vscode/snapshot'
import { missionState } from '../fixtures/mission-state'

// Worktree isolation as the dashboard gets it: the changes waiting at the end.

const changes: ChangesView = {
  branch: 'orchestrator/m/integration',
  target: { folder: 'p', branch: 'main' },
  files: [{ path: 'a.txt', status: 'added', todos: ['t1'] }],
  status: 'pending',
}

describe('the changes at the end, in the view', () => {
  it('go with the mission they belong to', () => {
    const snap = buildSnapshot(
      { status: 'ready' },
      missionState({ phase: 'completed' }),
      undefined,
      'p',
      changes,
    )
    expect(snap.mission?.changes).toEqual(changes)
    expect(toMissionView(missionState()).changes).toBeUndefined()
  })

  it('travel as a delta when the user acts on them', () => {
    const m = missionState({ phase: 'completed' })
    const before = toMissionView(m, 'p', changes)
    const after = toMissionView(m, 'p', { ...changes, status: 'applied' })
    expect(missionDelta(before, after)?.fields).toEqual({ changes: { ...changes, status: 'applied' } })
    expect(missionDelta(before, toMissionView(m, 'p'))?.fields).toEqual({ changes: null })
  })
})
