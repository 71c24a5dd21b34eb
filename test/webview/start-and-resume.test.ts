import { fireEvent, screen } from '@testing-library/svelte'
import { tick } from 'svelte'
import { beforeEach, describe, expect, it } from 'vitest'
import { mission, running, snapshot } from './fixtures'
import { posted, sendSnapshot } from './host-fake'
import { show } from './show'

beforeEach(() => {
  posted.length = 0
})

describe('the dashboard before a mission runs and after the window went away', () => {
  it('shows the goal just run and what it waits for, in place of the last mission, with Run held', async () => {
    await show(mission({ goal: 'The finished one' }), {
      starting: { goal: 'Port the parser', folder: 'app', step: 'Starting the OpenCode server', since: 1 },
    })
    expect(screen.getByTestId('starting-goal').textContent).toBe('Port the parser')
    expect(screen.getByTestId('starting-step').textContent).toBe('Starting the OpenCode server…')
    expect(screen.getByTestId('mission-starting').textContent).toContain('in app')
    expect(screen.queryByTestId('mission-goal')).toBeNull()
    expect(screen.queryByTestId('empty-state')).toBeNull()
    expect((screen.getByRole('button', { name: /run/i }) as HTMLButtonElement).disabled).toBe(true)
    // The mission runs: its own card takes over.
    sendSnapshot(snapshot(running({ goal: 'Port the parser' })))
    await tick()
    expect(screen.queryByTestId('mission-starting')).toBeNull()
    expect(screen.getByTestId('mission-goal').textContent).toBe('Port the parser')
  })

  it('without a mission, shows the one being started instead of "No mission yet"', async () => {
    await show(undefined, { starting: { goal: 'First one', step: 'Preparing the mission', since: 1 } })
    expect(screen.queryByTestId('empty-state')).toBeNull()
    expect(screen.getByTestId('starting-step').textContent).toBe('Preparing the mission…')
  })

  it('offers an interrupted mission until it is resumed or discarded, naming it; not while one runs', async () => {
    await show(mission(), { interrupted: { id: 'm-old', goal: 'Migrate the tests', directory: '/w/app' } })
    expect(screen.getByTestId('interrupted-goal').textContent).toBe('Migrate the tests')
    await fireEvent.click(screen.getByTestId('interrupted-resume'))
    await fireEvent.click(screen.getByTestId('interrupted-discard'))
    expect(posted).toEqual([
      { type: 'interrupted.resume', id: 'm-old' },
      { type: 'interrupted.discard', id: 'm-old' },
    ])
    // Without a mission on screen, the card stands in for the first-run empty state.
    sendSnapshot(snapshot(undefined, { interrupted: { id: 'm-old', goal: 'Migrate the tests' } }))
    await tick()
    expect(screen.getByTestId('interrupted')).toBeTruthy()
    expect(screen.queryByTestId('empty-state')).toBeNull()
    sendSnapshot(snapshot(running(), { interrupted: { id: 'm-old', goal: 'Migrate the tests' } }))
    await tick()
    expect(screen.queryByTestId('interrupted')).toBeNull()
  })
})

describe("the mission's short title", () => {
  it('names the mission above its goal once the planner gave one, and not before', async () => {
    await show(running({ goal: 'Port the parser to the new grammar, keep the old API, test both' }))
    expect(screen.queryByTestId('mission-title')).toBeNull()
    sendSnapshot(snapshot(running({ goal: 'Port the parser to the new grammar', title: 'Parser port' })))
    await tick()
    expect(screen.getByTestId('mission-title').textContent).toBe('Parser port')
    expect(screen.getByTestId('mission-goal').textContent?.trim()).toBe('Port the parser to the new grammar')
  })
})
