// The dashboard between snapshots: deltas from the host applied in order; a delta that does not
// follow the message the view holds makes it ask for a snapshot (once), never render a wrong state.
import { render, screen } from '@testing-library/svelte'
import { tick } from 'svelte'
import { beforeEach, describe, expect, it } from 'vitest'
import { PROTOCOL_VERSION, type MissionDelta } from '../../src/shared/protocol'
import App from '../../webview/App.svelte'
import { agent, running, snapshot } from './fixtures'
import { posted } from './host-fake'

beforeEach(() => {
  posted.length = 0
})

const send = (data: unknown) => window.dispatchEvent(new MessageEvent('message', { data }))
const delta = (seq: number, base: number, mission: MissionDelta, protocol = PROTOCOL_VERSION) =>
  send({ type: 'delta', protocol, seq, base, mission })
const statuses = () => screen.getAllByTestId('agent').map((a) => a.querySelector('.status')?.textContent)

async function start() {
  render(App)
  send({
    type: 'snapshot',
    protocol: PROTOCOL_VERSION,
    seq: 1,
    state: snapshot(running({ agents: [agent({ sessionId: 'a', status: 'busy' })] })),
  })
  await tick()
  posted.length = 0
}

describe('deltas on the dashboard', () => {
  it('applies deltas that follow the message it holds', async () => {
    await start()
    delta(2, 1, { id: 'm1', agents: [agent({ sessionId: 'a', status: 'busy', tool: 'edit' })] })
    await tick()
    expect(statuses()).toEqual(['busy · edit'])
    delta(3, 2, { id: 'm1', agents: [agent({ sessionId: 'b', status: 'starting' })], agentOrder: ['a', 'b'] })
    await tick()
    expect(statuses()).toEqual(['busy · edit', 'starting'])
    expect(posted).toEqual([])
  })

  it('asks for a snapshot once when a delta was missed, and ignores deltas until it comes', async () => {
    await start()
    delta(3, 2, { id: 'm1', agents: [agent({ sessionId: 'a', status: 'failed' })] })
    delta(4, 3, { id: 'm1', agents: [agent({ sessionId: 'a', status: 'done' })] })
    await tick()
    expect(statuses()).toEqual(['busy'])
    expect(posted).toEqual([{ type: 'ready', protocol: PROTOCOL_VERSION }])
    send({
      type: 'snapshot',
      protocol: PROTOCOL_VERSION,
      seq: 5,
      state: snapshot(running({ agents: [agent({ sessionId: 'a', status: 'idle' })] })),
    })
    delta(6, 5, { id: 'm1', agents: [agent({ sessionId: 'a', status: 'done' })] })
    await tick()
    expect(statuses()).toEqual(['done'])
    expect(posted).toHaveLength(1)
  })

  it('asks for a snapshot for a delta of another mission', async () => {
    await start()
    delta(2, 1, { id: 'other', fields: { goal: 'x' } })
    await tick()
    expect(posted).toEqual([{ type: 'ready', protocol: PROTOCOL_VERSION }])
  })
})
