// A session's messages as Markdown for the user to read: the brief, the assistant's text, each tool
// call with its input and a bounded output. Everything passes the journal's scrubber first, and tool
// output is cut to its first bytes, so neither a secret nor a megabyte of output reaches the editor.

import type { TranscriptMessage, TranscriptPart } from '../ports'
import { scrubSecrets } from '../util/scrub-secrets'

/** Bytes of each tool call's output (and input) shown. */
export const TRANSCRIPT_OUTPUT_BYTES = 2048

export interface TranscriptHeader {
  title: string
  role?: string
  sessionId: string
  /** Shown under the title while the agent still runs. */
  live?: boolean
}

const encoder = new TextEncoder()
const decoder = new TextDecoder()

/** The first `maxBytes` UTF-8 bytes of text (never ending inside a character) and what was left out. */
export function firstBytes(text: string, maxBytes: number): { head: string; more: number } {
  const bytes = encoder.encode(text)
  if (bytes.length <= maxBytes) return { head: text, more: 0 }
  let end = maxBytes
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end--
  return { head: decoder.decode(bytes.subarray(0, end)), more: bytes.length - end }
}

/** A fence longer than any backtick run inside, so no content can close it early. */
export function fenced(text: string, lang = ''): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length))
  const fence = '`'.repeat(longest + 1)
  return `${fence}${lang}\n${text.replace(/\n$/, '')}\n${fence}`
}

function bounded(text: string, maxBytes: number): string {
  // Scrub before the cut: a cut through "token: x" must not leave the value behind.
  const { head, more } = firstBytes(scrubSecrets(text), maxBytes)
  return more > 0 ? `${fenced(head)}\n\n… ${more} more bytes` : fenced(head)
}

function inputText(input: unknown): string {
  if (input === undefined) return ''
  if (typeof input === 'string') return input
  return JSON.stringify(input, null, 2) ?? ''
}

function renderPart(part: TranscriptPart, maxBytes: number): string {
  switch (part.type) {
    case 'text':
      return scrubSecrets(part.text)
    case 'reasoning':
      return `> _thinking:_ ${scrubSecrets(part.text).replace(/\n/g, '\n> ')}`
    case 'tool': {
      const lines = [
        `#### Tool \`${part.tool}\` (${part.status})`,
        '',
        'Input:',
        '',
        bounded(inputText(part.input), maxBytes),
      ]
      if (part.output !== undefined && part.output !== '')
        lines.push('', 'Output:', '', bounded(part.output, maxBytes))
      if (part.error !== undefined) lines.push('', `Error: ${scrubSecrets(part.error)}`)
      return lines.join('\n')
    }
  }
}

/** Renders a transcript (pure); `maxBytes` bounds each tool input and output. */
export function renderTranscript(
  header: TranscriptHeader,
  messages: readonly TranscriptMessage[],
  maxBytes = TRANSCRIPT_OUTPUT_BYTES,
): string {
  const out = [`# ${scrubSecrets(header.title)}`, '']
  out.push(
    `Session \`${header.sessionId}\`${header.role ? ` · ${header.role}` : ''}${header.live ? ' · live' : ''}`,
  )
  if (messages.length === 0) out.push('', '_No messages yet._')
  for (const m of messages) {
    const who = m.role === 'user' ? 'Brief' : `Assistant${m.agent ? ` (${m.agent})` : ''}`
    out.push('', `## ${who}`)
    for (const p of m.parts) out.push('', renderPart(p, maxBytes))
    if (m.error !== undefined) out.push('', `**Error:** ${scrubSecrets(m.error)}`)
  }
  return `${out.join('\n')}\n`
}
