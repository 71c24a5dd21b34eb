import { describe, expect, it } from 'vitest'
import type { TranscriptMessage } from '../../../src/engine/ports'
import { firstBytes, renderTranscript } from '../../../src/engine/record/transcript-markdown'

const header = { title: 'Worker: Add greet', role: 'worker', sessionId: 'ses_1' }

const messages = (output: string): TranscriptMessage[] => [
  { id: 'm1', role: 'user', parts: [{ type: 'text', text: 'todoId: greet\nWrite greet.ts' }] },
  {
    id: 'm2',
    role: 'assistant',
    agent: 'worker',
    parts: [
      { type: 'text', text: 'Writing the file.' },
      { type: 'tool', tool: 'bash', status: 'completed', input: { command: 'cat big.log' }, output },
    ],
  },
]

describe('transcript as Markdown', () => {
  it('shows the brief, the assistant text and each tool call with its input and output', () => {
    const md = renderTranscript(header, messages('hello\n'))
    for (const part of [
      '# Worker: Add greet',
      '## Brief\n\ntodoId: greet\nWrite greet.ts',
      '## Assistant (worker)\n\nWriting the file.',
      '#### Tool `bash` (completed)',
      '"command": "cat big.log"',
      'Output:\n\n```\nhello\n```',
    ])
      expect(md).toContain(part)
    expect(md).not.toContain('more bytes')
  })

  it('bounds each output to its first bytes and says how many were left out', () => {
    const md = renderTranscript(header, messages('a'.repeat(5000)), 2048)
    expect(md).toContain('a'.repeat(2048))
    expect(md).not.toContain('a'.repeat(2049))
    expect(md).toContain('… 2952 more bytes')
  })

  it('never cuts inside a character', () => {
    expect(firstBytes('ééé', 3)).toEqual({ head: 'é', more: 4 })
  })

  it('scrubs secrets from text, tool input and output', () => {
    const msgs: TranscriptMessage[] = [
      {
        id: 'm1',
        role: 'user',
        parts: [{ type: 'text', text: 'use api_key=sk-live-abcdefghijklmnopqrstuv' }],
      },
      {
        id: 'm2',
        role: 'assistant',
        parts: [
          {
            type: 'tool',
            tool: 'bash',
            status: 'completed',
            input: { command: 'curl -H "Authorization: Bearer abcdefghijklmnop123"' },
            output: 'password: hunter2\nok',
          },
        ],
      },
    ]
    const md = renderTranscript(header, msgs)
    expect(md).not.toContain('sk-live-abcdefghijklmnopqrstuv')
    expect(md).not.toContain('abcdefghijklmnop123')
    expect(md).not.toContain('hunter2')
    expect(md).toContain('[redacted]')
  })

  it('keeps a fence intact when the output holds backticks', () => {
    const md = renderTranscript(header, messages('```\nnot the end'))
    expect(md).toContain('````\n```\nnot the end\n````')
  })
})
