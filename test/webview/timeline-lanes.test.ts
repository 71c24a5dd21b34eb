// The timeline as a reader finds their way in it: lanes grouped by todo (a session reused for several
// todos shows under each), a time axis in mm:ss from the mission's start, a legend, one Tab stop with
// arrow keys inside, and a mark where the mission was not running (a reload).
import { fireEvent, render, screen, within } from '@testing-library/svelte'
import { describe, expect, it } from 'vitest'
import type { TimelineLaneView } from '../../src/shared/protocol'
import Timeline from '../../webview/components/Timeline.svelte'
import { axisTicks, formatClock, MAX_TICKS } from '../../webview/lib/timeline-axis'
import { reloadGaps } from '../../webview/lib/timeline-gaps'
import { timelineGroups } from '../../webview/lib/timeline-rows'

const planner: TimelineLaneView = {
  sessionId: 'p',
  role: 'planner',
  title: 'Planner: the goal',
  spans: [{ kind: 'thinking', start: 0, end: 2_000 }],
  open: { kind: 'idle', start: 2_000 },
  compactions: [],
}
const worker: TimelineLaneView = {
  sessionId: 'w',
  role: 'worker',
  title: 'Worker: do a',
  todoId: 'b',
  spans: [
    { kind: 'thinking', todoId: 'a', start: 2_000, end: 4_000 },
    { kind: 'tool', name: 'edit', todoId: 'a', start: 4_000, end: 5_000 },
    { kind: 'idle', todoId: 'a', start: 5_000, end: 8_000 },
    { kind: 'thinking', todoId: 'b', start: 8_000, end: 9_000 },
  ],
  compactions: [],
}
// The reviewer of `a` reviews `b` too, after a reload: nothing was recorded from 7 s to 70 s.
const reviewer: TimelineLaneView = {
  sessionId: 'r',
  role: 'reviewer',
  title: 'Reviewer: do a',
  todoId: 'b',
  spans: [
    { kind: 'thinking', todoId: 'a', start: 5_000, end: 7_000 },
    { kind: 'tool', name: 'read', todoId: 'b', start: 70_000, end: 71_000 },
  ],
  open: { kind: 'thinking', todoId: 'b', start: 71_000 },
  compactions: [6_000, 70_500],
  gaps: [{ from: 7_000, to: 70_000 }],
}

const lanesOf = () => screen.getAllByRole('listitem').filter((l) => l.hasAttribute('data-lane'))

describe('timeline lanes grouped by todo', () => {
  it('shows a reused session under each todo it worked on, with that todo’s spans only', () => {
    render(Timeline, { lanes: [planner, worker, reviewer], startedAt: 0, end: 72_000 })
    const groups = screen.getAllByTestId('timeline-group')
    expect(groups.map((g) => g.dataset.todo ?? '')).toEqual(['', 'a', 'b'])
    const rows = (g: HTMLElement) =>
      within(g)
        .getAllByRole('listitem')
        .filter((l) => l.hasAttribute('data-lane'))
        .map((l) => [l.dataset.lane, within(l).getAllByTestId('span').length])
    expect(rows(groups[1]!)).toEqual([
      ['w', 3],
      ['r', 1],
    ])
    expect(rows(groups[2]!)).toEqual([
      ['w', 1],
      ['r', 2], // its read, and the thinking going on now
    ])
    // Each compaction sits in the row of the todo the agent worked on then.
    const reviewerRows = lanesOf().filter((l) => l.dataset.lane === 'r')
    expect(reviewerRows.map((l) => within(l).queryAllByTestId('compaction').length)).toEqual([1, 1])
    expect(reviewerRows[1]!.getAttribute('aria-label')).toBe(
      'reviewer b: 2 spans, thinking now, compacted 1×',
    )
  })

  it('keeps the rows of an unchanged lane as the same objects (they are not drawn again)', () => {
    const before = timelineGroups([planner, worker])
    const after = timelineGroups([planner, worker, reviewer])
    expect(after[1]?.rows[0]).toBe(before[1]?.rows[0])
  })

  it('puts the spans of an older journal (without a todo) under the lane’s todo', () => {
    const old: TimelineLaneView = { ...worker, spans: [{ kind: 'thinking', start: 0, end: 1 }] }
    expect(timelineGroups([old]).map((g) => [g.todoId, g.rows.length])).toEqual([['b', 1]])
  })
})

