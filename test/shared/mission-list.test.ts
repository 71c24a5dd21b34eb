import { describe, expect, it } from 'vitest'
import type { MissionSummary } from '../../src/engine/record/entries'
import type { HistoryItem } from '../../src/node/mission-history'
import { MISSION_LIST_MAX, missionList } from '../../src/vscode/mission-list'

const summary = (patch: Partial<MissionSummary> = {}): MissionSummary => ({
  goal: 'g',
  status: 'completed',
  reason: '',
  startedAt: 1,
  endedAt: 11,
  durationMs: 10,
  todos: { passed: 1, total: 1 },
  tokens: 0,
  cost: 0,
  ...patch,
})

describe('the mission list from the history', () => {
  it('tells running, interrupted and finished missions apart, and marks what waits on the user', () => {
    const items: HistoryItem[] = [
      { id: 'run', goal: 'now', startedAt: 5 },
      { id: 'offered', goal: 'cut off', startedAt: 4 },
      { id: 'older-cut', goal: 'cut off long ago', startedAt: 3 },
      {
        id: 'kept',
        goal: 'k',
        startedAt: 2,
        summary: summary({
          title: 'Kept',
          files: 3,
          lines: { added: 40, removed: 2 },
          worktrees: { todos: [], applied: 0, skipped: [], keptBranch: 'orchestrator/kept/integration' },
        }),
      },
      { id: 'done', goal: 'd', startedAt: 1, summary: summary({ status: 'failed' }) },
    ]
    expect(missionList(items, { running: 'run', interrupted: 'offered' })).toEqual([
      { id: 'run', goal: 'now', status: 'running', startedAt: 5 },
      { id: 'offered', goal: 'cut off', status: 'interrupted', startedAt: 4, needsYou: true },
      { id: 'older-cut', goal: 'cut off long ago', status: 'interrupted', startedAt: 3 },
      {
        id: 'kept',
        goal: 'g',
        title: 'Kept',
        status: 'completed',
        startedAt: 1,
        durationMs: 10,
        todos: { passed: 1, total: 1 },
        files: 3,
        lines: { added: 40, removed: 2 },
        needsYou: true,
      },
      {
        id: 'done',
        goal: 'g',
        status: 'failed',
        startedAt: 1,
        durationMs: 10,
        todos: { passed: 1, total: 1 },
      },
    ])
  })

  it('is bounded', () => {
    const items = Array.from({ length: MISSION_LIST_MAX + 5 }, (_, i) => ({
      id: `m${i}`,
      goal: 'g',
      startedAt: i,
    }))
    expect(missionList(items)).toHaveLength(MISSION_LIST_MAX)
  })
})
