// A past mission as a row of the history quick pick (pure): its status, start and duration, then
// todos, lines changed, tokens, cost, what the check said (against the check before the mission) and, in worktree
// mode, what reached the folder.

import { excerpt } from '../engine/util/excerpt'
import { BASELINE_WORDS } from '../engine/record/check-report'
import type { BaselineComparison, MissionSummary } from '../engine/record/entries'
import { formatDuration } from '../shared/format-duration'
import { formatCost, formatTokens } from '../shared/format-usage'
import type { HistoryItem } from '../node/mission-history'

export interface HistoryRow {
  id: string
  label: string
  description: string
  detail?: string
}

const VS_BASELINE: Record<BaselineComparison, string> = {
  passes: '',
  fixed: ', fixed',
  unchanged: ', unchanged from before the mission',
  'new-failures': ', new failures',
}

/** The row's check column: the last round's result, or the baseline's when no round ran. */
export function checkWords(s: MissionSummary): string {
  if (s.check)
    return `check ${s.check.exitCode === 0 ? 'passed' : 'failed'}${s.check.vsBaseline ? VS_BASELINE[s.check.vsBaseline] : ''}`
  if (s.baseline) return `check before the mission: ${BASELINE_WORDS[s.baseline.classification]}`
  return 'no check ran'
}

/** Worktree mode's outcome, e.g. "worktrees: 6 files applied, 1 left as you changed it, branch kept". */
export function worktreeWords(s: MissionSummary): string | undefined {
  const w = s.worktrees
  if (!w) return undefined
  const files = (n: number) => `${n} file${n === 1 ? '' : 's'}`
  const parts = [
    ...(w.applied ? [`${files(w.applied)} applied`] : []),
    ...(w.skipped.length
      ? [`${w.skipped.length} left as you changed ${w.skipped.length === 1 ? 'it' : 'them'}`]
      : []),
    ...(w.keptBranch ? ['branch kept'] : []),
  ]
  return `worktrees: ${parts.length ? parts.join(', ') : 'nothing applied'}`
}

export function describeItem(item: HistoryItem, started: string): HistoryRow {
  const s = item.summary
  const from = item.origin !== undefined ? ` · ${item.origin}` : ''
  if (!s) return { id: item.id, label: item.goal, description: `not finished · ${started}${from}` }
  return {
    id: item.id,
    // The planner's short title names it when it gave one; the goal stays in the detail, searchable.
    label: s.title ?? item.goal,
    description: `${s.status} · ${started} · ${formatDuration(s.durationMs)}${from}`,
    detail: [
      ...(s.title !== undefined ? [excerpt(item.goal, 120)] : []),
      `${s.todos.passed}/${s.todos.total} todos`,
      ...(s.lines ? [`+${s.lines.added} −${s.lines.removed} lines`] : []),
      `${formatTokens(s.tokens)} tokens`,
      formatCost(s.cost),
      checkWords(s),
      worktreeWords(s),
    ]
      .filter(Boolean)
      .join(' · '),
  }
}
