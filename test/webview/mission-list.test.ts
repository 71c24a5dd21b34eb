import { fireEvent, screen, within } from '@testing-library/svelte'
import { beforeEach, describe, expect, it } from 'vitest'
import type { MissionListItem } from '../../src/shared/protocol'
import { mission } from './fixtures'
import { posted } from './host-fake'
import { show } from './show'

beforeEach(() => {
  posted.length = 0
})

const missions: MissionListItem[] = [
  { id: 'm3', goal: 'Resume me later', status: 'interrupted', startedAt: 3_000, needsYou: true },
  {
    id: 'm2',
    goal: 'Port the parser to the new grammar and test it',
    title: 'Parser port',
    status: 'failed',
    startedAt: 2_000,
    durationMs: 65_000,
    todos: { passed: 2, total: 3 },
    files: 4,
    lines: { added: 120, removed: 7 },
  },
  {
    id: 'm1',
    goal: 'Add a farewell function',
    status: 'completed',
    startedAt: 1_000,
    durationMs: 2_500,
    todos: { passed: 1, total: 1 },
    files: 1,
  },
]

describe("the dashboard's list of the workspace's missions", () => {
  it('lists each with its state, time, todos, files and what waits on the user; filters; opens one', async () => {
    await show(mission(), { missions })
    const rows = screen.getAllByTestId('mission-row')
    expect(rows.map((r) => r.getAttribute('data-status'))).toEqual(['interrupted', 'failed', 'completed'])
    expect(rows[1]!.textContent).toContain('Parser port')
    expect(rows[1]!.textContent?.replace(/\s+/g, ' ')).toMatch(
      /failed · .* · 1m 05s · 2\/3 todos · 4 files · \+120 −7/,
    )
    expect(within(rows[1]!).getByTestId('mission-lines-added').textContent).toBe('+120')
    expect(within(rows[1]!).getByTestId('mission-lines-removed').textContent).toBe('−7')
    // A mission whose journal counted no lines says nothing of them.
    expect(within(rows[2]!).queryByTestId('mission-lines-added')).toBeNull()
    expect(within(rows[0]!).getByTestId('mission-needs-you')).toBeTruthy()
    expect(within(rows[2]!).queryByTestId('mission-needs-you')).toBeNull()
    // The one on screen is marked and not opened again.
    expect((within(rows[2]!).getByRole('button') as HTMLButtonElement).disabled).toBe(true)
    await fireEvent.click(within(rows[1]!).getByRole('button'))
    expect(posted).toEqual([{ type: 'mission.open', id: 'm2' }])
    await fireEvent.input(screen.getByTestId('mission-filter'), { target: { value: 'parser' } })
    expect(screen.getAllByTestId('mission-row').map((r) => r.getAttribute('data-status'))).toEqual(['failed'])
    await fireEvent.input(screen.getByTestId('mission-filter'), { target: { value: 'nothing like it' } })
    expect(screen.queryAllByTestId('mission-row')).toEqual([])
    expect(screen.getByTestId('mission-list').textContent).toContain('No mission matches')
  })

  it('resumes or discards the interrupted mission the window offers from its row, and no other', async () => {
    const older: MissionListItem = { id: 'm0', goal: 'An older one', status: 'interrupted', startedAt: 500 }
    await show(undefined, { missions: [...missions, older] })
    const rows = screen.getAllByTestId('mission-row')
    await fireEvent.click(within(rows[0]!).getByRole('button', { name: 'Resume Resume me later' }))
    await fireEvent.click(within(rows[0]!).getByRole('button', { name: 'Discard Resume me later' }))
    expect(posted).toEqual([
      { type: 'interrupted.resume', id: 'm3' },
      { type: 'interrupted.discard', id: 'm3' },
    ])
    // Finished missions and an interrupted one the window does not offer have no such buttons.
    for (const row of rows.slice(1))
      expect(within(row).queryByRole('button', { name: /^(Resume|Discard) / })).toBeNull()
  })

  it('is not there when the workspace has no mission', async () => {
    await show()
    expect(screen.queryByTestId('mission-list')).toBeNull()
  })
})
