import { fireEvent, render, screen, within } from '@testing-library/svelte'
import { tick } from 'svelte'
import { beforeEach, describe, expect, it } from 'vitest'
import App from '../../webview/App.svelte'
import ChangedFiles from '../../webview/components/ChangedFiles.svelte'
import TranscriptButton from '../../webview/components/TranscriptButton.svelte'
import type { AttemptView } from '../../src/shared/protocol'
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

describe("a todo's attempts", () => {
  const history: AttemptView[] = [
    {
      attempt: 1,
      sessionId: 'w1',
      report: { status: 'done', summary: 'added greet', filesChanged: ['src/greet.ts'] },
      reviewerSessionId: 'r1',
      review: { verdict: 'fail', findings: ['no test'] },
      requeued: 'review failed',
    },
    {
      attempt: 2,
      sessionId: 'w2',
      report: { status: 'done', summary: 'added the test', filesChanged: ['test/greet.test.ts'] },
      reviewerSessionId: 'r2',
      review: { verdict: 'pass', findings: [] },
    },
  ]

  it("shows every attempt with its worker's report and its review, and opens each agent's transcript", async () => {
    render(App)
    sendSnapshot(
      snapshot(running({ todos: [todo({ id: 'greet', status: 'passed', attempts: 2, history })] })),
    )
    await tick()
    await fireEvent.click(within(screen.getByTestId('todo')).getAllByRole('button')[0]!)
    const attempts = screen.getAllByTestId('attempt')
    expect(attempts.map((a) => within(a).getByTestId('attempt-report').textContent?.trim())).toEqual([
      'Report added greet (src/greet.ts)',
      'Report added the test (test/greet.test.ts)',
    ])
    expect(screen.getAllByTestId('review').map((r) => r.textContent?.trim())).toEqual([
      'Review of attempt 1 failed: no test',
      'Review of attempt 2 passed',
    ])
    expect(attempts[0]?.textContent).toContain('Back to the queue: review failed')
    posted.length = 0
    // The agents of the first attempt finished long ago: their transcripts are still a click away.
    await fireEvent.click(within(attempts[0]!).getByRole('button', { name: /reviewer of attempt 1/ }))
    await fireEvent.click(within(attempts[1]!).getByRole('button', { name: /worker of attempt 2/ }))
    expect(posted).toEqual([
      { type: 'agent.transcript', sessionId: 'r1' },
      { type: 'agent.transcript', sessionId: 'w2' },
    ])
  })
})
