import { describe, expect, it } from 'vitest'
import type { EventPort, TranscriptMessage } from '../../src/engine/ports'
import { TranscriptReader, type TranscriptPorts } from '../../src/vscode/transcript-reader'
import { FakeClock } from '../fixtures/fake-clock'
import { agentState } from '../fixtures/mission-state'

const flush = () => new Promise<void>((r) => setImmediate(r))

const conversation: TranscriptMessage[] = [
  { id: 'm1', role: 'user', parts: [{ type: 'text', text: 'Write greet.ts' }] },
  { id: 'm2', role: 'assistant', agent: 'worker', parts: [{ type: 'text', text: 'Writing it.' }] },
]

function setup(connect: () => Promise<TranscriptPorts>) {
  const clock = new FakeClock()
  const rereads: string[] = []
  const connected: TranscriptPorts[] = []
  const warnings: string[] = []
  const reader = new TranscriptReader({
    source: {
      connect,
      agent: (id) =>
        id === 'ses_w'
          ? agentState('ses_w', { title: 'Worker: Greet', todoId: 'greet', status: 'done' })
          : undefined,
    },
    clock,
    log: { debug() {}, info() {}, warn: (m) => void warnings.push(m), error() {} },
    reread: (id) => void rereads.push(id),
    connected: (p) => void connected.push(p),
    graceMs: 300,
  })
  return { clock, rereads, connected, warnings, reader }
}

function ports(read: (id: string) => Promise<TranscriptMessage[]> = async () => conversation) {
  const requests: string[] = []
  const events: EventPort = { subscribe: () => () => {} }
  const p: TranscriptPorts = {
    transcripts: {
      transcript: (id) => {
        requests.push(id)
        return read(id)
      },
    },
    events,
  }
  return { requests, ports: p }
}

function deferred<T>() {
  let resolve!: (v: T) => void
  let reject!: (e: unknown) => void
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)))
  return { promise, resolve, reject }
}

describe('reading a transcript for its document', () => {
  it('with the server up, renders the conversation from one request and reports the ports it used', async () => {
    const live = ports()
    const { reader, rereads, connected } = setup(async () => live.ports)
    const md = await reader.read('ses_w')
    expect(md).toContain('# Worker: Greet\n\nworker · todo `greet` · session `ses_w`')
    expect(md).toContain('## Brief\n\nWrite greet.ts')
    expect(md).toContain('Writing it.')
    expect(live.requests).toEqual(['ses_w'])
    expect(connected).toEqual([live.ports])
    expect(rereads).toEqual([])
  })

  it('does not keep the document waiting for a server start: it says so, and asks to be read again once the server is up', async () => {
    const start = deferred<TranscriptPorts>()
    const live = ports()
    const { reader, clock, rereads } = setup(() => start.promise)
    const first = reader.read('ses_w')
    clock.advance(300)
    const md = await first
    expect(md).toContain('# Worker: Greet')
    expect(md).toContain('Starting OpenCode to read this transcript')
    expect(live.requests).toEqual([])
    expect(rereads).toEqual([])

    start.resolve(live.ports)
    await flush()
    expect(rereads).toEqual(['ses_w'])
    expect(await reader.read('ses_w')).toContain('Writing it.')
    expect(live.requests).toEqual(['ses_w'])
  })

  it('a server that comes up within the grace is waited for (no placeholder flash)', async () => {
    const start = deferred<TranscriptPorts>()
    const live = ports()
    const { reader, clock, rereads } = setup(() => start.promise)
    const read = reader.read('ses_w')
    clock.advance(100)
    start.resolve(live.ports)
    expect(await read).toContain('Writing it.')
    expect(clock.pending).toBe(0)
    expect(rereads).toEqual([])
  })

  it('a start that fails after the placeholder is shown once on the next read; the read after that tries again', async () => {
    let starts = 0
    const start = deferred<TranscriptPorts>()
    const { reader, clock, rereads, warnings } = setup(() => {
      starts++
      return starts === 1 ? start.promise : new Promise<TranscriptPorts>(() => {})
    })
    const first = reader.read('ses_w')
    clock.advance(300)
    await first
    start.reject(new Error('opencode not found'))
    await flush()
    expect(rereads).toEqual(['ses_w'])
    expect(await reader.read('ses_w')).toContain('The transcript could not be read: opencode not found')
    expect(warnings.join('\n')).toContain('opencode not found')
    expect(starts).toBe(1)
    const again = reader.read('ses_w')
    clock.advance(300)
    expect(await again).toContain('Starting OpenCode')
    expect(starts).toBe(2)
  })

  it('a session the server does not know is said so in the document, not thrown', async () => {
    const gone = ports(async () => {
      throw new Error('messages of ses_x failed: HTTP 404')
    })
    const { reader } = setup(async () => gone.ports)
    const md = await reader.read('ses_x')
    expect(md).toContain('# Transcript')
    expect(md).toContain('The transcript could not be read: messages of ses_x failed: HTTP 404')
  })
})
