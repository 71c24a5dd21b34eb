// What a mission's changes come to in lines, for its summary: in worktree mode the integration
// branch against the base (counted as the worktrees close, see isolation.ts), in shared mode the
// passed todos' files as the mission leaves them against the base. A count that cannot be made is
// left out of the summary; it never keeps the mission from ending.

import { errorMessage } from '../util/error-message'
import type { LineCounts } from '../ports'
import type { MissionContext } from './context'

/** Shared mode: the lines of the files the passed todos changed, against the mission's base. */
export async function sharedLines(ctx: MissionContext): Promise<LineCounts | undefined> {
  const snap = ctx.record.snap
  const workspace = ctx.deps.workspace
  if (snap.base?.kind !== 'git' || !workspace.linesSinceBase) return undefined
  const files = new Set<string>()
  for (const id of snap.todoOrder) {
    const todo = snap.todos[id]
    if (todo?.status === 'passed') for (const f of todo.filesChanged) files.add(f)
  }
  if (files.size === 0) return { added: 0, removed: 0 }
  try {
    return await workspace.linesSinceBase(snap.base, [...files])
  } catch (err) {
    ctx.deps.logger.warn(`the mission's lines were not counted: ${errorMessage(err)}`)
    return undefined
  }
}
