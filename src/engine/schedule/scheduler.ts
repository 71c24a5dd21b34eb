// The dispatch decision of one scheduling tick, as a pure function of the mission's todos, the live
// sessions, the caps and the cooling providers. It never raises a cap and never starts work that would
// share a file with work in flight. Runs in O(todos + deps + files + sessions) with per-file indexes,
// in O(sessions) when every slot is taken.

import type { ModelRef, Role } from '../ports'
import type { TodoStatus } from '../record/entries'

/**
 * Statuses whose todo holds its files. Review holds them too: a reviewer must see the files as the
 * worker left them, and a failed review sends the todo back to work on the same files.
 */
export const FILE_HOLDING_STATUSES: ReadonlySet<TodoStatus> = new Set(['running', 'reported', 'reviewing'])

export interface SchedulerTodo {
  id: string
  /** Files the todo owns (workspace-relative, compared verbatim). */
  files: readonly string[]
  dependsOn: readonly string[]
  status: TodoStatus
  /**
   * Sessions that already worked on this todo, best first (e.g. the worker whose report the reviewer
   * failed). An idle one of the needed role gets the todo before any other session. Default: none.
   */
  affinity?: readonly string[]
}

export interface SchedulerSession {
  sessionId: string
  role: Role
  /** The session's model. Without it, provider and model caps and cooling cannot apply to the session. */
  model?: ModelRef
  /** Running a turn (including OpenCode's own retry loop): counts against every cap. */
  busy: boolean
  /**
   * Busy, but its turn's result is in and its closing call cut: it takes no todo until it is idle,
   * and fills no cap (it runs no model call any more).
   */
  closing?: boolean
  /** Todos this session has worked on. */
  todosDone: number
  /** Files the session touched in its last todo (its warm context). Empty for a blank session. */
  lastFiles: readonly string[]
  /** The only todo the session may take (it works in that todo's worktree). Default: any. */
  boundTo?: string
}

export interface SchedulerCaps {
  /** Upper bound on busy sessions in all. Infinity allowed. */
  total: number
  /** Upper bound on busy sessions per role. Default: none beyond `total`. */
  perRole?: Partial<Record<Role, number>>
  /** Upper bound on busy sessions per provider id. Default: none for unlisted providers. */
  perProvider?: Readonly<Record<string, number>>
  /** Upper bound on busy sessions per `providerID/modelID`. Default: none for unlisted models. */
  perModel?: Readonly<Record<string, number>>
}

export interface ScheduleInput {
  /** Every todo of the mission, oldest first: the order decides who goes first among equals. */
  todos: readonly SchedulerTodo[]
  /** Every live session of the mission, busy or idle, of any role (busy ones fill the caps). */
  sessions: readonly SchedulerSession[]
  caps: SchedulerCaps
  /** Todos a session may work on before it is retired (not reused). Integer >= 1. */
  maxTodosPerSession: number
  /**
   * Model of a new session per role. Pass the resolved default model for roles the user left unset,
   * or provider and model caps cannot apply to new sessions. Default: none.
   */
  models?: Partial<Record<Role, ModelRef>>
  /** Providers that are retrying 429/5xx: no new work goes to them. Default: none. */
  coolingProviders?: ReadonlySet<string>
  /**
   * Let an idle, used session with no related ready todo take an unrelated one. Default: false,
   * because that todo would inherit the previous todo's transcript; unrelated work then goes to a
   * blank idle session or to a new one.
   */
  reuseUnrelated?: boolean
}

/** Why a session was chosen: warm context, work stolen by an idle session, or a new session. */
export type AssignmentKind = 'affinity' | 'steal' | 'new'

export interface Assignment {
  todoId: string
  /** An existing idle session, or 'new' for a session the caller creates. */
  sessionId: string | 'new'
  /** 'worker' for a ready todo, 'reviewer' for a reported one. */
  role: 'worker' | 'reviewer'
  /** The session's model (for 'new': the role's configured model), if known. */
  model?: ModelRef
  kind: AssignmentKind
}

const modelKey = (m: ModelRef) => `${m.providerID}/${m.modelID}`

