import { post } from './host'

// Tells the host which of its messages the view has drawn, once per frame: the host holds its next
// delta until then, so a busy view is sent fewer, larger deltas instead of falling behind a queue.
// A hidden document (VS Code minimised, say) has no frames: it acknowledges at once, since what it
// holds is what its first frame will show.

let latest: number | undefined
let scheduled = false

function flush(): void {
  scheduled = false
  if (latest !== undefined) post({ type: 'rendered', seq: latest })
  latest = undefined
}

/** Acknowledges host message `seq` at the next frame, whose paint follows (one ack per frame, the latest). */
export function ackRendered(seq: number): void {
  latest = seq
  if (document.visibilityState === 'hidden') return flush()
  if (scheduled) return
  scheduled = true
  requestAnimationFrame(() => {
    if (scheduled) flush()
  })
}

// A frame asked for before the document hid will not come while it stays hidden.
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'hidden' && scheduled) flush()
})
