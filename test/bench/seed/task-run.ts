import type { OpencodeClient } from '@opencode-ai/sdk/v2'
import type { ScriptedProvider } from '../../../src/demo/scripted-provider'

// One `/task` typed in a user's session of a real server, measured from the outside the same way
// whichever plugin answers it: the wall time from the request to the sign that the mission ended, the
// model calls and characters the provider received meanwhile, the TUI toasts the server published and
// the messages that appeared in the user's session beside the command's own.

export interface TaskRunOptions {
  client: OpencodeClient
  provider: ScriptedProvider
  goal: string
  /** The agent the user has selected when typing /task (the original's /task uses the session's). */
  agent?: string
  /** The sign that the mission ended, from a toast or a text part written into the user's session. */
  ended: (sign: { toast?: { title: string; message: string }; text?: string }) => boolean
  timeoutMs: number
  /** Kept listening after the end, for late toasts, messages and model calls. */
  settleMs: number
}

export interface TaskRun {
  ended: boolean
  /** When the /task request was sent (epoch ms). */
  startedAt: number
  wallMs: number
  modelCalls: number
  chars: number
  /** Calls the provider received after the end was seen (within the settle time). */
  callsAfterEnd: number
  titleCalls: number
  toasts: string[]
  /** User messages other than the command's: sent to the model (synthetic or plain) or only shown (ignored). */
  injected: { toModel: number; shownOnly: number; firstLines: string[] }
}

export async function runTask(o: TaskRunOptions): Promise<TaskRun> {
  const { client, provider } = o
  const session = (await client.session.create({ title: 'Bench: side by side' })).data
  if (!session) throw new Error('could not create the user session')
  const toasts: string[] = []
  let endedAt: number | undefined
  let signalEnd: () => void = () => undefined
  const end = new Promise<void>((resolve) => (signalEnd = resolve))
  const abort = new AbortController()
  const sub = await client.event.subscribe(undefined, { signal: abort.signal, sseMaxRetryAttempts: 1 })
  let connected: () => void = () => undefined
  const ready = new Promise<void>((resolve) => (connected = resolve))
  const seen = (sign: Parameters<TaskRunOptions['ended']>[0]) => {
    if (endedAt === undefined && o.ended(sign)) {
      endedAt = Date.now()
      signalEnd()
    }
  }
  const listening = (async () => {
    for await (const raw of sub.stream as AsyncIterable<{
      type: string
      properties: Record<string, unknown>
    }>) {
      const p = raw.properties
      if (raw.type === 'server.connected') connected()
      if (raw.type === 'tui.toast.show') {
        const toast = { title: String(p.title ?? ''), message: String(p.message ?? '') }
        toasts.push(`${toast.title}: ${toast.message}`)
        seen({ toast })
      }
      if (raw.type === 'message.part.updated') {
        const part = p.part as { type?: string; sessionID?: string; text?: string } | undefined
        if (part?.type === 'text' && part.sessionID === session.id && part.text) seen({ text: part.text })
      }
    }
  })().catch(() => undefined)
  await ready
  const from = Date.now()
  const timer = setTimeout(signalEnd, o.timeoutMs)
  // The command's call returns when its own turn ends; the mission may go on after it.
  let failed: string | undefined
  const command = client.session
    .command({
      sessionID: session.id,
      command: 'task',
      arguments: o.goal,
      ...(o.agent !== undefined && { agent: o.agent }),
    })
    .then((res) => {
      if (res.error) failed = JSON.stringify(res.error)
    })
    .catch((err: unknown) => void (failed = String(err)))
    .finally(() => failed !== undefined && signalEnd())
  await end
  clearTimeout(timer)
  const to = endedAt ?? Date.now()
  await new Promise((r) => setTimeout(r, o.settleMs))
  abort.abort()
  await listening
  await Promise.race([command, new Promise((r) => setTimeout(r, 5_000))])
  if (failed !== undefined) throw new Error(`/task failed: ${failed}`)
  const calls = provider.requests.filter((r) => r.receivedAt >= from && !r.aborted)
  const chat = calls.filter((r) => r.kind === 'chat')
  return {
    ended: endedAt !== undefined,
    startedAt: from,
    wallMs: to - from,
    modelCalls: chat.length,
    chars: chat.reduce((n, r) => n + r.chars, 0),
    callsAfterEnd: chat.filter((r) => r.receivedAt > to).length,
    titleCalls: calls.filter((r) => r.kind === 'title').length,
    toasts,
    injected: await injectedMessages(client, session.id),
  }
}

/** The user messages of the session after the first one (the command's own). */
async function injectedMessages(client: OpencodeClient, sessionID: string): Promise<TaskRun['injected']> {
  const messages = (await client.session.messages({ sessionID })).data ?? []
  const users = messages.filter((m) => m.info.role === 'user').slice(1)
  let toModel = 0
  let shownOnly = 0
  const firstLines: string[] = []
  for (const m of users) {
    const texts = m.parts.flatMap((p) => (p.type === 'text' ? [p] : []))
    if (texts.length > 0 && texts.every((p) => p.ignored === true)) shownOnly++
    else toModel++
    firstLines.push(texts[0]?.text.split('\n')[0]?.slice(0, 80) ?? '')
  }
  return { toModel, shownOnly, firstLines }
}
