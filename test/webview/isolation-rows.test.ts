import { screen, within } from '@testing-library/svelte'
import { describe, expect, it } from 'vitest'
import { sharedWhy } from '../../webview/lib/format'
import { mission, todo } from './fixtures'
import { show } from './show'

// Worktree isolation on the dashboard: each todo's branch and merge state in its row, and the
// mission's mode on its card (the reason, when it had to run shared).

const row = (id: string) =>
  screen.getAllByTestId('todo').find((li) => within(li).queryByText(id, { selector: '.id' })) as HTMLElement

describe('worktree isolation on the dashboard', () => {
  it("shows each todo's merge state in words, with its branch and story in the tooltip", async () => {
    await show(
      mission({
        isolation: { mode: 'worktree', branch: 'orchestrator/m1/integration' },
        todos: [
          todo({
            id: 'api',
            status: 'passed',
            worktree: {
              branch: 'orchestrator/m1/api',
              state: 'merged',
              words: 'merged',
              detail: 'orchestrator/m1/api: merged into the integration branch (api.ts)',
            },
          }),
          todo({
            id: 'docs',
            status: 'pending',
            dependsOn: ['api'],
            worktree: {
              state: 'waiting',
              words: 'waits for api to merge',
              detail: 'It waits for api to merge.',
            },
          }),
          todo({ id: 'plain', status: 'pending' }),
        ],
      }),
    )
    const merged = within(row('api')).getByTestId('todo-merge')
    expect(merged.textContent?.trim()).toBe('merged')
    expect(merged.getAttribute('data-state')).toBe('merged')
    expect(merged.getAttribute('title')).toContain('orchestrator/m1/api')
    expect(within(row('docs')).getByTestId('todo-merge').textContent?.trim()).toBe('waits for api to merge')
    expect(within(row('plain')).queryByTestId('todo-merge')).toBeNull()
    expect(screen.getByTestId('mission-isolation').textContent?.trim()).toBe(
      'Worktrees, merged into orchestrator/m1/integration',
    )
  })

  it('says on the card, in one line, why a mission runs in the shared folder', async () => {
    const reason =
      'worktree isolation is off: the folder is not in a git repository (/w/p is not in a git repository); the agents work in the shared folder'
    expect(sharedWhy(reason)).toBe('the folder is not in a git repository')
    await show(mission({ isolation: { mode: 'shared', reason } }))
    const line = screen.getByTestId('mission-isolation')
    expect(line.textContent?.trim()).toBe('Shared folder: the folder is not in a git repository')
    expect(line.getAttribute('title')).toBe(reason)
  })

  it('says nothing of isolation for a mission the settings run shared', async () => {
    await show(mission())
    expect(screen.queryByTestId('mission-isolation')).toBeNull()
  })
})
