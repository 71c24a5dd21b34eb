import { post } from './host'

// Tells the host which of its messages the view has drawn, once per frame: the host holds its next
// delta until then, so a busy view is sent fewer, larger deltas instead of falling behind a queue.

let latest: number | undefined
let scheduled = false

/** Acknowledges host message `seq` at the next frame, whose paint follows (one ack per frame, the latest). */
export function ackRendered(seq: number): void {
  latest = seq
  if (scheduled) return
  scheduled = true
  requestAnimationFrame(() => {
    scheduled = false
    if (latest !== undefined) post({ type: 'rendered', seq: latest })
    latest = undefined
  })
}
