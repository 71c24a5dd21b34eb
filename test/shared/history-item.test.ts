import { describe, expect, it } from 'vitest'
import type { MissionSummary } from '../../src/engine/record/entries'
import { checkWords, describeItem, worktreeWords } from '../../src/vscode/history-item'

// A history row's check column: the last round against the baseline, or the baseline alone.

const summary = (patch: Partial<MissionSummary> = {}): MissionSummary => ({
  goal: 'Greet people',
  status: 'completed',
  reason: 'done',
  startedAt: 0,
  endedAt: 65_000,
  durationMs: 65_000,
  todos: { passed: 2, total: 2 },
  tokens: 1200,
  cost: 0.5,
  ...patch,
})
const failing = { command: 'npm test', exitCode: 1, classification: 'fails' } as const

describe('a history row', () => {
  it("says the last round's result and how it compares with the check before the mission", () => {
    expect(checkWords(summary({ check: { command: 'npm test', exitCode: 0 } }))).toBe('check passed')
    expect(
      checkWords(
        summary({ check: { command: 'npm test', exitCode: 0, vsBaseline: 'fixed' }, baseline: failing }),
      ),
    ).toBe('check passed, fixed')
    expect(
      checkWords(
        summary({ check: { command: 'npm test', exitCode: 1, vsBaseline: 'unchanged' }, baseline: failing }),
      ),
    ).toBe('check failed, unchanged from before the mission')
    expect(
      checkWords(
        summary({
          check: { command: 'npm test', exitCode: 2, vsBaseline: 'new-failures' },
          baseline: failing,
        }),
      ),
    ).toBe('check failed, new failures')
  })

  it('says what the check found before the mission when no round ran, and when no check ran at all', () => {
    const notSetUp = { command: 'nonexistent-tool-xyz', exitCode: 127, classification: 'not-set-up' } as const
    expect(checkWords(summary({ status: 'stopped', baseline: notSetUp }))).toBe(
      "check before the mission: the project's environment is not set up",
    )
    expect(checkWords(summary())).toBe('no check ran')
  })

  it('puts it after the todos, tokens and cost', () => {
    const row = describeItem(
      {
        id: 'm1',
        goal: 'Greet people',
        startedAt: 0,
        summary: summary({ check: { command: 't', exitCode: 1 }, lines: { added: 12, removed: 3 } }),
      },
      'yesterday',
    )
    expect(row).toEqual({
      id: 'm1',
      label: 'Greet people',
      description: 'completed · yesterday · 1m 05s',
      detail: '2/2 todos · +12 −3 lines · 1.2k tokens · $0.50 · check failed',
    })
    expect(describeItem({ id: 'm2', goal: 'x', startedAt: 0 }, 'today')).toEqual({
      id: 'm2',
      label: 'x',
      description: 'not finished · today',
    })
  })

  it('names where a mission ran when it was not in this window (the CLI or /task)', () => {
    const origin = 'CLI or /task in app'
    expect(describeItem({ id: 'm3', goal: 'x', startedAt: 0, origin }, 'today').description).toBe(
      'not finished · today · CLI or /task in app',
    )
    expect(
      describeItem({ id: 'm4', goal: 'x', startedAt: 0, summary: summary(), origin }, 'today').description,
    ).toBe('completed · today · 1m 05s · CLI or /task in app')
  })

  it('says tokens and cost as the dashboard does (one formatter for both)', () => {
    const detail = (tokens: number, cost: number) =>
      describeItem({ id: 'm1', goal: 'g', startedAt: 0, summary: summary({ tokens, cost }) }, 'today').detail
    expect(detail(142_411, 0)).toBe('2/2 todos · 142.4k tokens · $0 · no check ran')
    expect(detail(980, 0.004)).toBe('2/2 todos · 980 tokens · <$0.01 · no check ran')
    expect(detail(2_500_000, 12.345)).toBe('2/2 todos · 2.5M tokens · $12.35 · no check ran')
  })

  it("is named by the planner's short title when it gave one, the goal kept in the detail", () => {
    const goal = `Greet people in every language. ${'More words. '.repeat(30)}`
    const row = describeItem(
      { id: 'm1', goal, startedAt: 0, summary: summary({ title: 'Greetings' }) },
      'today',
    )
    expect(row.label).toBe('Greetings')
    expect(row.detail?.startsWith('Greet people in every language.')).toBe(true)
    expect(row.detail?.split(' · ')[0]!.length).toBeLessThanOrEqual(121)
    expect(describeItem({ id: 'm2', goal: 'g', startedAt: 0, summary: summary() }, 'today').label).toBe('g')
  })

  it('says, for a worktree mission, what reached the folder, what was left, and whether the branch stays', () => {
    const worktrees = (patch: Partial<NonNullable<MissionSummary['worktrees']>>) =>
      summary({ worktrees: { todos: [], applied: 0, skipped: [], ...patch } })
    expect(worktreeWords(summary())).toBeUndefined()
    expect(
      worktreeWords(
        worktrees({ applied: 6, skipped: ['notes.md'], keptBranch: 'orchestrator/m/integration' }),
      ),
    ).toBe('worktrees: 6 files applied, 1 left as you changed it, branch kept')
    expect(worktreeWords(worktrees({ applied: 1 }))).toBe('worktrees: 1 file applied')
    expect(worktreeWords(worktrees({}))).toBe('worktrees: nothing applied')
    expect(
      describeItem({ id: 'm1', goal: 'g', startedAt: 0, summary: worktrees({ applied: 2 }) }, 'today').detail,
    ).toBe('2/2 todos · 1.2k tokens · $0.50 · no check ran · worktrees: 2 files applied')
  })
})
