import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

// An OpenAI-compatible chat-completions server on 127.0.0.1 whose answers come from a script.
// The CLI's --demo mode and every test that needs a model use it; nothing here leaves loopback.

export interface ChatMessage {
  role: string
  content?: unknown
  tool_calls?: { id: string; function: { name: string; arguments: string } }[]
  tool_call_id?: string
}

/** One model call as OpenCode sent it, kept in the request log. */
export interface ChatRequest {
  index: number
  model: string
  /** `title` and `summary` calls come without tools and must be answered with text. */
  kind: 'title' | 'summary' | 'chat'
  system: string
  messages: ChatMessage[]
  tools: string[]
  /** Text of the last user message. */
  lastUserText: string
  /** Content of the trailing tool results, when the call continues after tools ran. */
  toolResults: string[]
  /** Size of the request body in characters. */
  chars: number
  receivedAt: number
  finishedAt?: number
  /** The client went away before the answer ended (abort). */
  aborted?: boolean
}

export type ScriptStep =
  | { text: string; delayMs?: number }
  | { toolCalls: { name: string; args: unknown }[]; text?: string; delayMs?: number }
  | {
      status: number
      message?: string
      headers?: Record<string, string>
      /** The body as it is, in place of the JSON error (e.g. a 200 that is no chat completion). */
      body?: string
      delayMs?: number
    }

export type Script = (request: ChatRequest) => ScriptStep | Promise<ScriptStep>

export interface ScriptedProviderOptions {
  script: Script
  /** Added to every step without its own delay. Default: 0. */
  latencyMs?: number
}

/** Default answer for OpenCode's own tool-less calls (title, summary). */
const housekeeping = (req: ChatRequest): ScriptStep | undefined =>
  req.kind === 'title'
    ? { text: 'Scripted title' }
    : req.kind === 'summary'
      ? { text: 'Summary.' }
      : undefined

export class ScriptedProvider {
  readonly requests: ChatRequest[] = []
  #inFlight = 0
  #maxInFlight = 0
  #script: Script
  #waiters: { test: (r: ChatRequest) => boolean; resolve: (r: ChatRequest) => void }[] = []

  private constructor(
    private readonly server: Server,
    options: ScriptedProviderOptions,
  ) {
    this.#script = options.script
    this.latencyMs = options.latencyMs ?? 0
  }
  latencyMs: number

  static async start(options: ScriptedProviderOptions): Promise<ScriptedProvider> {
    const server = createServer((req, res) => void self.handle(req, res))
    const self = new ScriptedProvider(server, options)
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(0, '127.0.0.1', () => resolve())
    })
    return self
  }

  /** Base URL for OpenCode's `@ai-sdk/openai-compatible` provider. */
  get baseUrl(): string {
    const { port } = this.server.address() as AddressInfo
    return `http://127.0.0.1:${port}/v1`
  }
  get inFlight(): number {
    return this.#inFlight
  }
  /** Highest number of model calls that were in flight at once. */
  get maxInFlight(): number {
    return this.#maxInFlight
  }
  /** Requests of kind `chat` (the ones a mission pays for). */
  get chatRequests(): ChatRequest[] {
    return this.requests.filter((r) => r.kind === 'chat')
  }

  setScript(script: Script): void {
    this.#script = script
  }

  /** Resolves with the first request (already logged or future) that passes the test. */
  waitFor(test: (r: ChatRequest) => boolean): Promise<ChatRequest> {
    const seen = this.requests.find(test)
    if (seen) return Promise.resolve(seen)
    return new Promise((resolve) => this.#waiters.push({ test, resolve }))
  }

  async close(): Promise<void> {
    this.server.closeAllConnections()
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
      res.writeHead(404).end()
      return
    }
    const raw = await readBody(req)
    let body: { model?: string; messages?: ChatMessage[]; tools?: { function: { name: string } }[] }
    try {
      body = JSON.parse(raw)
    } catch {
      res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":{"message":"bad json"}}')
      return
    }
    const request = toRequest(this.requests.length, body, raw.length)
    this.requests.push(request)
    this.#waiters = this.#waiters.filter((w) => (w.test(request) ? (w.resolve(request), false) : true))
    this.#inFlight++
    this.#maxInFlight = Math.max(this.#maxInFlight, this.#inFlight)
    let closed = false
    res.on('close', () => {
      closed = true
      if (!res.writableFinished) request.aborted = true
    })
    try {
      const step = housekeeping(request) ?? (await this.#script(request))
      await delay(step.delayMs ?? this.latencyMs)
      if (closed) return
      if ('status' in step) {
        const message = step.message ?? `scripted error ${step.status}`
        res.writeHead(step.status, { 'content-type': 'application/json', ...step.headers })
        res.end(step.body ?? JSON.stringify({ error: { message, type: 'scripted', code: step.status } }))
        return
      }
      writeStream(res, request, step)
    } catch (err) {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ error: { message: `script failed: ${String(err)}` } }))
    } finally {
      request.finishedAt = Date.now()
      this.#inFlight--
    }
  }
}

