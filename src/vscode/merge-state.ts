// Worktree isolation as the dashboard shows it (pure): each todo's branch and where its work stands
// with the integration branch, and the mission's mode (with the reason when it had to run shared).

import type { MissionState, TodoState } from '../engine/record/mission-state'
import { mergeWords } from '../engine/record/replay-isolation'
import type { MissionView, TodoWorktreeView } from '../shared/protocol'

const SHORT = {
  merged: 'merged',
  conflict: 'merge conflict: sent back',
  rereview: 'reviewed again after a merge',
  discarded: 'discarded',
} as const

/** Statuses in which a todo's discarded worktree is news: nothing of it will come. */
const SETTLED = new Set(['failed', 'cancelled', 'blocked', 'interrupted'])

/**
 * The todo's branch and merge state, in worktree mode; undefined in shared mode, or while nothing
 * is known of it yet (a todo with no dependency waits for no merge).
 */
export function todoWorktreeView(
  t: TodoState,
  todos: readonly TodoState[],
  worktreeMode: boolean,
): TodoWorktreeView | undefined {
  if (!worktreeMode) return undefined
  const branch = t.branch !== undefined ? { branch: t.branch } : {}
  const on = t.branch ? `${t.branch}: ` : ''
  const merge = t.merge
  // A discarded attempt's worktree is old news once the todo works again on a new one.
  if (merge && (merge.result !== 'discarded' || SETTLED.has(t.status))) {
    return { ...branch, state: merge.result, words: SHORT[merge.result], detail: `${on}${mergeWords(merge)}` }
  }
  if (t.status === 'pending' || t.status === 'ready') {
    const waiting = t.dependsOn.filter((d) => todos.find((x) => x.id === d)?.merge?.result !== 'merged')
    if (waiting.length) {
      const words = `waits for ${waiting.join(', ')} to merge`
      return {
        state: 'waiting',
        words,
        detail: `Its branch starts from the mission's base with its dependencies' merged work: it ${words}.`,
      }
    }
  }
  if (t.branch !== undefined && !SETTLED.has(t.status))
    return { ...branch, state: 'working', words: 'on its own branch', detail: `Works on ${t.branch}.` }
  // The mission ended while it worked: its folder went with the mission's, its work never merged.
  if (t.branch !== undefined && t.status === 'interrupted')
    return {
      ...branch,
      state: 'discarded',
      words: 'not merged: the mission ended',
      detail: `${on}the mission ended before its work was reviewed and merged; its folder and branch were removed.`,
    }
  return undefined
}

/** The mission's isolation, as its card shows it. */
export function isolationView(m: Pick<MissionState, 'isolation'>): MissionView['isolation'] {
  const i = m.isolation
  if (!i) return undefined
  return i.mode === 'worktree' ? { mode: 'worktree', branch: i.branch } : { mode: 'shared', reason: i.reason }
}
