// What one scheduling tick hands the scheduler, as pure functions: the journal's todos, with the
// dispatches still under way counted as started; and the live worker and reviewer sessions with the
// models they run on, plus a busy placeholder for each session still being created, so that it holds
// its slot under every cap.

import type { MissionSnapshot } from '../record/entries'
import type { Live } from '../sessions/live-session'
import type { ModelRef, Role } from '../ports'
import type { Assignment, SchedulerSession, SchedulerTodo } from './scheduler'

/**
 * A dispatch under way whose journal entry is not in yet, with the slot of the session being created
 * for it.
 */
export interface Dispatching {
  role: Role
  creating?: SchedulerSession
}

/**
 * The dispatch of an assignment until it has claimed its session (an existing one is marked busy at
 * once).
 */
export function dispatchSlot(a: Assignment): Dispatching {
  if (a.sessionId !== 'new') return { role: a.role }
  const creating: SchedulerSession = {
    sessionId: `new:${a.todoId}`,
    role: a.role,
    busy: true,
    todosDone: 0,
    lastFiles: [],
    ...(a.model && { model: a.model }),
  }
  return { role: a.role, creating }
}

/** Every todo in plan order; a todo being dispatched counts as running (or reviewing). */
export function tickTodos(snap: MissionSnapshot, under: ReadonlyMap<string, Dispatching>): SchedulerTodo[] {
  return snap.todoOrder.flatMap((id) => {
    const t = snap.todos[id]
    if (!t) return []
    const affinity = t.status === 'pending' && t.sessionId ? [t.sessionId] : []
    const starting = under.get(id)
    const status = starting ? (starting.role === 'worker' ? 'running' : 'reviewing') : t.status
    return [{ id, files: t.files, dependsOn: t.dependsOn, status, affinity }]
  })
}

/**
 * The worker and reviewer sessions still in service, each on its own model or else its role's
 * default (`roleModels`), then the placeholders of the sessions being created.
 */
export function tickSessions(
  live: Iterable<Live>,
  roleModels: Partial<Record<Role, ModelRef>>,
  under: ReadonlyMap<string, Dispatching>,
): SchedulerSession[] {
  const sessions: SchedulerSession[] = [...live]
    .filter((l) => !l.retired && (l.role === 'worker' || l.role === 'reviewer'))
    .map((l) => {
      const model = l.model ?? roleModels[l.role]
      return {
        sessionId: l.sessionId,
        role: l.role,
        busy: l.busy,
        todosDone: l.todosDone,
        lastFiles: l.lastFiles,
        ...(l.boundTo !== undefined && { boundTo: l.boundTo }),
        ...(model && { model }),
      }
    })
  for (const d of under.values()) if (d.creating) sessions.push(d.creating)
  return sessions
}
