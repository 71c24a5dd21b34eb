import { render, screen, within } from '@testing-library/svelte'
import { describe, expect, it } from 'vitest'
import type { AttemptView } from '../../src/shared/protocol'
import Attempts from '../../webview/components/Attempts.svelte'

// An attempt cancelled by the user, then a retry that passed: the first attempt says it was cancelled,
// not "no report yet" (nothing will report it). Only the latest attempt can still be waiting.

const passed: AttemptView = {
  attempt: 2,
  sessionId: 'w2',
  report: { status: 'done', summary: 'added the test', filesChanged: [] },
  reviewerSessionId: 'r2',
  review: { verdict: 'pass', findings: [] },
}

const lines = () => screen.getAllByTestId('attempt').map((a) => a.textContent?.replace(/\s+/g, ' ').trim())

describe('a cancelled attempt', () => {
  it('says it was cancelled once the retry passed', () => {
    render(Attempts, {
      todoId: 'greet',
      attempts: [{ attempt: 1, sessionId: 'w1', cancelled: 'cancelled by the user' }, passed],
    })
    const [first] = screen.getAllByTestId('attempt') as [HTMLElement]
    expect(within(first).getByTestId('attempt-cancelled').textContent?.trim()).toBe('Cancelled by the user')
    expect(lines()[0]).not.toContain('no report yet')
  })

  it('says why, whoever cancelled it, and keeps a report made before the cancel', () => {
    render(Attempts, {
      todoId: 'greet',
      attempts: [
        {
          attempt: 1,
          sessionId: 'w1',
          report: { status: 'done', summary: 'half of it', filesChanged: [] },
          cancelled: 'the budget ran out',
        },
      ],
    })
    expect(screen.getByTestId('attempt-report').textContent).toContain('half of it')
    expect(screen.getByTestId('attempt-cancelled').textContent?.trim()).toBe('Cancelled: the budget ran out')
  })

  it('without a word from the host, an earlier attempt with no report ended without one', () => {
    render(Attempts, { todoId: 'greet', attempts: [{ attempt: 1, sessionId: 'w1' }, passed] })
    expect(lines()[0]).toContain('ended without a report')
    expect(lines()[0]).not.toContain('no report yet')
  })

  it('the latest attempt, still working, has no report yet', () => {
    render(Attempts, { todoId: 'greet', attempts: [{ attempt: 1, sessionId: 'w1' }] })
    expect(lines()[0]).toContain('no report yet')
  })
})
