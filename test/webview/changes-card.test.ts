import { fireEvent, screen, within } from '@testing-library/svelte'
import { tick } from 'svelte'
import { beforeEach, describe, expect, it } from 'vitest'
import type { ChangesView, HostToWebview } from '../../src/shared/protocol'
import { PROTOCOL_VERSION } from '../../src/shared/protocol'
import { mission } from './fixtures'
import { posted } from './host-fake'
import { show } from './show'

// Worktree mode's end on the dashboard: the changes wait for the user, every Apply names the folder
// and branch it writes into, and the outcome stays readable with a merge for each file Apply left.

beforeEach(() => {
  posted.length = 0
})

const changes = (patch: Partial<ChangesView> = {}): ChangesView => ({
  branch: 'orchestrator/m1/integration',
  target: { folder: 'my-project', branch: 'main' },
  files: [
    { path: 'a.txt', status: 'modified', todos: ['t1'] },
    { path: 'c.txt', status: 'added', todos: ['t1'] },
  ],
  status: 'pending',
  ...patch,
})

const card = () => within(screen.getByRole('region', { name: "The mission's changes" }))

describe('the changes card', () => {
  it('offers Apply (naming the folder and branch), Review Changes, Keep Branch and Discard', async () => {
    await show(mission({ changes: changes() }))
    expect(card().getByTestId('changes-outcome').textContent).toBe(
      '2 files changed on orchestrator/m1/integration, not yet in my-project (main).',
    )
    expect(card().getByText('a.txt')).toBeTruthy()
    const buttons = card()
      .getAllByRole('button')
      .map((b) => b.textContent?.trim())
    expect(buttons).toEqual(['Apply to my-project (main)', 'Review Changes', 'Keep Branch', 'Discard'])
    for (const name of buttons) await fireEvent.click(card().getByRole('button', { name }))
    expect(posted).toEqual([
      { type: 'changes.act', action: 'apply' },
      { type: 'changes.act', action: 'review' },
      { type: 'changes.act', action: 'keep' },
      { type: 'changes.act', action: 'discard' },
    ])
  })

  it('waits while an action runs', async () => {
    await show(mission({ changes: changes({ busy: true }) }))
    for (const b of card().getAllByRole('button')) expect((b as HTMLButtonElement).disabled).toBe(true)
    expect(screen.getByRole('region', { name: "The mission's changes" }).getAttribute('aria-busy')).toBe(
      'true',
    )
  })

  it('lists the files Apply left, each with its merge, and lets the kept branch go', async () => {
    await show(
      mission({
        changes: changes({
          status: 'partial',
          files: [
            { path: 'a.txt', status: 'modified', todos: ['t1'], fate: 'skipped' },
            { path: 'c.txt', status: 'added', todos: ['t1'], fate: 'applied' },
          ],
        }),
      }),
    )
    expect(card().getByTestId('changes-outcome').textContent).toContain('Left 1 file you changed')
    expect(card().queryByRole('button', { name: /Apply/ })).toBeNull()
    await fireEvent.click(card().getByRole('button', { name: 'Merge a.txt' }))
    await fireEvent.click(card().getByRole('button', { name: 'Discard Branch' }))
    expect(posted).toEqual([
      { type: 'changes.merge', path: 'a.txt' },
      { type: 'changes.act', action: 'discard' },
    ])
  })

  it('says what became of applied changes, and offers nothing more', async () => {
    await show(
      mission({
        changes: changes({
          status: 'applied',
          files: [{ path: 'a.txt', status: 'modified', todos: [], fate: 'applied' }],
        }),
      }),
    )
    expect(card().getByTestId('changes-outcome').textContent).toBe(
      'Applied 1 file to my-project (main); orchestrator/m1/integration is removed.',
    )
    expect(card().queryAllByRole('button')).toEqual([])
  })

  it('follows the host: a delta that applies the changes updates the card, one that drops them removes it', async () => {
    await show(mission({ changes: changes() }))
    const send = (msg: HostToWebview) => window.dispatchEvent(new MessageEvent('message', { data: msg }))
    send({
      type: 'snapshot',
      protocol: PROTOCOL_VERSION,
      seq: 1,
      state: { server: { status: 'ready' }, mission: mission({ changes: changes() }) },
    })
    await tick()
    const kept = changes({ status: 'kept' })
    send({
      type: 'delta',
      protocol: PROTOCOL_VERSION,
      seq: 2,
      base: 1,
      mission: { id: 'm1', fields: { changes: kept } },
    })
    await tick()
    expect(card().getByTestId('changes-outcome').textContent).toMatch(
      /^Branch orchestrator\/m1\/integration kept/,
    )
    send({
      type: 'delta',
      protocol: PROTOCOL_VERSION,
      seq: 3,
      base: 2,
      mission: { id: 'm1', fields: { changes: null } },
    })
    await tick()
    expect(screen.queryByRole('region', { name: "The mission's changes" })).toBeNull()
  })
})
