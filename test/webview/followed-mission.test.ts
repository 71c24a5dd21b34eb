import { fireEvent, screen } from '@testing-library/svelte'
import { describe, expect, it } from 'vitest'
import { ask, mission, todo } from './fixtures'
import { posted } from './host-fake'
import { show } from './show'

// A mission `/task` or the CLI runs, followed by this window: it says where it runs, offers Stop only,
// and sends the user there to answer what its agents ask.

describe('a followed mission on the dashboard', () => {
  const followed = () =>
    mission({
      phase: 'working',
      runsIn: '/task in OpenCode',
      inbox: [ask()],
      todos: [todo({ id: 'a', status: 'failed', attempts: 1 })],
    })

  it('says where it runs and offers Stop, which asks the host to stop it; nothing else to act on', async () => {
    await show(followed())
    expect(screen.getByTestId('mission-runs-in').textContent).toContain(
      'Runs in /task in OpenCode: this window follows it',
    )
    expect(screen.queryByRole('button', { name: /Pause/ })).toBeNull()
    expect(screen.queryByRole('button', { name: /Retry/ })).toBeNull()
    await fireEvent.click(screen.getByRole('button', { name: /Stop/ }))
    expect(posted).toContainEqual({ type: 'mission.stop' })
  })

  it('says where it ran once it ended, with nothing to stop', async () => {
    await show(mission({ phase: 'stopped', runsIn: 'the CLI' }))
    expect(screen.getByTestId('mission-runs-in').textContent?.trim()).toBe('Ran in the CLI')
    expect(screen.queryByRole('button', { name: /Stop/ })).toBeNull()
  })

  it('shows what an agent asks without answering it here', async () => {
    await show(followed())
    expect(screen.getByTestId('inbox-elsewhere').textContent).toBe('Answer it in /task in OpenCode.')
    expect(screen.queryByRole('button', { name: 'Allow once' })).toBeNull()
  })

  it("a window's own mission keeps its controls", async () => {
    await show(mission({ phase: 'working', inbox: [ask()] }))
    expect(screen.queryByTestId('mission-runs-in')).toBeNull()
    expect(screen.getByRole('button', { name: /Pause/ })).toBeTruthy()
    expect(screen.getByRole('button', { name: 'Allow once' })).toBeTruthy()
  })
})
