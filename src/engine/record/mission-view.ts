// The journal's todos as the UI and the report show them.

import type { MissionEndStatus, MissionSnapshot, TodoRecord } from './entries'
import type { TodoState } from './mission-state'
import { sameItems } from '../../shared/same-items'
import { todoFate, type TodoFate } from './todo-fate'
import type { TodoChanges } from './touched-todos'

/**
 * The todos of a journal snapshot as the UI shows them, in plan order, each with what became of it.
 * `end`: how the mission ended, by default as the journal says (a live mission's end is published
 * before it is journaled, so its state passes it).
 */
export function todoStates(snap: MissionSnapshot, end = journaledEnd(snap)): TodoState[] {
  const lookup = (id: string) => snap.todos[id]
  return snap.todoOrder.flatMap((id) => {
    const t = snap.todos[id]
    return t ? [todoState(t, todoFate(t, lookup, end))] : []
  })
}

/**
 * The todos of a running mission's journal as the UI shows them, kept from one publish to the next:
 * only the todos the entries since replaced are looked at again, with those waiting on them (their
 * fate follows their dependencies'), and all of them when a plan came or the mission ended. A todo
 * whose view did not change keeps its object, and the list keeps its own while none did: the host's
 * deltas and the view's rows compare them by identity.
 */
export class TodoViews {
  #revision = -1
  #end: MissionEndStatus | undefined
  #list: TodoState[] = []
  /** Per todo id: its place in the list, and who waits on it. */
  #at = new Map<string, number>()
  #dependents = new Map<string, string[]>()

  list(snap: MissionSnapshot, journal: TodoChanges, end: MissionEndStatus | undefined): TodoState[] {
    const changed = end === this.#end ? journal.changedTodos(this.#revision) : 'all'
    this.#revision = journal.revision
    this.#end = end
    if (changed === 'all') return this.#rebuild(snap, end)
    let list: TodoState[] | undefined
    for (const id of this.#withDependents(changed)) {
      const t = snap.todos[id]
      const i = this.#at.get(id)
      // An entry about a todo the mission does not hold changed nothing; only a plan adds todos (and
      // rebuilds), so one that came or went otherwise is a surprise, met by building them all.
      if (!t && i === undefined) continue
      if (!t || i === undefined) return this.#rebuild(snap, end)
      const state = this.#view(t, this.#list[i], snap, end)
      if (state !== this.#list[i]) (list ??= [...this.#list])[i] = state
    }
    if (list) this.#list = list
    return this.#list
  }

  #rebuild(snap: MissionSnapshot, end: MissionEndStatus | undefined): TodoState[] {
    const before = new Map(this.#list.map((x) => [x.id, x]))
    const list: TodoState[] = []
    this.#at = new Map()
    this.#dependents = new Map()
    for (const id of snap.todoOrder) {
      const t = snap.todos[id]
      if (!t) continue
      this.#at.set(id, list.length)
      list.push(this.#view(t, before.get(id), snap, end))
      for (const dep of t.dependsOn) {
        const waiting = this.#dependents.get(dep)
        if (waiting) waiting.push(id)
        else this.#dependents.set(dep, [id])
      }
    }
    if (!sameItems(list, this.#list)) this.#list = list
    return this.#list
  }

  /** The todo's view: the one it had while nothing in it changed (a record may change unseen parts). */
  #view(t: TodoRecord, prev: TodoState | undefined, snap: MissionSnapshot, end?: MissionEndStatus) {
    const fate = todoFate(t, (id) => snap.todos[id], end)
    const next = todoState(t, fate)
    return prev && sameFields(prev, next) ? prev : next
  }

  /** The ids, and every todo that waits on one of them, directly or through others. */
  #withDependents(ids: ReadonlySet<string>): Set<string> {
    const all = new Set(ids)
    for (const id of all) for (const d of this.#dependents.get(id) ?? []) all.add(d)
    return all
  }
}

/** A todo as shown. Its lists are the record's own: records are values, replaced when they change. */
function todoState(t: TodoRecord, fate: TodoFate): TodoState {
  return {
    id: t.id,
    title: t.title,
    status: fate.status,
    attempts: t.attempts,
    files: t.files,
    dependsOn: t.dependsOn,
    findings: t.findings,
    filesChanged: t.filesChanged,
    reviews: t.reviews,
    history: t.history,
    ...(t.summary !== undefined && { summary: t.summary }),
    ...(fate.reason !== undefined && { reason: fate.reason }),
    ...(fate.blockedBy !== undefined && { blockedBy: fate.blockedBy }),
    ...(t.retries !== undefined && { retries: t.retries }),
    ...(t.worktree && { branch: t.worktree.branch }),
    ...(t.merge && { merge: t.merge }),
  }
}

/** The same fields, each the same value or a list of the same items (a fate's `blockedBy` is made anew). */
function sameFields(a: TodoState, b: TodoState): boolean {
  const x = a as unknown as Record<string, unknown>
  const y = b as unknown as Record<string, unknown>
  const keys = Object.keys(x)
  return (
    keys.length === Object.keys(y).length &&
    keys.every((k) => {
      const v = x[k]
      const w = y[k]
      return v === w || (Array.isArray(v) && Array.isArray(w) && sameItems(v, w))
    })
  )
}

function journaledEnd(snap: MissionSnapshot): MissionEndStatus | undefined {
  return snap.status === 'new' || snap.status === 'running' ? undefined : snap.status
}
