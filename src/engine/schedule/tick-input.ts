// What one scheduling tick hands the scheduler, as pure functions: the journal's todos, with the
// dispatches still under way counted as started; and the live worker and reviewer sessions with the
// models they run on, plus a busy placeholder for each session still being created, so that it holds
// its slot under every cap.

import type { MissionSnapshot, TodoRecord } from '../record/entries'
import type { TodoChanges } from '../record/touched-todos'
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

/**
 * Every todo in plan order; a todo being dispatched counts as running (or reviewing). A tick runs at
 * every step of the loop: only the todos entries replaced since the last one are made again (making
 * all of them at every step made a long mission quadratic).
 */
export class TickTodos {
  #revision = -1
  #list: SchedulerTodo[] = []
  /** Each todo's place in the list. */
  #at = new Map<string, number>()

  of(snap: MissionSnapshot, journal: TodoChanges, under: ReadonlyMap<string, Dispatching>): SchedulerTodo[] {
    const changed = journal.changedTodos(this.#revision)
    this.#revision = journal.revision
    if (changed === 'all' || !this.#remake(snap, changed)) this.#rebuild(snap)
    if (under.size === 0) return this.#list
    const list = [...this.#list]
    for (const [id, starting] of under) {
      const i = this.#at.get(id)
      const t = i === undefined ? undefined : list[i]
      if (t && i !== undefined)
        list[i] = { ...t, status: starting.role === 'worker' ? 'running' : 'reviewing' }
    }
    return list
  }

  /** Makes the changed todos again; false when one came or went (only a plan does that, and it rebuilds). */
  #remake(snap: MissionSnapshot, changed: ReadonlySet<string>): boolean {
    let list: SchedulerTodo[] | undefined
    for (const id of changed) {
      const t = snap.todos[id]
      const i = this.#at.get(id)
      // An entry about a todo the mission does not hold changed nothing.
      if (!t && i === undefined) continue
      if (!t || i === undefined) return false
      ;(list ??= [...this.#list])[i] = tickTodo(t)
    }
    if (list) this.#list = list
    return true
  }

  #rebuild(snap: MissionSnapshot): void {
    this.#list = []
    this.#at = new Map()
    for (const id of snap.todoOrder) {
      const t = snap.todos[id]
      if (!t) continue
      this.#at.set(id, this.#list.length)
      this.#list.push(tickTodo(t))
    }
  }
}

function tickTodo(t: TodoRecord): SchedulerTodo {
  const affinity = t.status === 'pending' && t.sessionId ? [t.sessionId] : []
  return { id: t.id, files: t.files, dependsOn: t.dependsOn, status: t.status, affinity }
}

/**
 * The worker and reviewer sessions still in service, each on its own model or else its role's
 * default (`roleModels`), then the placeholders of the sessions being created. A session's object is
 * made again only when what the scheduler reads of it changed: a tick runs at every step, and a long
 * mission keeps thousands of idle sessions.
 */
export class TickSessions {
  readonly #made = new WeakMap<Live, SchedulerSession>()

  of(
    live: Iterable<Live>,
    roleModels: Partial<Record<Role, ModelRef>>,
    under: ReadonlyMap<string, Dispatching>,
  ): SchedulerSession[] {
    const sessions: SchedulerSession[] = []
    for (const l of live) {
      if (l.retired || !(l.role === 'worker' || l.role === 'reviewer')) continue
      const model = l.model ?? roleModels[l.role]
      const made = this.#made.get(l)
      if (made && same(made, l, model)) sessions.push(made)
      else {
        const session = tickSession(l, model)
        this.#made.set(l, session)
        sessions.push(session)
      }
    }
    for (const d of under.values()) if (d.creating) sessions.push(d.creating)
    return sessions
  }
}

/** Busy with a turn whose closing call the engine cut (turns/turn-cut.ts): it fills no cap. */
const closing = (l: Live): boolean => l.busy && l.turn?.closing === true

/** Whether a session holds a slot under the caps: busy with a turn that may still call a model. */
export const fillsCaps = (l: Live): boolean => l.busy && !closing(l)

const same = (s: SchedulerSession, l: Live, model: ModelRef | undefined): boolean =>
  s.busy === l.busy &&
  (s.closing ?? false) === closing(l) &&
  s.todosDone === l.todosDone &&
  s.lastFiles === l.lastFiles &&
  s.boundTo === l.boundTo &&
  s.model === model &&
  s.role === l.role

const tickSession = (l: Live, model: ModelRef | undefined): SchedulerSession => ({
  sessionId: l.sessionId,
  role: l.role,
  busy: l.busy,
  ...(closing(l) && { closing: true }),
  todosDone: l.todosDone,
  lastFiles: l.lastFiles,
  ...(l.boundTo !== undefined && { boundTo: l.boundTo }),
  ...(model && { model }),
})
