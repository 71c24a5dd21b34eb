import { fireEvent, screen, within } from '@testing-library/svelte'
import { describe, expect, it } from 'vitest'
import { agent, mission } from './fixtures'
import { show } from './show'

// A long goal (users paste specifications: 1,900 characters filled the card, 1,114 px) shows a few
// lines in the mission card, the whole of it a click (or Enter) away and in the tooltip; a title
// made from it (the planner's session) stays one line cut with an ellipsis.

const LONG =
  `Port the parser to the new grammar. ${'Every rule keeps its tests and its error messages. '.repeat(36)}`.trim()

const clamp = (el: HTMLElement) => getComputedStyle(el).getPropertyValue('-webkit-line-clamp')

describe('a long goal', () => {
  it('is clamped to a few lines in the mission card, with the whole goal in its tooltip and a toggle', async () => {
    await show(mission({ goal: LONG }))
    const goal = screen.getByTestId('mission-goal')
    expect(goal.textContent).toBe(LONG)
    expect(goal.title).toBe(LONG)
    expect(clamp(goal)).toBe('4')
    expect(getComputedStyle(goal).overflow).toBe('hidden')
    const more = screen.getByRole('button', { name: 'Show the whole goal' })
    expect(more.getAttribute('aria-expanded')).toBe('false')
    expect(more.getAttribute('aria-controls')).toBe(goal.id)
    await fireEvent.click(more)
    expect(clamp(goal)).not.toBe('4')
    expect(more.getAttribute('aria-expanded')).toBe('true')
    expect(more.textContent?.trim()).toBe('Show less')
    await fireEvent.click(more)
    expect(clamp(goal)).toBe('4')
  })

  it('of many short lines is clamped too', async () => {
    await show(mission({ goal: 'one\ntwo\nthree\nfour\nfive\nsix' }))
    expect(screen.getByRole('button', { name: 'Show the whole goal' })).toBeTruthy()
  })

  it('leaves a short goal whole, without a toggle', async () => {
    await show(mission({ goal: 'Add a farewell function' }))
    expect(screen.queryByRole('button', { name: 'Show the whole goal' })).toBeNull()
  })

  it("keeps a title made from it to one line with an ellipsis (the planner's session)", async () => {
    await show(mission({ goal: LONG, agents: [agent({ title: `Planner: ${LONG}` })] }))
    const row = screen.getByTestId('agent')
    const title = within(row).getByText(`Planner: ${LONG}`)
    const css = getComputedStyle(title)
    expect([css.whiteSpace, css.overflow, css.textOverflow]).toEqual(['nowrap', 'hidden', 'ellipsis'])
  })
})
