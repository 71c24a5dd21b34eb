// A session's messages as a conversation for VS Code's Markdown preview: a header naming the agent,
// its todo and the session once; each brief; the assistant's reply (its model steps run together),
// with every tool call folded (<details>) around its input and a bounded output. A turn the engine
// ended on purpose (it aborts the closing model call once the mission tool's result is in) reads as
// such, not as an error. Everything passes the journal's scrubber first, and tool output is cut to
// its first bytes, so neither a secret nor a megabyte of output reaches the editor.

import type { TranscriptMessage, TranscriptPart } from '../ports'
import { TOOL_PLAN, TOOL_REPORT, TOOL_VERDICT } from '../protocol/mission-protocol'
import { scrubSecrets } from '../util/scrub-secrets'
import { cutLine } from '../util/cut-line'

/** Bytes of each tool call's output (and input) shown. */
export const TRANSCRIPT_OUTPUT_BYTES = 2048

export interface TranscriptHeader {
  title: string
  role?: string
  todoId?: string
  sessionId: string
  /** Shown under the title while the agent still runs. */
  live?: boolean
}

/** The mission tools whose result ends a turn, by what their result is called. */
const RESULTS: Record<string, string> = {
  [TOOL_PLAN]: 'plan',
  [TOOL_REPORT]: 'report',
  [TOOL_VERDICT]: 'verdict',
}

/** Input fields that say what a tool call worked on, most telling first. */
const HINT_FIELDS = ['description', 'command', 'filePath', 'path', 'pattern', 'url', 'query', 'todoId']
const HINT_CHARS = 80

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

const HTML: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => HTML[c] ?? c)

function bounded(text: string, maxBytes: number, lang = ''): string {
  // Scrub before the cut: a cut through "token: x" must not leave the value behind.
  const { head, more } = firstBytes(scrubSecrets(text), maxBytes)
  return more > 0 ? `${fenced(head, lang)}\n\n… ${more} more bytes` : fenced(head, lang)
}

function inputText(input: unknown): string {
  if (input === undefined) return ''
  if (typeof input === 'string') return input
  return JSON.stringify(input, null, 2) ?? ''
}

/** What a tool call worked on, in one short line (a command, a file), if its input says. */
function hint(input: unknown): string | undefined {
  const fields = typeof input === 'object' && input !== null ? (input as Record<string, unknown>) : {}
  const value =
    typeof input === 'string'
      ? input
      : HINT_FIELDS.map((k) => fields[k]).find((v) => typeof v === 'string' && v.trim())
  if (typeof value !== 'string') return undefined
  const line = scrubSecrets(value).trim().split('\n')[0] ?? ''
  return cutLine(line, HINT_CHARS)
}

/**
 * Text written as lines (a brief) with its line breaks kept: two spaces end each line outside fenced
 * code, where the preview would otherwise run the lines of a paragraph together.
 */
function keepLines(text: string): string {
  const lines = text.split('\n')
  let fence: string | undefined
  return lines
    .map((line, i) => {
      const marker = /^\s*(`{3,}|~{3,})/.exec(line)?.[1]
      if (fence !== undefined) {
        if (marker !== undefined && marker[0] === fence[0] && marker.length >= fence.length) fence = undefined
        return line
      }
      if (marker !== undefined) {
        fence = marker
        return line
      }
      return line.trim() && i < lines.length - 1 ? `${line}  ` : line
    })
    .join('\n')
}

/** A folded block; the blank lines let the preview render the Markdown inside as Markdown. */
const folded = (summary: string, body: string[]) =>
  ['<details>', `<summary>${summary}</summary>`, '', ...body, '', '</details>'].join('\n')

function renderTool(part: Extract<TranscriptPart, { type: 'tool' }>, maxBytes: number): string {
  const about = hint(part.input)
  const summary = [
    `<code>${escapeHtml(part.tool)}</code>`,
    ...(about ? [` ${escapeHtml(about)}`] : []),
    ...(part.status !== 'completed' ? [` · ${part.status}`] : []),
  ].join('')
  const body = [
    '**Input**',
    '',
    bounded(inputText(part.input), maxBytes, typeof part.input === 'object' ? 'json' : ''),
  ]
  if (part.output !== undefined && part.output !== '')
    body.push('', '**Output**', '', bounded(part.output, maxBytes))
  if (part.error !== undefined) body.push('', `**Error:** ${scrubSecrets(part.error)}`)
  return folded(summary, body)
}

function renderPart(part: TranscriptPart, role: TranscriptMessage['role'], maxBytes: number): string {
  switch (part.type) {
    case 'text':
      // The assistant writes Markdown; a brief is lines.
      return role === 'user' ? keepLines(scrubSecrets(part.text)) : scrubSecrets(part.text)
    case 'reasoning':
      return folded('Thinking', [scrubSecrets(part.text)])
    case 'tool':
      return renderTool(part, maxBytes)
  }
}

/** The title, and one line naming the agent, its todo and its session (the only place the id shows). */
export function transcriptHeader(header: TranscriptHeader): string {
  const about = [
    ...(header.role ? [header.role] : []),
    ...(header.todoId !== undefined ? [`todo \`${header.todoId}\``] : []),
    `session \`${header.sessionId}\``,
    ...(header.live ? ['live'] : []),
  ]
  return `# ${scrubSecrets(header.title)}\n\n${about.join(' · ')}`
}

const heading = (m: TranscriptMessage) =>
  m.role === 'user' ? '## Brief' : `## Assistant${m.agent ? ` (${m.agent})` : ''}`

/** Renders a transcript (pure); `maxBytes` bounds each tool input and output. */
export function renderTranscript(
  header: TranscriptHeader,
  messages: readonly TranscriptMessage[],
  maxBytes = TRANSCRIPT_OUTPUT_BYTES,
): string {
  const out = [transcriptHeader(header)]
  if (messages.length === 0) out.push('', '_No messages yet._')
  let previous: string | undefined
  /** The mission tool result the current turn produced, if any. */
  let result: string | undefined
  for (const m of messages) {
    if (m.role === 'user') result = undefined
    // Each brief is its own section; an assistant's model steps read as one reply.
    const section = heading(m)
    if (m.role === 'user' || section !== previous) out.push('', section)
    previous = section
    for (const p of m.parts) {
      out.push('', renderPart(p, m.role, maxBytes))
      if (p.type === 'tool' && p.status === 'completed' && RESULTS[p.tool]) result = RESULTS[p.tool]
    }
    if (m.aborted)
      out.push(
        '',
        result
          ? `_Turn ended by the orchestrator after the ${result}._`
          : '_Turn stopped before it finished._',
      )
    if (m.error !== undefined) out.push('', `**Error:** ${scrubSecrets(m.error)}`)
  }
  return `${out.join('\n')}\n`
}
