import { afterEach, describe, expect, it, vi } from 'vitest'
import type { MissionState } from '../../src/engine/record/mission-state'
import { Emitter } from '../../src/engine/util/emitter'
import { everyWhileRunning } from '../../src/vscode/running-timer'
import { missionState } from '../fixtures/mission-state'

// A stall shows no event: the window looks every so often while a mission on screen runs, and not
// once none does.
afterEach(() => void vi.useRealTimers())

function setup() {
  vi.useFakeTimers()
  const missions = { changes: new Emitter<MissionState>(), cleared: new Emitter<void>() }
  let looks = 0
  const undo = everyWhileRunning(missions, () => looks++, 15_000)
  return { missions, looks: () => looks, undo }
}

describe('everyWhileRunning', () => {
  it('looks at each change and every interval while the mission runs; not after its end', () => {
    const { missions, looks } = setup()
    missions.changes.emit(missionState({ phase: 'working' }))
    expect(looks()).toBe(1)
    vi.advanceTimersByTime(30_000)
    expect(looks()).toBe(3)
    missions.changes.emit(missionState({ phase: 'completed' }))
    vi.advanceTimersByTime(60_000)
    expect(looks()).toBe(4)
    expect(vi.getTimerCount()).toBe(0)
  })

  it('stops once no mission is on screen (a followed one went away without an end)', () => {
    const { missions, looks } = setup()
    missions.changes.emit(missionState({ phase: 'working' }))
    missions.cleared.emit()
    vi.advanceTimersByTime(60_000)
    expect(looks()).toBe(1)
    expect(vi.getTimerCount()).toBe(0)
  })

  it('stops when undone', () => {
    const { missions, undo } = setup()
    missions.changes.emit(missionState({ phase: 'working' }))
    undo()
    expect(vi.getTimerCount()).toBe(0)
  })
})
