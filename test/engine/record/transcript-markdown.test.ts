import { describe, expect, it } from 'vitest'
import type { TranscriptMessage } from '../../../src/engine/ports'
import {
  firstBytes,
  renderTranscript,
  transcriptHeader,
} from '../../../src/engine/record/transcript-markdown'

const header = { title: 'Worker: Add greet', role: 'worker', todoId: 'greet', sessionId: 'ses_1' }

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

/** A worker's turn as OpenCode stores it when the engine ends it after the report. */
const endedAfter = (tool: string): TranscriptMessage[] => [
  { id: 'm1', role: 'user', parts: [{ type: 'text', text: 'todoId: greet\nWrite greet.ts' }] },
  {
    id: 'm2',
    role: 'assistant',
    agent: 'worker',
    parts: [{ type: 'tool', tool, status: 'completed', input: { todoId: 'greet' }, output: 'Recorded.' }],
  },
  { id: 'm3', role: 'assistant', agent: 'worker', aborted: true, parts: [] },
]

describe('transcript as a conversation', () => {
  it('shows the brief, the assistant text and each tool call with its input and output', () => {
    const md = renderTranscript(header, messages('hello\n'))
    for (const part of [
      '# Worker: Add greet',
      '## Brief\n\ntodoId: greet  \nWrite greet.ts',
      '## Assistant (worker)\n\nWriting the file.',
      '"command": "cat big.log"',
      '**Output**\n\n```\nhello\n```',
    ])
      expect(md).toContain(part)
    expect(md).not.toContain('more bytes')
  })

  it('folds each tool call, naming the tool and what it worked on, input and output inside', () => {
    const md = renderTranscript(header, messages('hello\n'))
    const call = md.slice(md.indexOf('<details>'), md.indexOf('</details>') + '</details>'.length)
    expect(call).toMatch(/^<details>\n<summary><code>bash<\/code> cat big\.log<\/summary>\n\n/)
    expect(call).toContain('"command": "cat big.log"')
    expect(call).toContain('```\nhello\n```')
    // Blank lines around the Markdown inside, or the preview shows it as raw HTML text.
    expect(call).toMatch(/\n\n<\/details>$/)
  })

  it("marks a tool call that did not complete in its summary, with the tool's error inside", () => {
    const md = renderTranscript(header, [
      {
        id: 'm2',
        role: 'assistant',
        parts: [
          { type: 'tool', tool: 'edit', status: 'error', input: { filePath: 'a.ts' }, error: 'no match' },
        ],
      },
    ])
    expect(md).toContain('<summary><code>edit</code> a.ts · error</summary>')
    expect(md).toContain('**Error:** no match')
  })

  it('escapes HTML in a summary, so an input cannot open or close tags there', () => {
    const md = renderTranscript(header, [
      {
        id: 'm2',
        role: 'assistant',
        parts: [
          { type: 'tool', tool: 'bash', status: 'completed', input: { command: 'echo "</details><b>x"' } },
        ],
      },
    ])
    expect(md).toContain('<summary><code>bash</code> echo &quot;&lt;/details&gt;&lt;b&gt;x&quot;</summary>')
  })

  it('names the agent, its todo and the session once, in the header; the body has no session id', () => {
    const md = renderTranscript(
      { title: 'Worker: Add greet', role: 'worker', todoId: 'greet', sessionId: 'ses_abc123' },
      messages('ok'),
    )
    expect(transcriptHeader(header)).toBe('# Worker: Add greet\n\nworker · todo `greet` · session `ses_1`')
    expect(md.split('ses_abc123')).toHaveLength(2)
    expect(md.indexOf('ses_abc123')).toBeLessThan(md.indexOf('## Brief'))
  })

  it('runs of assistant messages (one per model step) read as one reply', () => {
    const md = renderTranscript(header, endedAfter('orchestrator_report'))
    expect(md.match(/^## /gm)).toEqual(['## ', '## '])
  })

  it('shows a turn the engine ended after the mission tool result as an intentional end, not an error', () => {
    for (const [tool, what] of [
      ['orchestrator_report', 'report'],
      ['orchestrator_plan', 'plan'],
      ['orchestrator_verdict', 'verdict'],
    ] as const) {
      const md = renderTranscript(header, endedAfter(tool))
      expect(md).toContain(`_Turn ended by the orchestrator after the ${what}._`)
      expect(md).not.toMatch(/error|abort/i)
    }
  })

  it('shows an abort with no mission tool result before it as a stop, still not as an error', () => {
    const md = renderTranscript(header, [
      { id: 'm1', role: 'user', parts: [{ type: 'text', text: 'Write greet.ts' }] },
      { id: 'm2', role: 'assistant', aborted: true, parts: [{ type: 'text', text: 'Let me' }] },
    ])
    expect(md).toContain('_Turn stopped before it finished._')
    expect(md).not.toContain('**Error:**')
  })

  it('an earlier turn’s report does not make a later stop look like an intentional end', () => {
    const md = renderTranscript(header, [
      ...endedAfter('orchestrator_report'),
      { id: 'm4', role: 'user', parts: [{ type: 'text', text: 'Also add a test' }] },
      { id: 'm5', role: 'assistant', aborted: true, parts: [] },
    ])
    expect(md.split('_Turn ended by the orchestrator after the report._')).toHaveLength(2)
    expect(md.trimEnd().endsWith('_Turn stopped before it finished._')).toBe(true)
  })

  it('still shows a real error as an error', () => {
    const md = renderTranscript(header, [
      { id: 'm2', role: 'assistant', error: 'APIError: rate limited', parts: [] },
    ])
    expect(md).toContain('**Error:** APIError: rate limited')
  })

  it("keeps a brief's line breaks (the preview would run its lines together), but not inside its code", () => {
    const brief =
      'Review todoId: greet\nFiles: greet.ts\n\nThe check failed:\n```\nline 1\nline 2\n```\nFix it.'
    const md = renderTranscript(header, [{ id: 'm1', role: 'user', parts: [{ type: 'text', text: brief }] }])
    expect(md).toContain(
      'Review todoId: greet  \nFiles: greet.ts  \n\nThe check failed:  \n```\nline 1\nline 2\n```\nFix it.',
    )
  })

  it('folds reasoning', () => {
    const md = renderTranscript(header, [
      { id: 'm2', role: 'assistant', parts: [{ type: 'reasoning', text: 'Plan first.' }] },
    ])
    expect(md).toContain('<details>\n<summary>Thinking</summary>\n\nPlan first.\n\n</details>')
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

  it('scrubs secrets from text, tool input and output, and the summary', () => {
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
