// The workspace's missions as the dashboard lists them, newest first: each journal's summary line
// (or, for a mission with no end, its first line) read by the history, and what the host knows of
// the one running and the one offered for resumption.

import type { HistoryItem } from '../node/mission-history'
import type { MissionListItem } from '../shared/protocol'

/** Missions the dashboard lists at most; the history (Orchestrator: Show History) has them all. */
export const MISSION_LIST_MAX = 50

export interface ListFacts {
  /** The mission running in this window, if any. */
  running?: string
  /** The interrupted mission offered for resumption. */
  interrupted?: string
}

export function missionList(items: readonly HistoryItem[], facts: ListFacts = {}): MissionListItem[] {
  return items.slice(0, MISSION_LIST_MAX).map((item): MissionListItem => {
    const s = item.summary
    if (!s)
      return {
        id: item.id,
        goal: item.goal,
        status: item.id === facts.running ? 'running' : 'interrupted',
        startedAt: item.startedAt,
        ...(item.id === facts.interrupted && { needsYou: true }),
      }
    return {
      id: item.id,
      goal: s.goal,
      ...(s.title !== undefined && { title: s.title }),
      status: s.status,
      startedAt: s.startedAt,
      durationMs: s.durationMs,
      todos: s.todos,
      ...(s.files !== undefined && { files: s.files }),
      ...(s.lines && { lines: s.lines }),
      ...(s.worktrees?.keptBranch !== undefined && { needsYou: true }),
    }
  })
}
