// Page side of the render benchmark (render.ts), injected with page.addInitScript before the webview
// bundle loads. It stands in for VS Code's webview host (acquireVsCodeApi, messages arriving as
// window `message` events) and timestamps every host message on its way to the screen:
// arrived (deliver() called from Node) → received (message event) → applied (the app's listener and
// Svelte's DOM flush are done) → frame (next requestAnimationFrame) → painted (first task after that
// frame). Plain JavaScript: the repository's tsconfig has no DOM types, and a function serialized
// from compiled TypeScript could carry bundler helpers the page does not have.
/* global window, document, requestAnimationFrame, ResizeObserver, IntersectionObserver */
;(() => {
  const now = () => performance.timeOrigin + performance.now()
  const posted = []
  let acks = 0
  let viewState
  let ready = false
  window.acquireVsCodeApi = () => ({
    postMessage: (m) => {
      if (m && m.type === 'rendered') {
        acks++
        window.__benchAck(m.seq)
        return
      }
      posted.push(structuredClone(m))
      if (m && m.type === 'ready' && !ready) {
        ready = true
        // The app subscribed before it said ready, so this listener runs after the app's one. A
        // microtask checkpoint runs between listeners: Svelte has updated the DOM by then.
        window.addEventListener('message', afterApp)
      }
    },
    getState: () => viewState,
    setState: (s) => void (viewState = structuredClone(s)),
  })

  const records = []
  const queue = []
  let current
  let reordered = 0
  let lastK = -1
  let leftView = 0
  const violations = []
  document.addEventListener('securitypolicyviolation', (e) =>
    violations.push(`${e.violatedDirective} ${e.blockedURI}`),
  )

  // Registered before the app's listener: the message starts being handled.
  window.addEventListener('message', (e) => {
    if (e.source !== window || queue.length === 0) return
    const k = queue.shift()
    current = records[k]
    current.received = now()
  })

  /**
   * Whether the dashboard shows what the host's state says about agents and progress. The host sends
   * deltas, so it passes what the whole state implies: the agents' status texts, the progress text.
   */
  function shows(want) {
    // Rows are grouped under their todos (not in the state's order), and an idle worker whose todo
    // awaits review says so: compare the status texts as a multiset, that one read as idle.
    const shown = [...document.querySelectorAll('[data-testid="agent"] .status')]
      .map((e) => (e.textContent === 'awaiting review' ? 'idle' : e.textContent))
      .sort()
    const statuses = [...want.statuses].sort()
    if (shown.length !== statuses.length || shown.some((s, i) => s !== statuses[i])) return false
    if (want.progress === undefined) return true
    return document.querySelector('[data-testid="progress"]')?.textContent === want.progress
  }

  function afterApp(e) {
    const r = current
    if (!r || e.source !== window) return
    current = undefined
    r.applied = now()
    r.shown = shows(r.want)
    requestAnimationFrame(() => {
      r.frame = now()
      const ch = new MessageChannel()
      ch.port1.onmessage = () => {
        r.painted = now()
        ch.port1.close()
      }
      ch.port2.postMessage(0)
    })
  }

  /** The floor: the message parsed and acknowledged at the next frame, as the webview does; nothing drawn. */
  function ackOnly(r, json) {
    const { seq } = JSON.parse(json)
    r.received = r.applied = now()
    r.shown = true
    requestAnimationFrame(() => {
      r.frame = now()
      window.__benchAck(seq)
      const ch = new MessageChannel()
      ch.port1.onmessage = () => {
        r.painted = now()
        ch.port1.close()
      }
      ch.port2.postMessage(0)
    })
  }

  window.__bench = {
    now,
    isReady: () => ready,
    deliver(k, json, want) {
      if (k < lastK) reordered++
      lastK = Math.max(lastK, k)
      records[k] = { k, arrived: now(), want }
      if (window.__benchView === 'acks-only' && k > 0) return ackOnly(records[k], json)
      queue.push(k)
      window.postMessage(JSON.parse(json), '*')
    },
    /** rAF → first task after the frame, for n frames without host messages (the view's own cost). */
    idleFrames: (n) =>
      new Promise((resolve) => {
        const out = []
        const next = () =>
          requestAnimationFrame(() => {
            const t = now()
            const ch = new MessageChannel()
            ch.port1.onmessage = () => {
              ch.port1.close()
              out.push(now() - t)
              if (out.length < n) next()
              else resolve(out)
            }
            ch.port2.postMessage(0)
          })
        next()
      }),
    painted: () => records.filter((r) => r.painted !== undefined).length,
    /**
     * Keeps the meters, and the timeline below them, in the viewport as a user watching them would:
     * scrolled back in the frame that laid out the page when anything in it grew (the plan, the
     * mission card, the agents above them). Counts every time the meters were not whole in the
     * viewport, or the timeline wholly out of it (it may be taller than what is left below them).
     */
    keepInView() {
      const meters = document.querySelector('[data-testid="meters"]')
      const timeline = document.querySelector('[data-testid="timeline"]')
      const main = document.querySelector('main')
      if (!meters || !timeline || !main) throw new Error('no meters, timeline or main on the page')
      const keep = () => meters.scrollIntoView({ block: 'start' })
      keep()
      new ResizeObserver(keep).observe(main)
      new IntersectionObserver(
        (entries) => {
          for (const e of entries) if (e.intersectionRatio < 1) leftView++
        },
        { threshold: 1 },
      ).observe(meters)
      new IntersectionObserver((entries) => {
        for (const e of entries) if (!e.isIntersecting) leftView++
      }).observe(timeline)
    },
    leftView: () => leftView,
    result: () => ({
      records: records.map((r) => r && { ...r, want: undefined }),
      reordered,
      violations,
      posted,
      acks,
    }),
  }
})()
