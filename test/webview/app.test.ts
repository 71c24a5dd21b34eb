import { fireEvent, render, screen } from '@testing-library/svelte'
import { tick } from 'svelte'
import { beforeEach, describe, expect, it } from 'vitest'
import App from '../../webview/App.svelte'
import type { DashboardSnapshot, MissionView } from '../../src/shared/protocol'
import { posted, sendSnapshot } from './host-fake'

const mission = (patch: Partial<MissionView> = {}): MissionView => ({
  id: 'm1',
  goal: 'Add a farewell function',
  phase: 'completed',
  startedAt: 1_000,
  endedAt: 3_500,
  result: 'Done: farewell() added.',
  tokens: 1234,
  cost: 0,
  agents: [
    {
      sessionId: 's1',
      role: 'planner',
      title: 'Planner: Add a farewell function',
      status: 'done',
      tokens: 1234,
      cost: 0,
      startedAt: 1_000,
      lastActivityAt: 3_000,
    },
  ],
  ...patch,
})
const snapshot = (m?: MissionView, extra: Partial<DashboardSnapshot> = {}): DashboardSnapshot => ({
  server: { status: 'ready', url: 'http://127.0.0.1:4000' },
  ...(m && { mission: m }),
  ...extra,
})

beforeEach(() => {
  posted.length = 0
})

describe('dashboard webview', () => {
  it('says ready with the protocol version on mount', () => {
    render(App)
    expect(posted).toEqual([{ type: 'ready', protocol: 1 }])
  })

  it('renders the mission goal, phase, result and agents from a snapshot', async () => {
    render(App)
    sendSnapshot(snapshot(mission()))
    await tick()
    expect(screen.getByTestId('mission-goal').textContent).toBe('Add a farewell function')
    expect(screen.getByTestId('mission-phase').textContent).toBe('completed')
    expect(screen.getByTestId('mission-result').textContent).toBe('Done: farewell() added.')
    expect(screen.getAllByTestId('agent')).toHaveLength(1)
    expect(screen.getByText(/1\.2k tokens · \$0 · 2\.5 s/)).toBeTruthy()
  })

  it('replaces the whole state on each snapshot', async () => {
    render(App)
    sendSnapshot(snapshot(mission({ result: 'first' })))
    await tick()
    sendSnapshot(snapshot(mission({ id: 'm2', phase: 'planning', result: undefined, endedAt: undefined })))
    await tick()
    expect(screen.queryByTestId('mission-result')).toBeNull()
    expect(screen.getByTestId('mission-phase').textContent).toBe('planning')
  })

  it('posts a goal typed in the form, and refuses an empty one with a message', async () => {
    render(App)
    sendSnapshot(snapshot())
    await tick()
    posted.length = 0
    const form = screen.getByRole('form', { name: 'New mission' })
    await fireEvent.submit(form)
    expect(screen.getByRole('alert').textContent).toBe('Type a goal first.')
    expect(posted).toEqual([])
    await fireEvent.input(screen.getByLabelText('Mission goal'), { target: { value: 'Write the docs' } })
    await fireEvent.submit(form)
    expect(posted).toEqual([{ type: 'mission.start', goal: 'Write the docs' }])
  })

  it('offers Stop only while the mission runs, and posts mission.stop', async () => {
    render(App)
    sendSnapshot(snapshot(mission({ phase: 'planning', result: undefined, endedAt: undefined })))
    await tick()
    posted.length = 0
    await fireEvent.click(screen.getByRole('button', { name: /Stop/ }))
    expect(posted).toEqual([{ type: 'mission.stop' }])
    sendSnapshot(snapshot(mission()))
    await tick()
    expect(screen.queryByRole('button', { name: /Stop/ })).toBeNull()
  })

  it('shows why missions are blocked instead of the form', async () => {
    render(App)
    sendSnapshot(snapshot(undefined, { blocked: 'This workspace is not trusted.' }))
    await tick()
    expect(screen.getByRole('alert').textContent).toContain('This workspace is not trusted.')
    expect(screen.queryByRole('form')).toBeNull()
  })

  it('ignores messages that are not host messages', async () => {
    render(App)
    window.dispatchEvent(new MessageEvent('message', { data: { type: 'nonsense' } }))
    await tick()
    expect(screen.getByText('Connecting…')).toBeTruthy()
  })
})
