// The timeline and the meters as the user sees them: lanes with titled spans, follow and scroll-back,
// keyboard focus; budgets, context meters with the warning threshold and the compaction marker.
import { fireEvent, render, screen, within } from '@testing-library/svelte'
import { tick } from 'svelte'
import { describe, expect, it } from 'vitest'
import type { TimelineLaneView } from '../../src/shared/protocol'
import App from '../../webview/App.svelte'
import Meters from '../../webview/components/Meters.svelte'
import Timeline from '../../webview/components/Timeline.svelte'
import { meter, METER_WARN } from '../../webview/lib/meters'
import { drawable, fitScale, placeOpen, placeSpan, PX_PER_SECOND, toPx } from '../../webview/lib/timeline'
import { agent, running, snapshot } from './fixtures'
import { sendSnapshot } from './host-fake'

const lane = (patch: Partial<TimelineLaneView> = {}): TimelineLaneView => ({
  sessionId: 's2',
  role: 'worker',
  title: 'Worker: greet',
  todoId: 'greet',
  spans: [
    { kind: 'thinking', start: 1_000, end: 3_000 },
    { kind: 'tool', name: 'edit', start: 3_000, end: 4_500 },
    { kind: 'permission', start: 4_500, end: 6_000 },
  ],
  open: { kind: 'retry', start: 6_000 },
  compactions: [5_000],
  ...patch,
})

/** jsdom lays nothing out: give the scroller the geometry a browser would. */
function geometry(el: HTMLElement, g: { scrollWidth: number; clientWidth: number }) {
  let left = 0
  Object.defineProperty(el, 'scrollWidth', { configurable: true, get: () => g.scrollWidth })
  Object.defineProperty(el, 'clientWidth', { configurable: true, get: () => g.clientWidth })
  Object.defineProperty(el, 'scrollLeft', {
    configurable: true,
    get: () => left,
    set: (v: number) => void (left = Math.min(v, g.scrollWidth - g.clientWidth)),
  })
}

