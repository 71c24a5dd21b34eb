import { isDeepStrictEqual } from 'node:util'
import { describe, expect, it } from 'vitest'
import type { JournalEntry, JournalEntryInput, TodoRecord } from '../../../src/engine/record/entries'
import { parseEntries } from '../../../src/engine/record/journal'
import type { TodoState } from '../../../src/engine/record/mission-state'
import { todoStates, TodoViews } from '../../../src/engine/record/mission-view'
import { replay } from '../../../src/engine/record/replay'
import { touchedTodos } from '../../../src/engine/record/touched-todos'
import { fakeMission } from '../../fixtures/fake-mission'
import { flush } from '../../fixtures/fake-opencode'
import { agentOn, planned, report, todo } from '../../fixtures/mission-play'
import { openJournal, todoLife } from '../../fixtures/todo-life'

// The journal's state is kept, not copied, per entry: its records are replaced by the entries that
// change them, and the todos a running mission publishes are made again only for the todos an entry
// touched (the scheduler's: test/engine/schedule/tick-todos.test.ts). These tests hold that to a
// fresh build and to a replay.

const touchedBy = (e: JournalEntryInput) => touchedTodos({ ...e, at: 0 } as JournalEntry)

describe('the journal kept from entry to entry', () => {
  it('replaces every todo record an entry changes, among those the entry says it touches', async () => {
    const { journal: j, store } = await openJournal()
    for (const e of todoLife) {
      const before: Record<string, TodoRecord> = { ...j.current.todos }
      const held = structuredClone(before)
      await j.append(e)
      const now = j.current.todos
      const changed = Object.keys(now).filter((id) => !isDeepStrictEqual(now[id], held[id]))
      expect(
        changed.filter((id) => now[id] === before[id]),
        `edited in place by ${e.type}`,
      ).toEqual([])
      const touched = touchedBy(e)
      if (touched !== 'all')
        expect(
          changed.filter((id) => !touched.includes(id)),
          `untold by ${e.type}`,
        ).toEqual([])
    }
    expect(replay(parseEntries(store.lines).entries)).toStrictEqual(j.snapshot())
  })

  it('leaves a record read before an entry as it was', async () => {
    const { journal: j } = await openJournal()
    for (const e of todoLife.slice(0, 4)) await j.append(e)
    const a = j.current.todos.a as TodoRecord
    const held = structuredClone(a)
    for (const e of todoLife.slice(4)) await j.append(e)
    expect(a).toStrictEqual(held)
    expect(j.current.todos.a).not.toBe(a)
  })
})

describe('the todos a running mission publishes', () => {
  it('equal a fresh build after every entry, and keep the objects of the todos no entry changed', async () => {
    const { journal: j } = await openJournal()
    const views = new TodoViews()
    let shown: TodoState[] | undefined
    for (const e of todoLife) {
      await j.append(e)
      const list = views.list(j.current, j, undefined)
      expect(list).toStrictEqual(todoStates(j.snapshot()))
      const touched = touchedBy(e)
      for (const t of list) {
        const prev = shown?.find((x) => x.id === t.id)
        if (prev && touched !== 'all' && !touched.includes(t.id) && isDeepStrictEqual(prev, t))
          expect(t, `${t.id} after ${e.type}`).toBe(prev)
      }
      if (shown && isDeepStrictEqual(shown, list)) expect(list, `the list after ${e.type}`).toBe(shown)
      shown = list
    }
    // The end (published before it is journaled) is a change of its own.
    expect(views.list(j.current, j, 'stopped')).toStrictEqual(todoStates(j.snapshot(), 'stopped'))
  })

  it('keeps every other todo as it was when one reports, and ends as its journal replays', async () => {
    const { oc, mission, store } = fakeMission({ caps: { total: 3 } })
    const { done } = await planned(mission, oc, [
      todo('a', ['a.ts']),
      todo('b', ['b.ts']),
      todo('c', ['c.ts'], ['a']),
    ])
    const [a, b, c] = mission.state.todos
    oc.turn(agentOn(mission, 'worker', 'b'), 'orchestrator_report', report('b'))
    await flush()
    const after = mission.state.todos
    expect(after.map((t) => t.status)).toEqual(['running', 'reviewing', 'pending'])
    expect(after[0]).toBe(a)
    expect(after[1]).not.toBe(b)
    expect(after[2]).toBe(c)
    await mission.stop()
    const final = await done
    expect(final.todos).toStrictEqual(todoStates(replay(parseEntries(store.lines).entries)))
  })
})