function expectCap(name: string, value: unknown, min: number): void {
  if (typeof value !== 'number' || !(value === Infinity || Number.isInteger(value)) || value < min)
    throw new TypeError(`Expected \`${name}\` to be an integer >= ${min} or Infinity, got ${String(value)}`)
}

function validate(input: ScheduleInput): void {
  const { caps } = input
  expectCap('caps.total', caps.total, 0)
  for (const [k, v] of Object.entries(caps.perRole ?? {})) expectCap(`caps.perRole.${k}`, v, 0)
  for (const [k, v] of Object.entries(caps.perProvider ?? {})) expectCap(`caps.perProvider.${k}`, v, 0)
  for (const [k, v] of Object.entries(caps.perModel ?? {})) expectCap(`caps.perModel.${k}`, v, 0)
  expectCap('maxTodosPerSession', input.maxTodosPerSession, 1)
}

/** Busy-session counters against the caps; `take` commits one more busy session. */
class Load {
  #total = 0
  readonly #role = new Map<string, number>()
  readonly #provider = new Map<string, number>()
  readonly #model = new Map<string, number>()

  constructor(
    private readonly caps: SchedulerCaps,
    private readonly cooling: ReadonlySet<string>,
  ) {}

  get full(): boolean {
    return this.#total >= this.caps.total
  }

