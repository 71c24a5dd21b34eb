import { describe, expect, it } from 'vitest'
import { toTranscriptMessage } from '../../src/opencode/transcript-port'

type Stored = Parameters<typeof toTranscriptMessage>[0]

/** An assistant message as the server stores it, with only the fields the port reads. */
const assistant = (error?: { name: string; data: Record<string, unknown> }): Stored =>
  ({
    info: { id: 'msg_2', role: 'assistant', agent: 'worker', ...(error && { error }) },
    parts: [{ type: 'text', text: 'Done.' }],
  }) as unknown as Stored

describe('stored messages narrowed for a transcript', () => {
  it('an aborted message is marked aborted, not failed (the engine ends turns by aborting them)', () => {
    const m = toTranscriptMessage(assistant({ name: 'MessageAbortedError', data: { message: 'Aborted' } }))
    expect(m).toMatchObject({ id: 'msg_2', role: 'assistant', agent: 'worker', aborted: true })
    expect(m.error).toBeUndefined()
  })

  it('any other error stays an error, with its message', () => {
    const m = toTranscriptMessage(assistant({ name: 'APIError', data: { message: 'rate limited' } }))
    expect(m.error).toBe('APIError: rate limited')
    expect(m.aborted).toBeUndefined()
  })

  it('a message that ended well has neither', () => {
    const m = toTranscriptMessage(assistant())
    expect(m).toEqual({
      id: 'msg_2',
      role: 'assistant',
      agent: 'worker',
      parts: [{ type: 'text', text: 'Done.' }],
    })
  })
})