describe('timeline', () => {
  it('draws one lane per agent with a titled span per activity, sized by duration', () => {
    render(Timeline, {
      lanes: [lane(), lane({ sessionId: 's1', role: 'planner', todoId: undefined, open: undefined })],
      startedAt: 1_000,
      end: 8_000,
    })
    const lanes = screen.getAllByRole('listitem').filter((l) => l.hasAttribute('data-lane'))
    expect(lanes).toHaveLength(2)
    const spans = within(lanes[0]!).getAllByTestId('span')
    expect(spans.map((s) => s.title)).toEqual([
      'thinking · 2.0 s',
      'tool edit · 1.5 s',
      'waiting on permission · 1.5 s',
      'provider retry · 2.0 s so far',
    ])
    expect(spans[1]!.style.left).toBe(`${2 * PX_PER_SECOND}px`)
    expect(spans[1]!.style.width).toBe(`${1.5 * PX_PER_SECOND}px`)
    expect(within(lanes[0]!).getByTestId('compaction').title).toBe('context compacted at 4s')
    expect(lanes[0]!.getAttribute('aria-label')).toBe(
      'worker greet: 4 spans, provider retry now, compacted 1×',
    )
    expect(within(lanes[1]!).getAllByTestId('span')).toHaveLength(3)
  })

  it('lanes take keyboard focus and arrow keys move between them', async () => {
    render(Timeline, {
      lanes: [lane({ sessionId: 'a' }), lane({ sessionId: 'b' })],
      startedAt: 1_000,
      end: 8_000,
    })
    const [a, b] = screen.getAllByRole('listitem').filter((l) => l.hasAttribute('data-lane'))
    expect(a!.tabIndex).toBe(0)
    a!.focus()
    await fireEvent.keyDown(a!, { key: 'ArrowDown' })
    expect(document.activeElement).toBe(b)
    await fireEvent.keyDown(b!, { key: 'ArrowUp' })
    expect(document.activeElement).toBe(a)
  })

  it('follows the present, stops when scrolled back, and follows again at the right edge', async () => {
    const r = render(Timeline, { lanes: [lane()], startedAt: 1_000, end: 8_000 })
    const section = screen.getByTestId('timeline')
    const scroller = screen.getByTestId('timeline-scroller')
    geometry(scroller, { scrollWidth: 1_000, clientWidth: 200 })
    await r.rerender({ lanes: [lane()], startedAt: 1_000, end: 9_000 })
    expect(scroller.scrollLeft).toBe(800) // pinned to the present
    expect(section.dataset.follow).toBe('true')
    scroller.scrollLeft = 300
    await fireEvent.scroll(scroller)
    expect(section.dataset.follow).toBe('false')
    await r.rerender({ lanes: [lane()], startedAt: 1_000, end: 10_000 })
    expect(scroller.scrollLeft).toBe(300) // new content does not pull the user back
    scroller.scrollLeft = 800
    await fireEvent.scroll(scroller)
    expect(section.dataset.follow).toBe('true')
    scroller.scrollLeft = 100
    await fireEvent.scroll(scroller)
    await fireEvent.click(screen.getByRole('button', { name: 'Now' }))
    expect(scroller.scrollLeft).toBe(800)
    expect(section.dataset.follow).toBe('true')
  })

  it('places spans from the mission start and never draws one narrower than 2 px', () => {
    expect(placeSpan({ kind: 'tool', name: 'read', start: 2_000, end: 2_001 }, 1_000)).toMatchObject({
      left: PX_PER_SECOND,
      width: 2,
    })
    // The open span starts after `end` (a stale clock): it still shows, at its minimum width.
    expect(placeOpen({ kind: 'retry', start: 6_000 }, 1_000, 2_000)).toMatchObject({
      kind: 'retry',
      open: true,
      width: 2,
    })
  })

  it('draws a burst of spans too short to tell apart as one, and leaves visible ones alone', () => {
    // At 2 px/s a span under 1 s is under 2 px.
    const burst = Array.from({ length: 50 }, (_, i) => ({
      kind: i % 2 ? ('tool' as const) : ('thinking' as const),
      ...(i % 2 && { name: 'grep' }),
      start: 10_000 + i * 20,
      end: 10_000 + i * 20 + (i % 2 ? 15 : 5),
    }))
    const wide = [
      { kind: 'thinking' as const, start: 0, end: 4_000 },
      { kind: 'tool' as const, name: 'edit', start: 4_000, end: 9_000 },
    ]
    const drawn = drawable([...wide, ...burst, { kind: 'thinking', start: 20_000, end: 25_000 }])
    expect(drawn.slice(0, 2)).toEqual(wide)
    // The burst: one span from its first start to its last end, named after its longer part.
    expect(drawn[2]).toEqual({
      kind: 'tool',
      name: 'grep',
      start: 10_000,
      end: 10_995,
      merged: 50,
      tools: ['grep'],
    })
    // A tool call merged into thinking still shows by name in the tooltip.
    const [plan] = drawable([
      { kind: 'thinking', start: 0, end: 300 },
      { kind: 'tool', name: 'orchestrator_plan', start: 300, end: 310 },
      { kind: 'thinking', start: 310, end: 600 },
    ])
    expect(plan).toMatchObject({ kind: 'thinking', merged: 3, tools: ['orchestrator_plan'] })
    expect(placeSpan(plan!, 0).title).toBe('thinking · 600 ms (3 spans merged; tools orchestrator_plan)')
    // A visible gap (10 s later) keeps the next span apart.
    expect(drawn[3]).toEqual({ kind: 'thinking', start: 20_000, end: 25_000 })
    expect(drawn).toHaveLength(4)
    // Zoomed in, nothing merges.
    expect(drawable(burst, 1_000)).toHaveLength(50)
  })

  it('fits a short mission into the width and scrolls a long one at the least scale', () => {
    expect(fitScale(10_000, 200)).toBe(16) // 10 s in 200 px: 20 px/s, down to a doubling step
    expect(toPx(10_000, fitScale(10_000, 200))).toBeLessThanOrEqual(200)
    // Steady while the mission grows, so spans do not move at every tick.
    expect(fitScale(12_000, 200)).toBe(16)
    expect(fitScale(13_000, 200)).toBe(8)
    expect(fitScale(3_600_000, 200)).toBe(PX_PER_SECOND)
    expect(fitScale(0, 200)).toBe(PX_PER_SECOND)
  })

  it('shows on the dashboard from the snapshot, one lane per lane sent', async () => {
    render(App)
    sendSnapshot(snapshot(running({ timeline: [lane(), lane({ sessionId: 's3' })] })))
    await tick()
    expect(within(screen.getByTestId('timeline')).getAllByTestId('span')).toHaveLength(8)
  })
})

