import { fireEvent, screen, within } from '@testing-library/svelte'
import { tick } from 'svelte'
import { describe, expect, it } from 'vitest'
import type { SteeringView } from '../../src/shared/protocol'
import { agent, running, todo } from './fixtures'
import { show } from './show'

// A steering receipt in a narrow sidebar: one line cut with an ellipsis, the whole message in its
// tooltip; and still there, in its todo's detail, once its agent's part is over.

const LONG = `Keep the public API as it is and ${'add a test for every branch of the parser, '.repeat(12)}please`
const receipts: SteeringView[] = [
  { id: 'steer_1', text: LONG, status: 'delivered', queuedAt: 1, deliveredAt: 2 },
  { id: 'steer_2', text: 'and the docs', status: 'dropped', queuedAt: 3, note: 'the session ended first' },
]

/**
 * jsdom lays nothing out, so this checks the rule that decides it: a flex item in a row keeps at
 * least the width of its content (min-width: auto) unless told otherwise, so one nowrap line pushes
 * every such item above it past the sidebar's edge, however its own text ellipsizes.
 */
function shrinksToTheSidebar(text: HTMLElement, root: HTMLElement): void {
  const own = getComputedStyle(text)
  expect(own.whiteSpace).toBe('nowrap')
  expect(own.textOverflow).toBe('ellipsis')
  expect(own.overflow).toBe('hidden')
  for (let el: HTMLElement | null = text; el && el !== root; el = el.parentElement) {
    const parent = getComputedStyle(el.parentElement!)
    const inRow = parent.display.endsWith('flex') && !parent.flexDirection.startsWith('column')
    if (!inRow) continue
    const css = getComputedStyle(el)
    const shrinks = parseFloat(css.minWidth) === 0 || ['hidden', 'clip', 'auto'].includes(css.overflow)
    expect(shrinks, `${el.className} keeps its content's width`).toBe(true)
  }
}

describe('a steering receipt', () => {
  it('is one line cut with an ellipsis, the whole message (and why it was dropped) in its tooltip', async () => {
    await show(
      running({
        todos: [todo({ id: 'api', status: 'running', attempts: 1 })],
        agents: [
          agent({ sessionId: 'w', role: 'worker', status: 'busy', todoId: 'api', steering: receipts }),
        ],
      }),
    )
    const [long, dropped] = screen.getAllByTestId('steer-receipt') as [HTMLElement, HTMLElement]
    expect(long.title).toBe(`delivered: ${LONG}`)
    expect(dropped.title).toBe('dropped: and the docs (the session ended first)')
    shrinksToTheSidebar(within(long).getByText(LONG), screen.getByTestId('todo'))
  })

  it("stays in its todo's detail once its agent folded, cut the same way", async () => {
    await show(
      running({
        todos: [
          todo({
            id: 'api',
            status: 'passed',
            attempts: 1,
            folded: [
              { role: 'worker', status: 'done', tokens: 10, cost: 0, steering: receipts },
              { role: 'reviewer', status: 'done', tokens: 5, cost: 0 },
            ],
          }),
        ],
        agents: [],
      }),
    )
    const item = screen.getByTestId('todo')
    await fireEvent.click(item.querySelector('.row')!)
    await tick()
    const detail = screen.getByTestId('todo-detail')
    const shown = within(detail).getAllByTestId('steer-receipt')
    expect(shown.map((r) => r.dataset['status'])).toEqual(['delivered', 'dropped'])
    expect(within(detail).getByRole('list', { name: 'Steering messages to the worker' })).toBeTruthy()
    expect(shown[0]?.title).toBe(`delivered: ${LONG}`)
    shrinksToTheSidebar(within(shown[0]!).getByText(LONG), item)
  })
})
