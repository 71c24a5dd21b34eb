// When the dashboard host sends what: a whole snapshot when the view needs one, else coalesced deltas,
// with at most one the view has not drawn yet. The view acknowledges each message it drew
// (`rendered`); until then changes gather in the host and go out as one delta. A view that cannot keep
// up is sent fewer, larger deltas instead of a queue it falls behind. Pure (no vscode), so the render
// benchmark paces messages as the view does.

import type { Clock } from '../engine/ports'
import { Coalescer } from '../engine/util/coalesce'
import type { DashboardSnapshot, HostToWebview } from '../shared/protocol'
import { SnapshotChannel } from './snapshot-channel'

/** An acknowledgement this late is taken as lost (a view that was hidden, say): sending resumes. */
export const ACK_TIMEOUT_MS = 500

export interface DashboardFeedOptions {
  clock: Clock
  /** The state to send. */
  state: () => DashboardSnapshot
  /** Whether the view can take messages now (visible and ready); a view that could not gets a snapshot. */
  open: () => boolean
  /** Hands a message to the view. */
  post: (msg: HostToWebview) => void
  /** Longest delay before a change goes out to a view that is keeping up. Default: 16 ms (a frame). */
  frameMs?: number
  ackTimeoutMs?: number
  /** A view that could take messages let message `seq` go unacknowledged past the timeout. */
  unacknowledged?: (seq: number) => void
}

export class DashboardFeed {
  readonly #o: DashboardFeedOptions
  readonly #channel = new SnapshotChannel()
  readonly #coalescer: Coalescer<true>
  /** The number of the message sent and not acknowledged yet. */
  #unacked: number | undefined
  /** Changes came while a message was unacknowledged. */
  #held = false
  #cancelTimeout: (() => void) | undefined

  constructor(options: DashboardFeedOptions) {
    this.#o = options
    this.#coalescer = new Coalescer<true>({
      clock: options.clock,
      frameMs: options.frameMs ?? 16,
      flush: () => this.#send(),
    })
  }

  /** Host state changed: a delta follows, within a frame when the view keeps up. */
  changed(): void {
    this.#coalescer.push(true)
  }

  /** Sends a whole snapshot now (the view said ready, or became visible); deltas build on it. */
  full(): void {
    if (!this.#o.open()) return
    this.#sent(this.#channel.full(this.#o.state()))
  }

  /** The view drew message `seq`: what gathered meanwhile goes out now. */
  rendered(seq: number): void {
    if (this.#unacked === undefined || seq < this.#unacked) return
    this.#unacked = undefined
    this.#cancelTimeout?.()
    this.#cancelTimeout = undefined
    if (this.#held) {
      this.#held = false
      this.#send()
    }
  }

  /** Sends what is pending at once, or as soon as the view acknowledges what it has. */
  flushNow(): void {
    this.#coalescer.flushNow()
  }

  /** Changes wait for the view's acknowledgement. */
  get holding(): boolean {
    return this.#held
  }

  dispose(): void {
    this.#coalescer.dispose()
    this.#cancelTimeout?.()
  }

  #send(): void {
    if (!this.#o.open()) return
    if (this.#unacked !== undefined) {
      this.#held = true
      return
    }
    const msg = this.#channel.next(this.#o.state())
    if (msg) this.#sent(msg)
  }

  #sent(msg: HostToWebview): void {
    this.#o.post(msg)
    this.#held = false
    this.#cancelTimeout?.()
    const seq = msg.seq ?? 0
    this.#unacked = seq
    this.#cancelTimeout = this.#o.clock.setTimeout(() => {
      this.#cancelTimeout = undefined
      if (this.#o.open()) this.#o.unacknowledged?.(seq)
      this.rendered(seq)
    }, this.#o.ackTimeoutMs ?? ACK_TIMEOUT_MS)
  }
}
