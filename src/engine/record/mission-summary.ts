// The one-line summary of a finished mission that closes its journal, so a history of many
// missions reads one line per journal instead of replaying each.

import { compareToBaseline } from './check-runs'
import type { LineCounts } from '../ports'
import type { MissionEndStatus, MissionSnapshot, MissionSummary, TodoRecord } from './entries'

/** Summarises a mission from its journal state as it ends. */
export function summarizeMission(
  snap: MissionSnapshot,
  end: { status: MissionEndStatus; reason: string; at: number },
  /** What the mission's changes come to in lines, when the host counted them. */
  lines?: LineCounts,
): MissionSummary {
  const todos = snap.todoOrder.map((id) => snap.todos[id])
  const startedAt = snap.startedAt ?? end.at
  const check = snap.evidence.at(-1)
  const b = snap.baseline
  return {
    goal: snap.goal,
    ...(snap.title !== undefined && { title: snap.title }),
    status: end.status,
    reason: end.reason,
    startedAt,
    endedAt: end.at,
    durationMs: Math.max(0, end.at - startedAt),
    todos: { passed: todos.filter((t) => t?.status === 'passed').length, total: todos.length },
    files: new Set(todos.flatMap((t) => (t?.status === 'passed' ? t.filesChanged : []))).size,
    ...(lines && { lines }),
    tokens: snap.tokens,
    cost: snap.cost,
    ...(check && {
      check: {
        command: check.command,
        exitCode: check.exitCode,
        ...(b?.command === check.command && { vsBaseline: compareToBaseline(b, check) }),
      },
    }),
    ...(b && { baseline: { command: b.command, exitCode: b.exitCode, classification: b.classification } }),
    ...(snap.isolation?.mode === 'worktree' && { worktrees: worktreesOf(snap, todos) }),
  }
}

/** Worktree mode's outcome: each todo's branch and its fate, what was applied, the branch kept. */
function worktreesOf(
  snap: MissionSnapshot,
  todos: (TodoRecord | undefined)[],
): NonNullable<MissionSummary['worktrees']> {
  const closed = snap.isolationClosed
  return {
    todos: todos.flatMap((t) =>
      t?.worktree || t?.merge
        ? [
            {
              id: t.id,
              ...(t.worktree && { branch: t.worktree.branch }),
              ...(t.merge && { merge: t.merge.result }),
            },
          ]
        : [],
    ),
    applied: closed?.applied.length ?? 0,
    skipped: closed?.skipped ?? [],
    ...(closed?.keptBranch !== undefined && { keptBranch: closed.keptBranch }),
  }
}
