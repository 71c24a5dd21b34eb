import { fireEvent, render, screen } from '@testing-library/svelte'
import { tick } from 'svelte'
import { beforeEach, describe, expect, it } from 'vitest'
import App from '../../webview/App.svelte'
import SteerBox from '../../webview/components/SteerBox.svelte'
import TodoActions from '../../webview/components/TodoActions.svelte'
import { agent, mission, running, snapshot, todo } from './fixtures'
import { posted, sendSnapshot } from './host-fake'

beforeEach(() => {
  posted.length = 0
})

describe('todo actions', () => {
  it('cancels an open todo of a running mission, from the keyboard too', async () => {
    render(TodoActions, { todo: todo({ id: 'api', status: 'running' }), running: true })
    expect(screen.queryByRole('button', { name: 'Retry todo api' })).toBeNull()
    const cancel = screen.getByRole('button', { name: 'Cancel todo api' })
    cancel.focus()
    expect(document.activeElement).toBe(cancel)
    await fireEvent.click(cancel) // a native button: Enter and Space on it are this click
    expect(posted).toEqual([{ type: 'todo.cancel', todoId: 'api' }])
  })

  it('offers retry (and cancel) for a failed todo, only retry for a cancelled one', async () => {
    const { unmount } = render(TodoActions, { todo: todo({ id: 'api', status: 'failed' }), running: true })
    expect(screen.getByRole('button', { name: 'Cancel todo api' })).toBeTruthy()
    await fireEvent.click(screen.getByRole('button', { name: 'Retry todo api' }))
    expect(posted).toEqual([{ type: 'todo.retry', todoId: 'api' }])
    unmount()
    render(TodoActions, {
      todo: todo({ id: 'api', status: 'cancelled' }),
      running: true,
    })
    expect(screen.queryByRole('button', { name: 'Cancel todo api' })).toBeNull()
    expect(screen.getByRole('button', { name: 'Retry todo api' })).toBeTruthy()
  })

  it('offers nothing on a passed todo or an ended mission', () => {
    render(TodoActions, { todo: todo({ status: 'passed' }), running: true })
    render(TodoActions, { todo: todo({ status: 'failed' }), running: false })
    expect(screen.queryAllByRole('button')).toEqual([])
  })

  it('shows on the dashboard which cancelled todo blocks a todo, with the row’s buttons', async () => {
    render(App)
    sendSnapshot(
      snapshot(
        running({
          todos: [
            todo({ id: 'a', status: 'cancelled', reason: 'cancelled by the user' }),
            todo({
              id: 'c',
              status: 'blocked',
              dependsOn: ['a'],
              blockedBy: ['a'],
              reason: 'blocked by cancelled a',
            }),
          ],
        }),
      ),
    )
    await tick()
    expect(screen.getAllByTestId('todo-reason').map((r) => r.textContent?.trim())).toEqual([
      'cancelled by the user',
      'blocked by cancelled a',
    ])
    expect(screen.getAllByTestId('todo').map((r) => r.dataset['status'])).toEqual(['cancelled', 'blocked'])
    posted.length = 0
    await fireEvent.click(screen.getByRole('button', { name: 'Retry todo a' }))
    await fireEvent.click(screen.getByRole('button', { name: 'Cancel todo c' }))
    expect(posted).toEqual([
      { type: 'todo.retry', todoId: 'a' },
      { type: 'todo.cancel', todoId: 'c' },
    ])
  })

  it('shows no buttons once the mission ended', async () => {
    render(App)
    sendSnapshot(snapshot(mission({ todos: [todo({ id: 'a', status: 'cancelled' })] })))
    await tick()
    expect(screen.queryByRole('button', { name: /todo a/ })).toBeNull()
  })
})

describe('steer an agent', () => {
  const worker = agent({
    sessionId: 'ses_w',
    role: 'worker',
    todoId: 'api',
    status: 'busy',
    title: 'Worker: api',
  })

  it('opens a message box from the keyboard, sends the trimmed text with Enter, and closes', async () => {
    render(SteerBox, { agent: worker })
    const steer = screen.getByRole('button', { name: 'Steer worker on api' })
    steer.focus()
    await fireEvent.click(steer)
    expect(steer.getAttribute('aria-expanded')).toBe('true')
    const input = screen.getByRole('textbox', { name: 'Message to the worker on api' })
    await tick()
    expect(document.activeElement).toBe(input)
    await fireEvent.input(input, { target: { value: '  keep the API  ' } })
    await fireEvent.submit(input.closest('form')!)
    expect(posted).toEqual([{ type: 'agent.steer', sessionId: 'ses_w', text: 'keep the API' }])
    expect(screen.queryByRole('textbox')).toBeNull()
  })

  it('sends nothing for an empty message, and Escape closes the box', async () => {
    render(SteerBox, { agent: worker })
    await fireEvent.click(screen.getByRole('button', { name: 'Steer worker on api' }))
    const input = screen.getByRole('textbox')
    await fireEvent.submit(input.closest('form')!)
    expect(posted).toEqual([])
    expect((screen.getByRole('button', { name: 'Send' }) as HTMLButtonElement).disabled).toBe(true)
    await fireEvent.keyDown(input, { key: 'Escape' })
    expect(screen.queryByRole('textbox')).toBeNull()
  })

  it('offers no steering to an idle or finished agent', () => {
    render(SteerBox, { agent: { ...worker, status: 'idle' } })
    render(SteerBox, { agent: { ...worker, status: 'done' } })
    expect(screen.queryAllByRole('button')).toEqual([])
  })

  it('shows the receipt on the dashboard: queued, then delivered', async () => {
    render(App)
    const at = (status: 'queued' | 'delivered') =>
      snapshot(
        running({
          agents: [{ ...worker, steering: [{ id: 'steer_1', text: 'keep the API', status, queuedAt: 1 }] }],
        }),
      )
    sendSnapshot(at('queued'))
    await tick()
    const receipt = () => screen.getByTestId('steer-receipt')
    expect(receipt().dataset['status']).toBe('queued')
    expect(receipt().textContent).toContain('queued')
    expect(receipt().textContent).toContain('keep the API')
    sendSnapshot(at('delivered'))
    await tick()
    expect(receipt().dataset['status']).toBe('delivered')
    expect(receipt().textContent).toContain('delivered')
  })
})
