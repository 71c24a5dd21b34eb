import type { MissionSnapshot } from './journal'
import type { TodoState } from './mission-state'

/** The todos of a journal snapshot as the UI shows them, in plan order. */
export function todoStates(snap: MissionSnapshot): TodoState[] {
  return snap.todoOrder.flatMap((id) => {
    const t = snap.todos[id]
    if (!t) return []
    return [
      {
        id,
        title: t.title,
        status: t.status,
        attempts: t.attempts,
        files: t.files,
        dependsOn: t.dependsOn,
        findings: t.findings,
        reviews: t.reviews.map((r) => ({ ...r, findings: [...r.findings] })),
        ...(t.summary !== undefined && { summary: t.summary }),
      },
    ]
  })
}
