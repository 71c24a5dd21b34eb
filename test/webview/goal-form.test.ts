import { fireEvent, screen } from '@testing-library/svelte'
import { tick } from 'svelte'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { PROTOCOL_VERSION } from '../../src/shared/protocol'
import { START_ANSWER_MS } from '../../webview/lib/start-request'
import { posted } from './host-fake'
import { show } from './show'

// Run sends the goal and waits for the host's answer: the box empties only once the mission is
// accepted, keeps the goal when it is refused, and a second click meanwhile does nothing (it said
// "Type a goal first." while the mission started).

beforeEach(() => {
  posted.length = 0
})
afterEach(() => {
  vi.useRealTimers()
})

const box = () => screen.getByLabelText('Mission goal') as HTMLTextAreaElement
const run = () => screen.getByRole('button', { name: /Run/ }) as HTMLButtonElement

async function typeAndRun(goal: string): Promise<string> {
  await fireEvent.input(box(), { target: { value: goal } })
  await fireEvent.click(run())
  const sent = posted.at(-1) as { type: string; goal: string; requestId: string }
  expect(sent).toEqual({ type: 'mission.start', goal, requestId: expect.any(String) })
  return sent.requestId
}

async function answer(requestId: string, accepted: boolean, reason?: string): Promise<void> {
  const data = { type: 'mission.startAnswer', protocol: PROTOCOL_VERSION, requestId, accepted, reason }
  window.dispatchEvent(new MessageEvent('message', { data }))
  await tick()
  await tick()
}

describe('Run, until the host answers', () => {
  it('ignores a second click while the start is unanswered: one request, no error, the goal kept', async () => {
    await show()
    await typeAndRun('Port the parser')
    await fireEvent.click(run())
    await fireEvent.submit(box().form!)
    expect(posted.filter((m) => (m as { type: string }).type === 'mission.start')).toHaveLength(1)
    expect(screen.queryByRole('alert')).toBeNull()
    expect(box().value).toBe('Port the parser')
    expect(run().disabled).toBe(true)
  })

  it('empties the box once the host accepts the mission', async () => {
    await show()
    const id = await typeAndRun('Port the parser')
    await answer(id, true)
    expect(box().value).toBe('')
    expect(run().disabled).toBe(false)
  })

  it('keeps the goal when the host refuses, says why (not as an error), and lets the user run it again', async () => {
    await show()
    const id = await typeAndRun('Port the parser')
    await answer(id, false, 'A mission is already under way: stop it first.')
    expect(box().value).toBe('Port the parser')
    expect(run().disabled).toBe(false)
    expect(screen.getByRole('status').textContent).toBe('A mission is already under way: stop it first.')
    expect(screen.queryByRole('alert')).toBeNull()
    const again = await typeAndRun('Port the parser')
    expect(again).not.toBe(id)
  })

  it('takes no answer to another request as its own', async () => {
    await show()
    const id = await typeAndRun('Port the parser')
    await answer(`${id}-other`, true)
    expect(box().value).toBe('Port the parser')
    expect(run().disabled).toBe(true)
  })

  it('gives Run back, the goal kept, when no answer comes in time', async () => {
    vi.useFakeTimers()
    await show()
    await typeAndRun('Port the parser')
    await vi.advanceTimersByTimeAsync(START_ANSWER_MS)
    await tick()
    expect(run().disabled).toBe(false)
    expect(box().value).toBe('Port the parser')
  })
})
