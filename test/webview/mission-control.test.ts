import { fireEvent, screen, within } from '@testing-library/svelte'
import { tick } from 'svelte'
import { beforeEach, describe, expect, it } from 'vitest'
import { agent, mission, running, snapshot, todo } from './fixtures'
import { posted, sendSnapshot } from './host-fake'
import { show } from './show'

// The dashboard as mission control: agents under their todo, folded once finished, rows that open
// from the keyboard, announcements for screen readers, and a first-run link.

beforeEach(() => {
  posted.length = 0
})

const planner = agent({ sessionId: 'p', role: 'planner', status: 'idle', title: 'Planner: ship it' })
const plan = running({
  todos: [
    todo({
      id: 'api',
      title: 'Add the API with a very long title that a narrow sidebar cuts',
      status: 'passed',
      attempts: 2,
      summary: 'Added GET /farewell and its test.',
      reviews: [
        { attempt: 1, verdict: 'fail', findings: ['no test for 404'] },
        { attempt: 2, verdict: 'pass', findings: [] },
      ],
      folded: [
        { role: 'worker', status: 'idle', tokens: 10, cost: 0 },
        { role: 'reviewer', status: 'idle', tokens: 5, cost: 0 },
        { role: 'reviewer', status: 'idle', tokens: 5, cost: 0 },
      ],
    }),
    todo({ id: 'ui', title: 'Add the button', status: 'reported', attempts: 1, summary: 'Button added.' }),
    todo({ id: 'docs', title: 'Document it', status: 'pending', dependsOn: ['api'] }),
  ],
  agents: [
    planner,
    agent({
      sessionId: 'w-ui',
      role: 'worker',
      status: 'idle',
      todoId: 'ui',
      title: 'Worker: Add the button',
    }),
  ],
})

describe('agents grouped under their todo', () => {
  it('shows the planner on top and each agent beneath its own todo', async () => {
    await show(plan)
    const top = screen.getByRole('region', { name: 'Planning' })
    expect(
      within(top)
        .getAllByTestId('agent')
        .map((a) => a.dataset.role),
    ).toEqual(['planner'])
    const [api, ui, docs] = screen.getAllByTestId('todo') as [HTMLElement, HTMLElement, HTMLElement]
    expect(
      within(ui)
        .getAllByTestId('agent')
        .map((a) => a.dataset.role),
    ).toEqual(['worker'])
    expect(within(api).queryAllByTestId('agent')).toEqual([])
    expect(within(docs).queryAllByTestId('agent')).toEqual([])
  })

  it('folds finished agents into one compact line on their todo', async () => {
    await show(plan)
    const api = screen.getAllByTestId('todo')[0] as HTMLElement
    expect(within(api).getByTestId('folded-agents').textContent?.trim()).toBe('✓ worker · reviewer ×2')
  })

  it('tells a worker waiting for review apart from a pending todo, and reported from passed', async () => {
    await show(plan)
    const [api, ui, docs] = screen.getAllByTestId('todo') as [HTMLElement, HTMLElement, HTMLElement]
    const worker = within(ui).getByTestId('agent')
    expect(within(worker).getByTestId('agent-status').textContent).toBe('awaiting review')
    expect(worker.querySelector('.codicon-eye')).not.toBeNull()
    expect(docs.querySelector('.codicon-circle-outline')).not.toBeNull()
    expect(worker.querySelector('.codicon-circle-outline')).toBeNull()
    expect(within(api).getByTestId('todo-status').textContent).toBe('passed')
    expect(within(ui).getByTestId('todo-status').textContent).toBe('reported, awaiting review')
    expect(ui.querySelector('.codicon-report')).not.toBeNull()
  })

  it('keeps a failed review readable after the todo passed', async () => {
    await show(plan)
    const api = screen.getAllByTestId('todo')[0] as HTMLElement
    expect(within(api).getByTestId('earlier-findings').textContent).toContain(
      'attempt 1 failed review: no test for 404',
    )
  })

  it('gives truncated titles their full text as a tooltip, for todos and agents', async () => {
    await show(plan)
    const api = screen.getAllByTestId('todo')[0] as HTMLElement
    const row = within(api).getAllByRole('button')[0] as HTMLElement
    expect(row.title).toContain('Add the API with a very long title that a narrow sidebar cuts')
    expect(row.title).toContain('Added GET /farewell and its test.')
    expect(row.title).toContain('Files: src/greet.ts')
    const top = screen.getByRole('region', { name: 'Planning' })
    expect((within(top).getAllByRole('button')[0] as HTMLElement).title).toBe('Planner: ship it')
  })
})

