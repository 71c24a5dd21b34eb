import { screen } from '@testing-library/svelte'
import { describe, expect, it } from 'vitest'
import { mission, todo } from './fixtures'
import { show } from './show'

// Stop leaves no spinner: the dashboard of a stopped mission shows each todo the stop cut short as
// interrupted, with why, and nothing as working (the engine's end says so: see
// test/engine/mission/stop-fates.test.ts).

describe('a stopped mission on the dashboard', () => {
  it('shows an interrupted todo with the stop icon, its own words and why, and spins nothing', async () => {
    const why = 'the mission was stopped while it was being worked on'
    await show(
      mission({
        phase: 'stopped',
        reason: 'stopped by the user',
        todos: [
          todo({
            id: 'a',
            status: 'interrupted',
            attempts: 1,
            reason: why,
            folded: [{ role: 'worker', status: 'aborted', tokens: 10, cost: 0 }],
          }),
          todo({ id: 'b', status: 'passed', attempts: 1 }),
        ],
      }),
    )
    const [a] = screen.getAllByTestId('todo') as [HTMLElement]
    expect(a.dataset.status).toBe('interrupted')
    expect(a.querySelector('.codicon-debug-stop')).not.toBeNull()
    expect(screen.getAllByTestId('todo-status').map((s) => s.textContent)).toEqual(['interrupted', 'passed'])
    expect(screen.getByTestId('todo-reason').textContent?.trim()).toBe(why)
    expect(document.querySelectorAll('.codicon-modifier-spin')).toHaveLength(0)
  })
})
