import { fireEvent, screen, within } from '@testing-library/svelte'
import { describe, expect, it } from 'vitest'
import { agent, running, todo } from './fixtures'
import { show } from './show'

// Escape closes what Enter opened: an expanded todo or agent row collapses, and the focus is back on
// the row, also when it was on a button inside the todo's detail.

const plan = running({
  todos: [todo({ id: 'api', status: 'passed', attempts: 1, filesChanged: ['src/api.ts'] })],
  agents: [agent({ sessionId: 'p', role: 'planner', status: 'busy', title: 'Planner', text: 'thinking' })],
})

const todoRow = () => screen.getByTestId('todo').querySelector<HTMLElement>('.row')!
const agentRow = () =>
  within(screen.getByRole('region', { name: 'Planning' }))
    .getByTestId('agent')
    .querySelector<HTMLElement>('.row')!

describe('Escape on an expanded row', () => {
  it('collapses a todo row that has the focus', async () => {
    await show(plan)
    const row = todoRow()
    row.focus()
    await fireEvent.keyDown(row, { key: 'Enter' })
    expect(row.getAttribute('aria-expanded')).toBe('true')
    await fireEvent.keyDown(row, { key: 'Escape' })
    expect(row.getAttribute('aria-expanded')).toBe('false')
    expect(screen.queryByTestId('todo-detail')).toBeNull()
    expect(document.activeElement).toBe(row)
  })

  it('collapses the todo and puts the focus back on its row from a button in its detail', async () => {
    await show(plan)
    const row = todoRow()
    await fireEvent.keyDown(row, { key: 'Enter' })
    const file = within(screen.getByTestId('todo-detail')).getByRole('button', { name: /src\/api\.ts/ })
    file.focus()
    await fireEvent.keyDown(file, { key: 'Escape' })
    expect(row.getAttribute('aria-expanded')).toBe('false')
    expect(document.activeElement).toBe(row)
  })

  it('collapses an agent row', async () => {
    await show(plan)
    const row = agentRow()
    row.focus()
    await fireEvent.keyDown(row, { key: 'Enter' })
    expect(screen.getByTestId('agent-text')).toBeTruthy()
    await fireEvent.keyDown(row, { key: 'Escape' })
    expect(row.getAttribute('aria-expanded')).toBe('false')
    expect(screen.queryByTestId('agent-text')).toBeNull()
    expect(document.activeElement).toBe(row)
  })

  it('leaves a collapsed row collapsed', async () => {
    await show(plan)
    await fireEvent.keyDown(todoRow(), { key: 'Escape' })
    await fireEvent.keyDown(agentRow(), { key: 'Escape' })
    expect(todoRow().getAttribute('aria-expanded')).toBe('false')
    expect(agentRow().getAttribute('aria-expanded')).toBe('false')
  })
})
