// The timeline's rows, grouped by todo: a lane splits into one row per todo its spans were for, so a
// session reused for several todos (a reviewer above all) shows under each, with that todo's spans.
// Rows are kept per lane object: an unchanged lane keeps its rows, which are then not drawn again.

import type { AgentRole, TimelineLaneView, TimelineSpanView } from '../../src/shared/protocol'

export interface TimelineRow {
  /** Unique in the timeline: the session and the todo. */
  key: string
  sessionId: string
  role: AgentRole
  todoId?: string
  /** What the row's label says on hover. */
  title: string
  spans: TimelineSpanView[]
  open?: TimelineLaneView['open']
  compactions: number[]
}

export interface TimelineGroup {
  key: string
  /** Absent: the rows of no todo (the planner's). */
  todoId?: string
  rows: TimelineRow[]
}

const rowsOf = new WeakMap<TimelineLaneView, TimelineRow[]>()

/**
 * A lane's rows, in the order its todos came: spans without a todo (an older journal's) go to the
 * lane's todo, and a compaction to the todo the agent worked on when it happened.
 */
export function laneRows(l: TimelineLaneView): TimelineRow[] {
  const hit = rowsOf.get(l)
  if (hit) return hit
  const byTodo = new Map<string | undefined, TimelineRow>()
  const row = (todoId: string | undefined): TimelineRow => {
    let r = byTodo.get(todoId)
    if (!r) {
      r = {
        key: `${l.sessionId} ${todoId ?? ''}`,
        sessionId: l.sessionId,
        role: l.role,
        ...(todoId !== undefined && { todoId }),
        title: l.title,
        spans: [],
        compactions: [],
      }
      byTodo.set(todoId, r)
    }
    return r
  }
  for (const s of l.spans) row(s.todoId ?? l.todoId).spans.push(s)
  if (l.open) row(l.open.todoId ?? l.todoId).open = l.open
  for (const at of l.compactions) row(todoAt(l, at)).compactions.push(at)
  if (byTodo.size === 0) row(l.todoId)
  const rows = [...byTodo.values()]
  // The lane's title names the todo its session was made for: with several, each row names its own.
  if (rows.length > 1) for (const r of rows) if (r.todoId !== undefined) r.title = `${l.role} on ${r.todoId}`
  rowsOf.set(l, rows)
  return rows
}

/** The todo of the latest span that started by `at`. */
function todoAt(l: TimelineLaneView, at: number): string | undefined {
  if (l.open && l.open.start <= at) return l.open.todoId ?? l.todoId
  const span = l.spans.findLast((s) => s.start <= at) ?? l.spans[0]
  return span?.todoId ?? l.todoId
}

/** The rows grouped by todo, groups and rows in the order the lanes first show them. */
export function timelineGroups(lanes: readonly TimelineLaneView[]): TimelineGroup[] {
  const groups = new Map<string | undefined, TimelineGroup>()
  for (const l of lanes)
    for (const r of laneRows(l)) {
      let g = groups.get(r.todoId)
      if (!g)
        groups.set(
          r.todoId,
          (g = { key: r.todoId ?? '', ...(r.todoId !== undefined && { todoId: r.todoId }), rows: [] }),
        )
      g.rows.push(r)
    }
  return [...groups.values()]
}
