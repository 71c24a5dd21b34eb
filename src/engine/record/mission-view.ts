// The journal's todos as the UI and the report show them.

import type { MissionEndStatus, MissionSnapshot } from './entries'
import type { TodoState } from './mission-state'
import { todoFate } from './todo-fate'

/**
 * The todos of a journal snapshot as the UI shows them, in plan order, each with what became of it.
 * `end`: how the mission ended, by default as the journal says (a live mission's end is published
 * before it is journaled, so its state passes it).
 */
export function todoStates(snap: MissionSnapshot, end = journaledEnd(snap)): TodoState[] {
  const lookup = (id: string) => snap.todos[id]
  return snap.todoOrder.flatMap((id) => {
    const t = snap.todos[id]
    if (!t) return []
    const fate = todoFate(t, lookup, end)
    return [
      {
        id,
        title: t.title,
        status: fate.status,
        attempts: t.attempts,
        files: t.files,
        dependsOn: t.dependsOn,
        findings: t.findings,
        filesChanged: t.filesChanged,
        reviews: t.reviews.map((r) => ({ ...r, findings: [...r.findings] })),
        // The snapshot is a fresh copy per journal entry: its attempts are shared, not copied again.
        history: t.history,
        ...(t.summary !== undefined && { summary: t.summary }),
        ...(fate.reason !== undefined && { reason: fate.reason }),
        ...(fate.blockedBy !== undefined && { blockedBy: fate.blockedBy }),
        ...(t.retries !== undefined && { retries: t.retries }),
        ...(t.worktree && { branch: t.worktree.branch }),
        ...(t.merge && { merge: t.merge }),
      },
    ]
  })
}

function journaledEnd(snap: MissionSnapshot): MissionEndStatus | undefined {
  return snap.status === 'new' || snap.status === 'running' ? undefined : snap.status
}