describe('meters', () => {
  it('warns from 80 % of a limit and is over at 100 %', () => {
    expect(METER_WARN).toBe(0.8)
    expect(meter(79, 100).level).toBe('ok')
    expect(meter(80, 100).level).toBe('warn')
    expect(meter(120, 100)).toMatchObject({ level: 'over', fraction: 1 })
    expect(meter(5, undefined)).toEqual({ used: 5, level: 'ok' })
  })

  it('shows tokens, cost and time against the budgets, and amounts alone without one', () => {
    render(Meters, {
      mission: running({
        tokens: 45_000,
        cost: 0.2,
        startedAt: 0,
        budgets: { maxTokens: 50_000, maxWallMs: 600_000 },
      }),
      now: 60_000,
    })
    const tokens = screen.getByTestId('meter-tokens')
    expect(tokens.classList).toContain('warn')
    expect(within(tokens).getByRole('meter').getAttribute('aria-valuetext')).toBe('45.0k / 50.0k (90 %)')
    expect(screen.getByTestId('meter-cost').textContent).toContain('$0.20 · no limit')
    expect(within(screen.getByTestId('meter-cost')).queryByRole('meter')).toBeNull()
    const time = screen.getByTestId('meter-time')
    expect(time.classList).toContain('ok')
    expect(within(time).getByRole('meter').getAttribute('aria-valuenow')).toBe('60000')
    // Filled by scaling from the left (painted, no layout at each change), to the share used.
    const fill = (row: HTMLElement) => within(row).getByRole('meter').querySelector<HTMLElement>('.fill')
    expect(fill(tokens)?.style.transform).toBe('scaleX(0.9)')
    expect(fill(time)?.style.transform).toBe('scaleX(0.1)')
  })

  it("gives each agent a context meter that warns near the model's window and marks compactions", () => {
    render(Meters, {
      mission: running({
        agents: [
          agent({ sessionId: 'a', role: 'planner', contextTokens: 10_000, contextLimit: 200_000 }),
          agent({
            sessionId: 'b',
            role: 'worker',
            contextTokens: 170_000,
            contextLimit: 200_000,
            compactions: 2,
          }),
          agent({ sessionId: 'c', role: 'reviewer' }), // no model call yet: no meter
        ],
      }),
      now: 0,
    })
    const rows = screen.getAllByTestId('context')
    expect(rows.map((r) => r.dataset.session)).toEqual(['a', 'b'])
    expect(rows[0]!.classList).toContain('ok')
    expect(rows[0]!.textContent).not.toContain('near the limit')
    expect(rows[1]!.classList).toContain('warn')
    expect(rows[1]!.textContent).toContain('near the limit')
    expect(within(rows[1]!).getByTestId('compacted').textContent).toContain('compacted 2×')
    expect(within(rows[0]!).queryByTestId('compacted')).toBeNull()
  })
})
