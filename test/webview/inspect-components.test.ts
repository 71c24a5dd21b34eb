import { fireEvent, render, screen, within } from '@testing-library/svelte'
import { tick } from 'svelte'
import { beforeEach, describe, expect, it } from 'vitest'
import App from '../../webview/App.svelte'
import ChangedFiles from '../../webview/components/ChangedFiles.svelte'
import TranscriptButton from '../../webview/components/TranscriptButton.svelte'
import { agent, running, snapshot, todo } from './fixtures'
import { posted, sendSnapshot } from './host-fake'

beforeEach(() => {
  posted.length = 0
})

describe('changed files of a todo', () => {
  it('lists each file as a button that asks the host for its diff', async () => {
    render(ChangedFiles, { todoId: 'greet', files: ['src/greet.ts', 'README.md'] })
    const buttons = screen.getAllByRole('button')
    expect(buttons.map((b) => b.textContent)).toEqual(['src/greet.ts', 'README.md'])
    await fireEvent.click(buttons[1]!)
    expect(posted).toEqual([{ type: 'file.diff', todoId: 'greet', path: 'README.md' }])
  })

  it('renders nothing when the todo changed no file', () => {
    render(ChangedFiles, { todoId: 'greet', files: [] })
    expect(screen.queryByTestId('changed-files')).toBeNull()
  })

  it("shows in a todo's detail with the worker's reported files", async () => {
    render(App)
    sendSnapshot(
      snapshot(
        running({ todos: [todo({ id: 'farewell', status: 'reported', filesChanged: ['src/greet.ts'] })] }),
      ),
    )
    await tick()
    expect(screen.queryByRole('button', { name: 'src/greet.ts' })).toBeNull() // until the row opens
    await fireEvent.click(within(screen.getByTestId('todo')).getAllByRole('button')[0] as HTMLElement)
    posted.length = 0
    await fireEvent.click(screen.getByRole('button', { name: 'src/greet.ts' }))
    expect(posted).toEqual([{ type: 'file.diff', todoId: 'farewell', path: 'src/greet.ts' }])
  })
})

describe('open transcript', () => {
  it('asks the host for the transcript of that session, from the keyboard too', async () => {
    render(TranscriptButton, { sessionId: 'ses_9', title: 'Worker: Add greet' })
    const button = screen.getByRole('button', { name: 'Open transcript of Worker: Add greet' })
    button.focus()
    expect(document.activeElement).toBe(button)
    await fireEvent.click(button)
    expect(posted).toEqual([{ type: 'agent.transcript', sessionId: 'ses_9' }])
  })

  it('is on every agent row of the dashboard', async () => {
    render(App)
    sendSnapshot(
      snapshot(
        running({
          agents: [
            agent({ sessionId: 'a1' }),
            agent({ sessionId: 'a2', role: 'worker', title: 'Worker: x' }),
          ],
        }),
      ),
    )
    await tick()
    posted.length = 0
    const buttons = screen.getAllByTestId('open-transcript')
    expect(buttons).toHaveLength(2)
    await fireEvent.click(buttons[1]!)
    expect(posted).toEqual([{ type: 'agent.transcript', sessionId: 'a2' }])
  })
})