describe('keyboard and screen readers', () => {
  it('makes every row focusable, and Enter or Space expands it to its full detail', async () => {
    await show(plan)
    const api = screen.getAllByTestId('todo')[0] as HTMLElement
    const row = within(api).getAllByRole('button')[0] as HTMLElement
    expect(row.tabIndex).toBe(0)
    expect(row.getAttribute('aria-expanded')).toBe('false')
    expect(within(api).queryByTestId('todo-detail')).toBeNull()
    await fireEvent.keyDown(row, { key: 'Enter' })
    expect(row.getAttribute('aria-expanded')).toBe('true')
    const detail = within(api).getByTestId('todo-detail')
    expect(
      within(detail)
        .getAllByTestId('review')
        .map((r) => r.textContent?.trim()),
    ).toEqual(['Review of attempt 1 failed: no test for 404', 'Review of attempt 2 passed'])
    await fireEvent.keyDown(row, { key: ' ' })
    expect(within(api).queryByTestId('todo-detail')).toBeNull()
    for (const r of screen.getAllByTestId('agent'))
      expect((within(r).getAllByRole('button')[0] as HTMLElement).tabIndex).toBe(0)
  })

  it('expands an agent to its last text', async () => {
    await show(running({ agents: [{ ...planner, text: 'Plan of three todos.' }] }))
    const row = within(screen.getByTestId('agent')).getAllByRole('button')[0] as HTMLElement
    expect(screen.queryByTestId('agent-text')).toBeNull()
    await fireEvent.click(row)
    expect(screen.getByTestId('agent-text').textContent).toBe('Plan of three todos.')
  })

  it('announces phase changes and todo results in a polite live region, not the first snapshot', async () => {
    await show(plan)
    const live = screen.getByTestId('announcer')
    expect(live.getAttribute('aria-live')).toBe('polite')
    expect(live.textContent).toBe('')
    const ui = plan.todos[1]!
    sendSnapshot(
      snapshot({
        ...plan,
        phase: 'checking',
        todos: [plan.todos[0]!, { ...ui, status: 'failed' }, plan.todos[2]!],
      }),
    )
    await tick()
    expect(live.textContent).toBe('Mission checking. Todo Add the button failed')
    const docs = plan.todos[2]!
    sendSnapshot(
      snapshot({ ...plan, phase: 'checking', todos: [plan.todos[0]!, ui, { ...docs, status: 'cancelled' }] }),
    )
    await tick()
    expect(live.textContent).toBe(`Todo ${docs.title} cancelled`)
  })

  it('hides every icon from screen readers', async () => {
    await show(plan)
    const icons = document.querySelectorAll('.codicon')
    expect(icons.length).toBeGreaterThan(5)
    for (const i of icons) expect(i.getAttribute('aria-hidden')).toBe('true')
  })
})

describe('first run and the mission card', () => {
  it('links the empty state to the walkthrough', async () => {
    await show()
    const empty = screen.getByTestId('empty-state')
    await fireEvent.click(within(empty).getByRole('button', { name: /Get started/ }))
    expect(posted).toEqual([{ type: 'walkthrough.open' }])
  })

  it("shows the mission's folder and keeps the report closed under the todo list", async () => {
    await show(mission({ folder: 'api-server' }))
    expect(screen.getByTestId('mission-folder').textContent?.trim()).toBe('api-server')
    const report = screen.getByTestId('mission-result') as HTMLDetailsElement
    expect(report.tagName).toBe('DETAILS')
    expect(report.open).toBe(false)
  })

  it('draws the phase badge with the theme badge colours and an icon for the outcome', async () => {
    await show(mission())
    const badge = screen.getByTestId('mission-phase').parentElement as HTMLElement
    expect(badge.classList).toContain('badge')
    expect(badge.querySelector('.codicon-pass')).not.toBeNull()
  })
})
