import { fireEvent, render, screen, within } from '@testing-library/svelte'
import { tick } from 'svelte'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import App from '../../webview/App.svelte'
import { PROTOCOL_VERSION } from '../../src/shared/protocol'
import { agent, ask, mission, running, snapshot, todo } from './fixtures'
import { posted, sendSnapshot } from './host-fake'
import { show } from './show'

beforeEach(() => {
  posted.length = 0
})

describe('dashboard webview', () => {
  it('says ready with the protocol version on mount', () => {
    render(App)
    expect(posted).toEqual([{ type: 'ready', protocol: PROTOCOL_VERSION }])
  })

  it('renders the mission goal, phase, result and agents from a snapshot', async () => {
    await show(mission())
    expect(screen.getByTestId('mission-goal').textContent).toBe('Add a farewell function')
    expect(screen.getByTestId('mission-phase').textContent).toBe('completed')
    expect(screen.getByTestId('mission-result').textContent).toContain('Done: farewell() added.')
    expect(screen.getAllByTestId('agent')).toHaveLength(1)
    expect(screen.getByText(/1\.2k tokens · \$0 · 2\.5 s/)).toBeTruthy()
  })

  it('says which check gives the evidence, and "completed — no check ran" when none ran', async () => {
    await show(mission({ check: { command: 'npm test', source: 'package.json scripts.test' } }))
    expect(screen.getByTestId('mission-phase').textContent).toBe('completed')
    expect(screen.getByTestId('mission-check').textContent).toBe(
      'check: npm test (package.json scripts.test)',
    )
    sendSnapshot(snapshot(mission({ check: { command: null, source: 'opted out' } })))
    await tick()
    expect(screen.getByTestId('mission-phase').textContent).toBe('completed — no check ran')
    expect(screen.getByTestId('mission-check').textContent).toBe('no check: opted out')
    sendSnapshot(snapshot(running({ check: { command: null, source: 'opted out' } })))
    await tick()
    expect(screen.getByTestId('mission-phase').textContent).toBe('working')
  })

  it('replaces the whole state on each snapshot', async () => {
    await show(mission({ result: 'first' }))
    sendSnapshot(snapshot(running({ id: 'm2', phase: 'planning' })))
    await tick()
    expect(screen.queryByTestId('mission-result')).toBeNull()
    expect(screen.getByTestId('mission-phase').textContent).toBe('planning')
  })

  it('posts a goal typed in the form, and refuses an empty one with a message', async () => {
    await show()
    const form = screen.getByRole('form', { name: 'New mission' })
    await fireEvent.submit(form)
    expect(screen.getByRole('alert').textContent).toBe('Type a goal first.')
    expect(posted).toEqual([])
    await fireEvent.input(screen.getByLabelText('Mission goal'), { target: { value: 'Write the docs' } })
    await fireEvent.submit(form)
    expect(posted).toEqual([{ type: 'mission.start', goal: 'Write the docs', requestId: expect.any(String) }])
  })

  it('offers Stop only while the mission runs, and posts mission.stop', async () => {
    await show(running({ phase: 'planning' }))
    await fireEvent.click(screen.getByRole('button', { name: /Stop/ }))
    expect(posted).toEqual([{ type: 'mission.stop' }])
    sendSnapshot(snapshot(mission()))
    await tick()
    expect(screen.queryByRole('button', { name: /Stop/ })).toBeNull()
  })

  it('pauses a running mission and resumes a paused one', async () => {
    await show(running())
    expect(screen.queryByRole('button', { name: /Resume/ })).toBeNull()
    await fireEvent.click(screen.getByRole('button', { name: /Pause/ }))
    expect(posted).toEqual([{ type: 'mission.pause' }])
    posted.length = 0
    sendSnapshot(snapshot(running({ paused: true })))
    await tick()
    expect(screen.getByText('paused')).toBeTruthy()
    expect(screen.queryByRole('button', { name: /Pause/ })).toBeNull()
    await fireEvent.click(screen.getByRole('button', { name: /Resume/ }))
    expect(posted).toEqual([{ type: 'mission.resume' }])
    sendSnapshot(snapshot(mission({ paused: true })))
    await tick()
    expect(screen.queryByRole('button', { name: /Pause|Resume/ })).toBeNull()
  })

  it('asks "keep waiting?" when the mission needs the user, and posts the answer', async () => {
    const deadline = Date.now() + 30_000
    await show(
      running({
        needsYou: { kind: 'stuck', role: 'planner', reason: 'waiting on fake: 500 — 3 retries', deadline },
      }),
    )
    const ask = screen.getByTestId('needs-you')
    expect(ask.textContent).toContain('The planner is stuck: waiting on fake: 500 — 3 retries.')
    expect(Number(within(ask).getByTestId('needs-you-secs').textContent)).toBeGreaterThan(25)
    await fireEvent.click(within(ask).getByRole('button', { name: 'Keep waiting' }))
    await fireEvent.click(within(ask).getByRole('button', { name: 'Stop' }))
    expect(posted).toEqual([{ type: 'mission.keepWaiting' }, { type: 'mission.stop' }])
    sendSnapshot(snapshot(running()))
    await tick()
    expect(screen.queryByTestId('needs-you')).toBeNull() // answered: the question is gone
  })

  it('shows why missions are blocked instead of the form', async () => {
    await show(undefined, { blocked: 'This workspace is not trusted.' })
    expect(screen.getByRole('alert').textContent).toContain('This workspace is not trusted.')
    expect(screen.queryByRole('form')).toBeNull()
  })

  it('ignores messages that are not host messages', async () => {
    render(App)
    window.dispatchEvent(new MessageEvent('message', { data: { type: 'nonsense' } }))
    await tick()
    expect(screen.getByText('Connecting…')).toBeTruthy()
  })

  it('asks for a reload instead of rendering a snapshot of another protocol version', async () => {
    render(App)
    sendSnapshot({ server: { status: 'ready' } }, PROTOCOL_VERSION + 1)
    await tick()
    expect(screen.getByRole('alert').textContent).toContain('Reload Window')
    expect(screen.queryByTestId('server-status')).toBeNull()
  })
})

