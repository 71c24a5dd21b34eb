import type { Event } from '@opencode-ai/sdk/v2'
import type { HostError, HostEvent } from '../engine/ports'

type SdkError = NonNullable<Extract<Event, { type: 'session.error' }>['properties']['error']>

/** Narrows an SDK error to what the engine reads; the response body is never kept. */
export function toHostError(error: SdkError): HostError {
  const data = (error.data ?? {}) as {
    message?: string
    statusCode?: number
    isRetryable?: boolean
    responseHeaders?: Record<string, string>
  }
  const retryAfter = data.responseHeaders?.['retry-after'] ?? data.responseHeaders?.['Retry-After']
  const retryAfterMs =
    retryAfter !== undefined && Number.isFinite(Number(retryAfter)) ? Number(retryAfter) * 1000 : undefined
  return {
    name: error.name,
    message: data.message ?? error.name,
    ...(data.statusCode !== undefined && { statusCode: data.statusCode }),
    retryable: data.isRetryable ?? false,
    ...(retryAfterMs !== undefined && { retryAfterMs }),
  }
}

/** Maps one SDK event to engine events (none for the many the engine ignores). */
export function toHostEvents(event: Event): HostEvent[] {
  switch (event.type) {
    case 'server.connected':
      return [{ type: 'connected' }]
    case 'session.created': {
      const info = event.properties.info
      return [
        {
          type: 'session.created',
          sessionId: info.id,
          title: info.title,
          ...(info.parentID !== undefined && { parentId: info.parentID }),
        },
      ]
    }
    case 'session.status':
      return [
        { type: 'session.status', sessionId: event.properties.sessionID, status: event.properties.status },
      ]
    case 'session.idle':
      return [{ type: 'session.idle', sessionId: event.properties.sessionID }]
    case 'session.compacted':
      return [{ type: 'session.compacted', sessionId: event.properties.sessionID }]
    case 'session.error': {
      const { sessionID, error } = event.properties
      if (!error) return []
      return [
        {
          type: 'session.error',
          ...(sessionID !== undefined && { sessionId: sessionID }),
          error: toHostError(error),
        },
      ]
    }
    case 'message.updated': {
      const info = event.properties.info
      if (info.role !== 'assistant') return []
      const t = info.tokens
      return [
        {
          type: 'message.assistant',
          sessionId: info.sessionID,
          messageId: info.id,
          providerId: info.providerID,
          modelId: info.modelID,
          tokens: t.total ?? t.input + t.output + t.reasoning + t.cache.read + t.cache.write,
          contextTokens: t.input + t.cache.read + t.cache.write,
          cost: info.cost,
          completed: info.time.completed !== undefined,
          ...(info.finish !== undefined && { finish: info.finish }),
          ...(info.error && { error: toHostError(info.error as SdkError) }),
        },
      ]
    }
    case 'message.part.updated': {
      const part = event.properties.part
      if (part.type === 'text') {
        if (part.synthetic || part.ignored) return []
        return [
          {
            type: 'part.text',
            sessionId: part.sessionID,
            messageId: part.messageID,
            partId: part.id,
            text: part.text,
            final: part.time?.end !== undefined,
          },
        ]
      }
      if (part.type === 'tool') {
        const s = part.state
        return [
          {
            type: 'part.tool',
            sessionId: part.sessionID,
            messageId: part.messageID,
            callId: part.callID,
            tool: part.tool,
            status: s.status,
            input: s.input,
            ...(s.status === 'error' && { error: s.error }),
          },
        ]
      }
      return []
    }
    case 'permission.asked': {
      const p = event.properties
      return [
        {
          type: 'permission.asked',
          requestId: p.id,
          sessionId: p.sessionID,
          permission: p.permission,
          patterns: p.patterns,
        },
      ]
    }
    case 'permission.replied': {
      const p = event.properties as { sessionID: string; requestID: string }
      return [{ type: 'permission.replied', requestId: p.requestID, sessionId: p.sessionID }]
    }
    default:
      return []
  }
}
