// The dashboard's pacing: a snapshot when the view needs one, coalesced deltas while it keeps up, and
// at most one message it has not drawn: what changes meanwhile goes out as one delta on its ack.
import { describe, expect, it } from 'vitest'
import type { DashboardSnapshot, HostToWebview, MissionView } from '../../src/shared/protocol'
import { ACK_TIMEOUT_MS, DashboardFeed } from '../../src/vscode/dashboard-feed'
import { FakeClock } from '../fixtures/fake-clock'
import { running, snapshot } from '../webview/fixtures'

function setup() {
  const clock = new FakeClock(1_000)
  const sent: HostToWebview[] = []
  let mission: MissionView = running({ id: 'm', tokens: 0 })
  let open = true
  const unacknowledged: number[] = []
  const feed = new DashboardFeed({
    clock,
    state: (): DashboardSnapshot => snapshot(mission),
    open: () => open,
    post: (m) => void sent.push(m),
    unacknowledged: (seq) => void unacknowledged.push(seq),
  })
  const change = (tokens: number) => {
    mission = { ...mission, tokens }
    feed.changed()
  }
  const tokensOf = (m: HostToWebview | undefined) =>
    m?.type === 'delta' ? m.mission.fields?.tokens : m?.state.mission?.tokens
  return { clock, sent, feed, change, tokensOf, unacknowledged, setOpen: (o: boolean) => void (open = o) }
}

describe('dashboard feed', () => {
  it('sends deltas while the view acknowledges what it drew', () => {
    const { clock, sent, feed, change, tokensOf } = setup()
    feed.full()
    expect(sent.map((m) => m.type)).toEqual(['snapshot'])
    feed.rendered(sent[0]!.seq!)
    change(1)
    clock.advance(0)
    expect(sent.at(-1)).toMatchObject({ type: 'delta', base: 1, seq: 2 })
    expect(tokensOf(sent.at(-1))).toBe(1)
  })

  it('holds changes while a message is not drawn, and sends them as one delta on its ack', () => {
    const { clock, sent, feed, change, tokensOf } = setup()
    feed.full()
    for (let t = 1; t <= 5; t++) {
      change(t)
      clock.advance(16)
    }
    expect(sent).toHaveLength(1) // the snapshot, still not drawn
    expect(feed.holding).toBe(true)
    feed.rendered(0) // an older message's ack releases nothing
    expect(sent).toHaveLength(1)
    feed.rendered(sent[0]!.seq!)
    expect(sent).toHaveLength(2)
    expect(tokensOf(sent[1])).toBe(5) // the latest state, in one delta
    expect(feed.holding).toBe(false)
  })

  it('takes an ack that never comes as lost, says so, and sends again', () => {
    const { clock, sent, feed, change, unacknowledged } = setup()
    feed.full()
    change(1)
    clock.advance(ACK_TIMEOUT_MS - 1)
    expect(sent).toHaveLength(1)
    expect(unacknowledged).toEqual([])
    clock.advance(1)
    expect(sent.map((m) => m.type)).toEqual(['snapshot', 'delta'])
    expect(unacknowledged).toEqual([sent[0]!.seq])
  })

  it('does not report the ack of a view that was hidden meanwhile as lost', () => {
    const { clock, feed, setOpen, unacknowledged } = setup()
    feed.full()
    setOpen(false)
    clock.advance(ACK_TIMEOUT_MS)
    expect(unacknowledged).toEqual([])
  })

  it('sends nothing to a view that cannot take it, and a snapshot when it can again', () => {
    const { clock, sent, feed, change, tokensOf, setOpen } = setup()
    setOpen(false)
    feed.full()
    change(3)
    clock.advance(ACK_TIMEOUT_MS * 2)
    expect(sent).toEqual([])
    setOpen(true)
    feed.full()
    expect(sent.map((m) => m.type)).toEqual(['snapshot'])
    expect(tokensOf(sent[0])).toBe(3)
  })

  it('leaves no timer behind once acknowledged or disposed', () => {
    const { clock, sent, feed } = setup()
    feed.full()
    feed.rendered(sent[0]!.seq!)
    expect(clock.pending).toBe(0)
    feed.full()
    feed.dispose()
    expect(clock.pending).toBe(0)
  })
})
