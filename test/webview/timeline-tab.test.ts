// The timeline at full width: the dashboard's "Open Timeline" button asks the host for the editor
// tab, and the tab's own app (mounted by the same bundle when its document says so) shows the
// mission's timeline alone, live from the same snapshots and deltas, with no controls of its own.
import { fireEvent, render, screen, within } from '@testing-library/svelte'
import { tick } from 'svelte'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { PROTOCOL_VERSION, type TimelineLaneView } from '../../src/shared/protocol'
import TimelineApp from '../../webview/TimelineApp.svelte'
import { agent, mission, running, snapshot } from './fixtures'
import { acks, posted, sendSnapshot } from './host-fake'
import { show } from './show'

const lane = (patch: Partial<TimelineLaneView> = {}): TimelineLaneView => ({
  sessionId: 's1',
  role: 'planner',
  title: 'Planner: Add a farewell function',
  spans: [{ kind: 'thinking', start: 1_000, end: 2_000 }],
  compactions: [],
  ...patch,
})
const worker = lane({
  sessionId: 'w1',
  role: 'worker',
  title: 'Worker: farewell',
  todoId: 'farewell',
  spans: [{ kind: 'tool', name: 'edit', todoId: 'farewell', start: 2_000, end: 3_000 }],
})

const send = (data: unknown) => window.dispatchEvent(new MessageEvent('message', { data }))

beforeEach(() => {
  posted.length = 0
  acks.length = 0
})
afterEach(() => {
  vi.useRealTimers()
})

describe('the dashboard’s Open Timeline button', () => {
  it('sits in the timeline’s head and asks the host for the editor tab', async () => {
    await show(mission({ timeline: [lane()] }))
    const button = within(screen.getByTestId('timeline')).getByRole('button', { name: 'Open Timeline' })
    expect(button.querySelector('.codicon-link-external')).not.toBeNull()
    await fireEvent.click(button)
    expect(posted).toEqual([{ type: 'timeline.open' }])
  })

  it('is not there while the mission has no timeline yet', async () => {
    await show(running({ timeline: [] }))
    expect(screen.queryByRole('button', { name: 'Open Timeline' })).toBeNull()
  })
})

describe('the timeline tab’s app', () => {
  it('says ready with the protocol version on mount, as the dashboard does', () => {
    render(TimelineApp)
    expect(posted).toEqual([{ type: 'ready', protocol: PROTOCOL_VERSION }])
  })

  it('says there is no mission to show when the host has none', async () => {
    render(TimelineApp)
    sendSnapshot(snapshot())
    await tick()
    expect(screen.getByTestId('timeline-empty').textContent).toBe('No mission to show yet.')
    expect(screen.queryByTestId('timeline')).toBeNull()
  })

  it('shows the mission’s name, phase and timeline alone: no dashboard, no button to open itself', async () => {
    render(TimelineApp)
    sendSnapshot(
      snapshot(mission({ title: 'Farewell', timeline: [lane(), worker], todos: [] }), {
        missions: [{ id: 'm1', goal: 'Add a farewell function', status: 'completed', startedAt: 1_000 }],
      }),
    )
    await tick()
    expect(screen.getByTestId('timeline-app')).toBeTruthy()
    expect(screen.getByTestId('timeline-mission').textContent).toBe('Farewell')
    expect(screen.getByTestId('timeline-mission').title).toBe('Add a farewell function')
    expect(screen.getByTestId('mission-phase').textContent).toBe('completed')
    expect(screen.getByTestId('timeline-duration').textContent).toBe('2.5 s')
    const timeline = screen.getByTestId('timeline')
    expect(
      within(timeline)
        .getAllByTestId('timeline-group')
        .map((g) => g.dataset.todo ?? ''),
    ).toEqual(['', 'farewell'])
    expect(within(timeline).getAllByTestId('span')).toHaveLength(2)
    expect(screen.queryByRole('button', { name: 'Open Timeline' })).toBeNull()
    // What the sidebar holds besides the timeline stays there.
    expect(screen.queryByLabelText('Mission goal')).toBeNull()
    expect(screen.queryByTestId('mission-list')).toBeNull()
    expect(screen.queryByTestId('agent')).toBeNull()
  })

  it('names the goal’s first line when the plan gave no title, and says when no lane has started', async () => {
    render(TimelineApp)
    sendSnapshot(snapshot(running({ goal: 'Write the docs\nand the tests', timeline: [] })))
    await tick()
    expect(screen.getByTestId('timeline-mission').textContent).toBe('Write the docs')
    expect(screen.getByTestId('timeline-empty').textContent).toBe(
      'No timeline yet: its lanes start with the first agent.',
    )
  })

  it('follows the mission live: deltas add lanes, each message acknowledged once drawn', async () => {
    vi.useFakeTimers({ toFake: ['requestAnimationFrame'] })
    render(TimelineApp)
    posted.length = 0
    const state = snapshot(running({ agents: [agent({ status: 'busy' })], timeline: [lane()] }))
    send({ type: 'snapshot', protocol: PROTOCOL_VERSION, seq: 1, state })
    await tick()
    expect(screen.getAllByRole('listitem').filter((l) => l.hasAttribute('data-lane'))).toHaveLength(1)
    send({
      type: 'delta',
      protocol: PROTOCOL_VERSION,
      seq: 2,
      base: 1,
      mission: { id: 'm1', lanes: [worker], laneOrder: ['s1', 'w1'] },
    })
    await tick()
    vi.advanceTimersToNextFrame()
    const lanes = screen.getAllByRole('listitem').filter((l) => l.hasAttribute('data-lane'))
    expect(lanes.map((l) => l.dataset.lane)).toEqual(['s1', 'w1'])
    expect(acks.at(-1)).toBe(2)
    expect(posted).toEqual([])
  })

  it('asks to be reloaded when the host speaks another protocol version', async () => {
    render(TimelineApp)
    sendSnapshot(snapshot(mission({ timeline: [lane()] })), PROTOCOL_VERSION + 1)
    await tick()
    expect(screen.getByRole('alert').textContent).toContain('Developer: Reload Window')
    expect(screen.queryByTestId('timeline')).toBeNull()
  })
})

describe('the bundle’s entry', () => {
  afterEach(() => {
    document.body.replaceChildren()
    vi.resetModules()
  })

  async function boot(app: string): Promise<void> {
    document.body.innerHTML = app
    vi.resetModules()
    await import('../../webview/main')
    await tick()
  }

  it('mounts the timeline alone when the document marks #app for the timeline tab', async () => {
    await boot('<div id="app" data-mode="timeline"><p class="booting">Loading the timeline…</p></div>')
    expect(screen.getByTestId('timeline-app')).toBeTruthy()
    expect(screen.queryByText('Loading the timeline…')).toBeNull()
    expect(screen.queryByLabelText('Mission goal')).toBeNull()
  })

  it('mounts the dashboard when #app carries no mode', async () => {
    await boot('<div id="app"><p class="booting">Loading the dashboard…</p></div>')
    expect(screen.queryByTestId('timeline-app')).toBeNull()
    expect(screen.getByText('Connecting…')).toBeTruthy()
  })
})
