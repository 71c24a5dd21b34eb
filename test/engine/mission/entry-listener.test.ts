import { describe, expect, it } from 'vitest'
import type { JournalEntry } from '../../../src/engine/record/entries'
import { fakeMission } from '../../fixtures/fake-mission'
import { flush } from '../../fixtures/fake-opencode'
import { MemoryStore } from '../../fixtures/memory-journal'
import { play, planned, todo } from '../../fixtures/mission-play'

const types = (entries: JournalEntry[]) => entries.map((e) => e.type)

describe('Mission.onEntry', () => {
  it('hears every entry the journal writes, in order, as written', async () => {
    const store = new MemoryStore()
    const { mission, oc } = fakeMission({ check: false }, store)
    const heard: JournalEntry[] = []
    mission.onEntry((e) => heard.push(e))
    const { done } = await planned(mission, oc, [todo('a', ['a.ts'])])
    await play(mission, oc)
    await done
    await flush()
    expect(heard.map((e) => JSON.stringify(e))).toEqual(store.lines)
    expect(types(heard)).toEqual(expect.arrayContaining(['mission.started', 'plan.accepted', 'todo.verdict']))
    expect(types(heard)).toContain('mission.ended')
  })

  it('hears no replayed entry after a resume, only the new ones', async () => {
    const store = new MemoryStore()
    const first = fakeMission({ check: false, caps: { total: 1 } }, store)
    await planned(first.mission, first.oc, [todo('a', ['a.ts'])])
    first.mission.dispose()
    const written = store.lines.length
    const second = fakeMission({ check: false, caps: { total: 1 } }, store)
    const heard: JournalEntry[] = []
    second.mission.onEntry((e) => heard.push(e))
    const done = second.mission.run()
    await play(second.mission, second.oc)
    await done
    await flush()
    expect(heard.map((e) => JSON.stringify(e))).toEqual(store.lines.slice(written))
    expect(types(heard)).not.toContain('plan.accepted')
  })

  it('keeps the mission going when a listener throws, and stops after its undo', async () => {
    const { mission, oc } = fakeMission({ check: false })
    let calls = 0
    mission.onEntry(() => {
      throw new Error('listener bug')
    })
    const off = mission.onEntry(() => calls++)
    const { done } = await planned(mission, oc, [todo('a', ['a.ts'])])
    const before = calls
    expect(before).toBeGreaterThan(0)
    off()
    await play(mission, oc)
    expect((await done).phase).toBe('completed')
    expect(calls).toBe(before)
  })
})