describe('timeline axis and legend', () => {
  it('ticks in mm:ss from the mission start, far enough apart to read', () => {
    expect(formatClock(0)).toBe('0:00')
    expect(formatClock(75_000)).toBe('1:15')
    expect(formatClock(3_725_000)).toBe('1:02:05')
    // 2 px a second: a tick every 30 s is 60 px apart.
    expect(axisTicks(120_000, 2)).toEqual([0, 30_000, 60_000, 90_000, 120_000])
    // 20 px a second: every 5 s.
    expect(axisTicks(12_000, 20)).toEqual([0, 5_000, 10_000])
    // A start decades ago (a clock gone wrong) still gets a bounded axis.
    expect(axisTicks(1.7e12, 2).length).toBeLessThanOrEqual(MAX_TICKS + 1)
  })

  it('draws the axis and a legend of every kind of span, and of the marks on screen', () => {
    render(Timeline, {
      lanes: [{ ...planner, open: undefined }, worker, reviewer],
      startedAt: 0,
      end: 72_000,
    })
    const ticks = screen.getAllByTestId('tick').map((t) => t.textContent)
    expect(ticks[0]).toBe('0:00')
    expect(ticks).toContain('1:00')
    const legend = screen.getByRole('list', { name: 'Legend' })
    expect(
      within(legend)
        .getAllByRole('listitem')
        .map((i) => i.textContent?.trim()),
    ).toEqual([
      'thinking',
      'tool',
      'waiting on permission',
      'provider retry',
      'idle',
      'context compacted',
      'not running (reload)',
    ])
  })

  it('leaves out of the legend the marks that are not on screen', () => {
    render(Timeline, { lanes: [planner, worker], startedAt: 0, end: 10_000 })
    const legend = screen.getByRole('list', { name: 'Legend' })
    expect(within(legend).getAllByRole('listitem')).toHaveLength(5)
  })
})

describe('timeline keyboard', () => {
  it('is one Tab stop; arrow keys move between lanes and along a lane’s spans', async () => {
    render(Timeline, { lanes: [planner, worker, reviewer], startedAt: 0, end: 72_000 })
    const timeline = screen.getByTestId('timeline')
    const tabbable = () => [...timeline.querySelectorAll<HTMLElement>('[tabindex="0"]')]
    const lanes = lanesOf()
    expect(tabbable()).toEqual([lanes[0]])
    lanes[0]!.focus()
    await fireEvent.keyDown(lanes[0]!, { key: 'ArrowDown' })
    expect(document.activeElement).toBe(lanes[1])
    expect(tabbable()).toEqual([lanes[1]])
    await fireEvent.keyDown(lanes[1]!, { key: 'ArrowRight' })
    await fireEvent.keyDown(document.activeElement!, { key: 'ArrowRight' })
    const span = document.activeElement as HTMLElement
    expect(span.dataset.testid).toBe('span')
    expect(span.getAttribute('aria-label')).toBe('tool edit · 1.0 s, at 0:04')
    expect(tabbable()).toEqual([span])
    await fireEvent.keyDown(span, { key: 'ArrowLeft' })
    await fireEvent.keyDown(document.activeElement!, { key: 'ArrowLeft' })
    expect(document.activeElement).toBe(lanes[1])
    await fireEvent.keyDown(lanes[1]!, { key: 'End' })
    expect(document.activeElement).toBe(lanes.at(-1))
    await fireEvent.keyDown(document.activeElement!, { key: 'Home' })
    expect(document.activeElement).toBe(lanes[0])
  })
})

describe('timeline reload gap', () => {
  it('is where no lane recorded anything between two runs of the mission', () => {
    // The planner idles on (its open span covers the reload): only the lanes' breaks count… unless
    // a lane covers the time, as here the planner's open idle does not (it is not open: closed at 2 s).
    const closedPlanner = { ...planner, open: undefined }
    expect(reloadGaps([closedPlanner, worker, reviewer])).toEqual([{ from: 9_000, to: 70_000 }])
    // A lane running through it says the mission ran: no gap.
    expect(reloadGaps([planner, worker, reviewer])).toEqual([])
    expect(reloadGaps([worker])).toEqual([])
  })

  it('is marked across the lanes, with its times, and named for screen readers', () => {
    render(Timeline, {
      lanes: [{ ...planner, open: undefined }, worker, reviewer],
      startedAt: 0,
      end: 72_000,
    })
    const gap = screen.getByTestId('reload-gap')
    expect(gap.title).toBe('Not running from 0:09 to 1:10: the window reloaded, nothing was recorded')
    expect(screen.getByTestId('timeline').textContent).toContain(
      'Not running from 0:09 to 1:10: the window reloaded, nothing was recorded',
    )
  })
})
