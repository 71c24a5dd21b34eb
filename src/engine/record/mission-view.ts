import { cancelledBlocks } from './cancelled-blocks'
import type { MissionSnapshot } from './journal'
import type { TodoState } from './mission-state'

/**
 * The todos of a journal snapshot as the UI shows them, in plan order. A todo that waits on a
 * cancelled one shows as blocked by it (its journal status stays, so a retry frees it).
 */
export function todoStates(snap: MissionSnapshot): TodoState[] {
  const blocks = cancelledBlocks(snap.todoOrder.map((id) => snap.todos[id]))
  return snap.todoOrder.flatMap((id) => {
    const t = snap.todos[id]
    if (!t) return []
    const blockedBy = t.status === 'pending' || t.status === 'ready' ? blocks.get(id) : undefined
    return [
      {
        id,
        title: t.title,
        status: blockedBy ? 'blocked' : t.status,
        ...(blockedBy && { blockedBy }),
        ...(t.cancelReason !== undefined && { cancelReason: t.cancelReason }),
        ...(t.retries !== undefined && { retries: t.retries }),
        attempts: t.attempts,
        files: t.files,
        dependsOn: t.dependsOn,
        findings: t.findings,
        filesChanged: t.filesChanged,
        ...(t.summary !== undefined && { summary: t.summary }),
      },
    ]
  })
}
