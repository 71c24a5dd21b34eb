// TranscriptPort on the SDK: a session's stored messages narrowed to what a transcript shows, read
// with one request. Parts a reader has no use for (step markers, snapshots, patches) are left out.

import type { OpencodeClient } from '@opencode-ai/sdk/v2'
import type { TranscriptMessage, TranscriptPart, TranscriptPort } from '../engine/ports'

type Message = NonNullable<Awaited<ReturnType<OpencodeClient['session']['messages']>>['data']>[number]

function toPart(p: Message['parts'][number]): TranscriptPart | undefined {
  switch (p.type) {
    case 'text':
      return p.ignored ? undefined : { type: 'text', text: p.text }
    case 'reasoning':
      return { type: 'reasoning', text: p.text }
    case 'tool': {
      const s = p.state
      return {
        type: 'tool',
        tool: p.tool,
        status: s.status,
        input: s.input,
        ...(s.status === 'completed' && { output: s.output }),
        ...(s.status === 'error' && { error: s.error }),
      }
    }
    default:
      return undefined
  }
}

/** An abort is how the engine ends a turn (and how cancel and stop end one): no failure. */
function aborted(m: Message): boolean {
  return m.info.role === 'assistant' && m.info.error?.name === 'MessageAbortedError'
}

function errorText(m: Message): string | undefined {
  if (m.info.role !== 'assistant' || !m.info.error || aborted(m)) return undefined
  const data = m.info.error.data as { message?: unknown } | undefined
  return typeof data?.message === 'string' ? `${m.info.error.name}: ${data.message}` : m.info.error.name
}

export function toTranscriptMessage(m: Message): TranscriptMessage {
  const error = errorText(m)
  return {
    id: m.info.id,
    role: m.info.role,
    ...(m.info.role === 'assistant' && { agent: m.info.agent }),
    ...(error !== undefined && { error }),
    ...(aborted(m) && { aborted: true }),
    parts: m.parts.map(toPart).filter((p) => p !== undefined),
  }
}

/** Reads through whatever client is current (a supervised server's client changes on restart). */
export class OpencodeTranscriptPort implements TranscriptPort {
  constructor(private readonly client: () => OpencodeClient) {}

  async transcript(sessionId: string): Promise<TranscriptMessage[]> {
    const res = await this.client().session.messages({ sessionID: sessionId })
    if (res.error !== undefined || res.data === undefined) {
      const status = res.response ? `HTTP ${res.response.status}` : 'no response'
      throw new Error(`messages of ${sessionId} failed: ${status}`)
    }
    return res.data.map(toTranscriptMessage)
  }
}