  fits(role: Role, model: ModelRef | undefined): boolean {
    if (this.#total >= this.caps.total) return false
    if (!under(this.#role, role, this.caps.perRole?.[role])) return false
    if (!model) return true
    if (this.cooling.has(model.providerID)) return false
    return (
      under(this.#provider, model.providerID, this.caps.perProvider?.[model.providerID]) &&
      under(this.#model, modelKey(model), this.caps.perModel?.[modelKey(model)])
    )
  }

  take(role: Role, model: ModelRef | undefined): void {
    this.#total++
    bump(this.#role, role)
    if (model) {
      bump(this.#provider, model.providerID)
      bump(this.#model, modelKey(model))
    }
  }
}

const under = (m: Map<string, number>, k: string, cap: number | undefined) =>
  cap === undefined || (m.get(k) ?? 0) < cap
const bump = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1)

/**
 * Decides this tick's dispatches. Reviews of reported todos go first (they finish work in flight and
 * release files), then ready todos. For each role, in order:
 * 1. a todo goes back to an idle session listed in its `affinity` (it knows the todo);
 * 2. an idle session that finished a todo takes the oldest ready todo sharing files with what it
 *    touched (warm context), while under `maxTodosPerSession`;
 * 3. the remaining todos, oldest first (work stealing: no one has affinity for them), go to a blank
 *    idle session, or with `reuseUnrelated` to any reusable idle session, else to a new session.
 * Every dispatch must fit every cap, avoid cooling providers and share no file with held or newly
 * dispatched todos. Sessions at their reuse limit are never reused; a session bound to a todo takes
 * only that todo (by affinity).
 */
export function schedule(input: ScheduleInput): Assignment[] {
  validate(input)
  const { todos, sessions, maxTodosPerSession } = input
  const load = new Load(input.caps, input.coolingProviders ?? new Set())
  const out: Assignment[] = []

  for (const s of sessions) if (s.busy && !s.closing) load.take(s.role, s.model)
  // Every slot taken: nothing can start, whatever the todos and idle sessions (both grow with a long
  // mission, and most of its ticks end here).
  if (load.full) return out
  const idle = new Map<string, SchedulerSession>()
  for (const s of sessions) if (!s.busy) idle.set(s.sessionId, s)

  // The todos' statuses, for the dependencies of pending ones: made only when one has any.
  let status: Map<string, TodoStatus> | undefined
  const passed = (id: string) => {
    if (!status) {
      status = new Map()
      for (const t of todos) status.set(t.id, t.status)
    }
    return status.get(id) === 'passed'
  }
  const held = new Set<string>()
  for (const t of todos) if (FILE_HOLDING_STATUSES.has(t.status)) for (const f of t.files) held.add(f)

  const reviews: SchedulerTodo[] = []
  const ready: SchedulerTodo[] = []
  for (const t of todos) {
    if (t.status === 'reported') reviews.push(t)
    else if ((t.status === 'pending' || t.status === 'ready') && t.dependsOn.every(passed)) ready.push(t)
  }

  const reusable = (s: SchedulerSession, role: Role) =>
    s.role === role && s.todosDone < maxTodosPerSession && load.fits(role, s.model)

  const dispatch = (
    todo: SchedulerTodo,
    role: 'worker' | 'reviewer',
    session: SchedulerSession | undefined,
    kind: AssignmentKind,
  ) => {
    const model = session ? session.model : input.models?.[role]
    load.take(role, model)
    if (session) idle.delete(session.sessionId)
    // A reviewed todo already holds its files; a started one takes them now.
    if (role === 'worker') for (const f of todo.files) held.add(f)
    out.push({
      todoId: todo.id,
      sessionId: session?.sessionId ?? 'new',
      role,
      ...(model ? { model } : {}),
      kind,
    })
  }

  const plan = (queue: readonly SchedulerTodo[], role: 'worker' | 'reviewer') => {
    if (queue.length === 0 || load.full) return
    const taken = new Uint8Array(queue.length)
    // Reviews do not take files: their todo holds them already.
    const free = (t: SchedulerTodo) => role === 'reviewer' || t.files.every((f) => !held.has(f))

    // 1. Back to a session that already worked on this very todo.
    queue.forEach((t, i) => {
      for (const sid of t.affinity ?? []) {
        const s = idle.get(sid)
        if (s && reusable(s, role) && free(t) && (s.boundTo === undefined || s.boundTo === t.id)) {
          taken[i] = 1
          dispatch(t, role, s, 'affinity')
          return
        }
      }
    })

    // 2. Warm context: idle sessions that touched files take the oldest ready todo sharing one.
    // Per-file cursors only move forward: within one tick a todo that is taken or blocked stays so.
    const warm = [...idle.values()].filter(
      (s) => s.lastFiles.length > 0 && s.role === role && s.boundTo === undefined,
    )
    const byFile = new Map<string, number[]>()
    if (warm.length > 0)
      queue.forEach((t, i) => {
        if (taken[i]) return
        for (const f of t.files) {
          const list = byFile.get(f)
          if (!list) byFile.set(f, [i])
          else if (list[list.length - 1] !== i) list.push(i)
        }
      })
    const cursor = new Map<string, number>()
    for (const s of warm) {
      if (load.full) return
      if (!reusable(s, role)) continue
      let best = -1
      for (const f of s.lastFiles) {
        const list = byFile.get(f)
        if (!list) continue
        let c = cursor.get(f) ?? 0
        while (c < list.length) {
          const i = list[c] as number
          const t = queue[i] as SchedulerTodo
          if (!taken[i] && free(t)) break
          c++
        }
        cursor.set(f, c)
        const i = list[c]
        if (i !== undefined && (best < 0 || i < best)) best = i
      }
      if (best >= 0) {
        taken[best] = 1
        dispatch(queue[best] as SchedulerTodo, role, s, 'affinity')
      }
    }

    // 3. Work stealing: the rest, oldest first.
    const blank: SchedulerSession[] = []
    const used: SchedulerSession[] = []
    for (const s of idle.values())
      if (s.role === role && s.todosDone < maxTodosPerSession && s.boundTo === undefined)
        (s.todosDone === 0 && s.lastFiles.length === 0 ? blank : used).push(s)
    const hosts = input.reuseUnrelated ? [...blank, ...used] : blank
    // Loads only grow within a tick, so a host that does not fit now never will: the cursor moves on.
    let h = 0
    for (let i = 0; i < queue.length; i++) {
      if (load.full) return
      const t = queue[i] as SchedulerTodo
      if (taken[i] || !free(t)) continue
      let host: SchedulerSession | undefined
      while (h < hosts.length && !host) {
        const s = hosts[h++] as SchedulerSession
        if (idle.has(s.sessionId) && load.fits(role, s.model)) host = s
      }
      if (host) dispatch(t, role, host, 'steal')
      else if (load.fits(role, input.models?.[role])) dispatch(t, role, undefined, 'new')
      else return
      taken[i] = 1
    }
  }

  plan(reviews, 'reviewer')
  plan(ready, 'worker')
  return out
}