function toRequest(
  index: number,
  body: { model?: string; messages?: ChatMessage[]; tools?: { function: { name: string } }[] },
  chars: number,
): ChatRequest {
  const messages = body.messages ?? []
  const tools = (body.tools ?? []).map((t) => t.function.name)
  const system = messages
    .filter((m) => m.role === 'system')
    .map((m) => textOf(m.content))
    .join('\n')
  const lastUser = [...messages].reverse().find((m) => m.role === 'user')
  const lastUserText = lastUser ? textOf(lastUser.content) : ''
  const toolResults: string[] = []
  for (let i = messages.length - 1; i >= 0 && messages[i]?.role === 'tool'; i--)
    toolResults.unshift(textOf(messages[i]?.content))
  const kind =
    tools.length === 0 && system.includes('title generator')
      ? 'title'
      : tools.length === 0 && lastUserText.startsWith('Here is the conversation so far')
        ? 'summary'
        : 'chat'
  return {
    index,
    model: body.model ?? '',
    kind,
    system,
    messages,
    tools,
    lastUserText,
    toolResults,
    chars,
    receivedAt: Date.now(),
  }
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content
  if (Array.isArray(content))
    return content.map((c) => (typeof c === 'object' && c && 'text' in c ? String(c.text) : '')).join('')
  return ''
}

function writeStream(res: ServerResponse, req: ChatRequest, step: Exclude<ScriptStep, { status: number }>) {
  res.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
  })
  const id = `chatcmpl-${req.index}`
  const chunk = (choices: unknown[], extra: object = {}) =>
    res.write(
      `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created: 0, model: req.model, choices, ...extra })}\n\n`,
    )
  chunk([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }])
  const text = 'toolCalls' in step ? step.text : step.text
  if (text) chunk([{ index: 0, delta: { content: text }, finish_reason: null }])
  if ('toolCalls' in step) {
    step.toolCalls.forEach((call, i) =>
      chunk([
        {
          index: 0,
          delta: {
            tool_calls: [
              {
                index: i,
                id: `call_${req.index}_${i}`,
                type: 'function',
                function: { name: call.name, arguments: JSON.stringify(call.args) },
              },
            ],
          },
          finish_reason: null,
        },
      ]),
    )
  }
  chunk([{ index: 0, delta: {}, finish_reason: 'toolCalls' in step ? 'tool_calls' : 'stop' }])
  const prompt = Math.ceil(req.chars / 4)
  const completion = Math.ceil(((text?.length ?? 0) + JSON.stringify(step).length) / 4)
  chunk([], {
    usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion },
  })
  res.end('data: [DONE]\n\n')
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

const delay = (ms: number) => (ms > 0 ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve())

/** The OpenCode config that routes every agent to the scripted provider. */
export function scriptedProviderConfig(
  provider: ScriptedProvider,
  models: string[] = ['scripted-model'],
): object {
  const first = models[0] ?? 'scripted-model'
  return {
    provider: {
      scripted: {
        npm: '@ai-sdk/openai-compatible',
        name: 'Scripted',
        options: { baseURL: provider.baseUrl, apiKey: 'scripted' },
        models: Object.fromEntries(
          models.map((m) => [m, { name: m, tool_call: true, limit: { context: 200_000, output: 8_000 } }]),
        ),
      },
    },
    model: `scripted/${first}`,
    small_model: `scripted/${first}`,
    enabled_providers: ['scripted'],
  }
}