describe('todos and progress', () => {
  const todos = [
    todo({ id: 'api', title: 'Add the API', status: 'passed', attempts: 1, summary: 'Added GET /farewell.' }),
    todo({
      id: 'ui',
      title: 'Add the button',
      status: 'failed',
      attempts: 2,
      dependsOn: ['api'],
      summary: 'Button added.',
      findings: ['no test for the click', 'label not translated'],
    }),
    todo({ id: 'docs', title: 'Document it', status: 'running', attempts: 1, dependsOn: ['api', 'ui'] }),
    todo({ id: 'e2e', title: 'End-to-end test', status: 'pending', dependsOn: ['ui'] }),
  ]

  it('lists every todo with its status, attempts, note and dependencies', async () => {
    await show(running({ todos }))
    const items = screen.getAllByTestId('todo')
    expect(items.map((li) => li.dataset.status)).toEqual(['passed', 'failed', 'running', 'pending'])
    const [api, ui, docs] = items as [HTMLElement, HTMLElement, HTMLElement]
    expect(within(api).getByText('Added GET /farewell.')).toBeTruthy()
    expect(within(api).queryByTitle('Attempts')).toBeNull()
    // A failed todo shows what the reviewer found, not the worker's claim.
    expect(within(ui).getByText('no test for the click · label not translated')).toBeTruthy()
    expect(within(ui).queryByText('Button added.')).toBeNull()
    expect(within(ui).getByTitle('Attempts').textContent).toBe('×2')
    expect(within(docs).getByText('after api, ui')).toBeTruthy()
    expect(api.querySelector('.codicon-pass-filled')).not.toBeNull()
    expect(ui.querySelector('.codicon-error')).not.toBeNull()
  })

  it('shows n/m todos passed with a bar and the iteration', async () => {
    await show(running({ todos, iteration: 2 }))
    expect(screen.getByTestId('progress').textContent).toBe('1/4 todos')
    expect(screen.getByText('1 failed')).toBeTruthy()
    expect(screen.getByText('iteration 2')).toBeTruthy()
    const bar = screen.getByRole('progressbar', { name: 'Todos passed' })
    expect(bar.getAttribute('aria-valuenow')).toBe('1')
    expect(bar.getAttribute('aria-valuemax')).toBe('4')
  })

  it('shows no progress and no todo list before the plan exists', async () => {
    await show(running({ phase: 'planning' }))
    expect(screen.queryByTestId('progress')).toBeNull()
    expect(screen.queryByTestId('todo')).toBeNull()
  })
})

