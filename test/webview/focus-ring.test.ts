import { fireEvent, screen } from '@testing-library/svelte'
import { beforeAll, describe, expect, it } from 'vitest'
import { agent, running, todo } from './fixtures'
import { loadGlobalStyles } from './global-styles'
import { show } from './show'

// A todo row skips its paint while out of view (content-visibility: auto), which contains its paint:
// whatever is drawn outside the item's padding box is clipped, a focus ring included (WCAG 2.4.7).
// jsdom lays nothing out, so the test measures what the styles declare: how far a focused element's
// ring reaches beyond its box, against the room the todo item leaves around its content.

beforeAll(loadGlobalStyles)

/** How far the focus ring of `el` reaches outside its border box, in px. */
function ringReach(el: HTMLElement): number {
  el.focus()
  const cs = getComputedStyle(el)
  // jsdom keeps a shorthand holding var() as written: its width is read from there.
  const outline = cs.outline || `${cs.outlineWidth} ${cs.outlineStyle}`
  if (outline === '' || /\bnone\b/.test(outline)) return 0
  const width = /(-?[\d.]+)px/.exec(outline)?.[1] ?? '0'
  return parseFloat(width) + parseFloat(cs.outlineOffset || '0')
}

describe('the focus ring in a todo row', () => {
  it('stays inside the todo item that contains its paint, for the row and every control in it', async () => {
    await show(
      running({
        todos: [todo({ id: 'api', status: 'running', attempts: 1, filesChanged: ['src/api.ts'] })],
        agents: [agent({ sessionId: 'w', role: 'worker', status: 'busy', todoId: 'api', title: 'Worker' })],
      }),
    )
    const item = screen.getByTestId('todo')
    const row = item.querySelector<HTMLElement>('.row')!
    await fireEvent.keyDown(row, { key: 'Enter' }) // the detail, with its buttons
    const css = getComputedStyle(item)
    // Still skipped while out of view: the fix keeps the performance.
    expect(css.getPropertyValue('content-visibility')).toBe('auto')
    const room = Math.min(
      ...[css.paddingTop, css.paddingRight, css.paddingBottom, css.paddingLeft].map((p) =>
        parseFloat(p || '0'),
      ),
    )
    const focusable = [row, ...item.querySelectorAll<HTMLElement>('button, [tabindex="0"]')]
    expect(focusable.length).toBeGreaterThan(3)
    for (const el of focusable) expect(ringReach(el), el.outerHTML.slice(0, 80)).toBeLessThanOrEqual(room)
    expect(ringReach(row)).toBeGreaterThan(0) // a ring there is, and it shows
  })
})