describe('permission inbox', () => {
  it('is absent while nothing waits for the user', async () => {
    await show(running())
    expect(screen.queryByTestId('inbox-item')).toBeNull()
    expect(screen.queryByRole('region', { name: 'Permission requests' })).toBeNull()
  })

  it('lists each ask and posts the chosen reply with its request id', async () => {
    await show(
      running({
        inbox: [
          ask(),
          ask({ requestId: 'per_2', role: 'reviewer', todoId: undefined, permission: 'edit', patterns: [] }),
        ],
      }),
    )
    const inbox = screen.getByRole('region', { name: 'Permission requests' })
    const items = within(inbox).getAllByTestId('inbox-item')
    expect(items).toHaveLength(2)
    const [first, second] = items as [HTMLElement, HTMLElement]
    expect(first.textContent).toContain('farewell')
    expect(first.textContent).toContain('bash')
    expect(within(first).getByText('rm -rf build')).toBeTruthy()
    expect(second.textContent).toContain('edit')
    await fireEvent.click(within(first).getByRole('button', { name: 'Allow once' }))
    await fireEvent.click(within(second).getByRole('button', { name: 'Always' }))
    await fireEvent.click(within(first).getByRole('button', { name: 'Reject' }))
    expect(posted).toEqual([
      { type: 'permission.reply', requestId: 'per_1', reply: 'once' },
      { type: 'permission.reply', requestId: 'per_2', reply: 'always' },
      { type: 'permission.reply', requestId: 'per_1', reply: 'reject' },
    ])
  })
})

describe('live agents', () => {
  const T = 10_000_000

  beforeEach(() => {
    vi.useFakeTimers()
    vi.setSystemTime(T)
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('shows the todo, the current tool, tokens and the elapsed time of each agent', async () => {
    await show(
      running({
        agents: [
          agent({
            sessionId: 'w1',
            role: 'worker',
            status: 'busy',
            todoId: 'api',
            tool: 'edit',
            tokens: 512,
            startedAt: T - 65_000,
            busyMs: 0,
            busySince: T - 65_000,
            lastActivityAt: T - 1_000,
          }),
          agent({
            sessionId: 'w2',
            role: 'worker',
            status: 'retry',
            todoId: 'ui',
            provider: 'anthropic',
            retry: { attempt: 3, message: 'rate limited', next: T + 5_000 },
            startedAt: T - 5_000,
            lastActivityAt: T,
          }),
        ],
      }),
    )
    const [w1, w2] = screen.getAllByTestId('agent') as [HTMLElement, HTMLElement]
    expect(w1.dataset.role).toBe('worker')
    expect(within(w1).getByText('api')).toBeTruthy()
    expect(within(w1).getByText('busy · edit')).toBeTruthy()
    expect(w1.textContent).toContain('512 tokens · $0 · 1m 05s')
    const waiting = within(w2).getByTestId('waiting')
    expect(waiting.textContent).toBe('waiting on anthropic: rate limited — retry 3 in 5 s')
    vi.advanceTimersByTime(2_000)
    await tick()
    expect(w1.textContent).toContain('1m 07s')
    expect(waiting.textContent).toBe('waiting on anthropic: rate limited — retry 3 in 3 s') // counts down
  })

  it('marks a busy agent stale after 60 s without activity, and only then', async () => {
    await show(
      running({
        agents: [
          agent({
            sessionId: 'old',
            role: 'worker',
            status: 'busy',
            startedAt: T - 200_000,
            lastActivityAt: T - 90_000,
          }),
          agent({
            sessionId: 'new',
            role: 'reviewer',
            status: 'busy',
            startedAt: T - 30_000,
            lastActivityAt: T - 30_000,
          }),
          agent({
            sessionId: 'ask',
            role: 'worker',
            status: 'waiting',
            startedAt: T - 200_000,
            lastActivityAt: T - 90_000,
          }),
        ],
      }),
    )
    const [old, fresh, waiting] = screen.getAllByTestId('agent') as [HTMLElement, HTMLElement, HTMLElement]
    expect(within(old).getByTestId('stale').textContent).toContain('stale')
    expect(within(fresh).queryByTestId('stale')).toBeNull()
    expect(within(waiting).queryByTestId('stale')).toBeNull()
    vi.advanceTimersByTime(31_000)
    await tick()
    expect(within(fresh).getByTestId('stale')).toBeTruthy()
  })

  it('holds a timer only while some agent is live', async () => {
    await show(mission())
    expect(vi.getTimerCount()).toBe(0)
    sendSnapshot(snapshot(running({ agents: [agent({ status: 'busy', lastActivityAt: T })] })))
    await tick()
    expect(vi.getTimerCount()).toBe(1)
    sendSnapshot(snapshot(running({ agents: [agent({ status: 'idle', lastActivityAt: T })] })))
    await tick()
    expect(vi.getTimerCount()).toBe(0)
    sendSnapshot(snapshot(running({ agents: [agent({ status: 'busy', lastActivityAt: T })] })))
    await tick()
    sendSnapshot(snapshot(mission({ agents: [agent({ status: 'done' })] })))
    await tick()
    expect(vi.getTimerCount()).toBe(0)
  })
})
