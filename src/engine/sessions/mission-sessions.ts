// The mission's own sessions (one Live each, with its agent on the roster) and the children OpenCode
// spawns inside them (the `task` tool), each mapped to the mission session at the root of its tree.
// Every agent session is a child of one mission root session (titled with the goal, never prompted),
// so OpenCode lists one entry per mission; the agents stay the roots of *our* trees (adopt, rootOf):
// the mission root is not one of the mission's sessions, so nothing spawned under it is adopted.
// Creates sessions, restores them from a resumed journal, frees them after a turn (waking whoever
// waits for one to go idle) and aborts whole trees: abort does not cascade in OpenCode.

import type { AgentRoster } from '../record/agent-roster'
import type { MissionSnapshot } from '../record/entries'
import { agentName, newLive, type Live } from './live-session'
import type { MissionRecord } from '../record/mission-record'
import type { AgentState } from '../record/mission-state'
import { activeMs } from '../record/timeline'
import type { Clock, Logger, ModelRef, Role, SessionPort } from '../ports'
import { cutLine } from '../util/cut-line'
import { errorMessage } from '../util/error-message'
import { SpareSessions } from './spare-sessions'

export interface MissionSessionsDeps {
  sessions: SessionPort
  clock: Clock
  logger: Logger
  roster: AgentRoster
  record: MissionRecord
  goal: string
  /** Model per role, from the options. */
  models: Partial<Record<Role, ModelRef>> | undefined
  /** Whether the mission ended: a session created after that is aborted at once. */
  over: () => boolean
  /** A session is free again (the loop looks at what the mission does next). */
  released?: () => void
  /**
   * An existing session to put the mission's sessions under instead of a root of its own: the
   * session a user started the mission from (`/task` inside OpenCode), whose children the TUI shows
   * with their permission asks. The mission never prompts or aborts it.
   */
  root?: string
}

export class MissionSessions {
  readonly live = new Map<string, Live>()
  /**
   * The worker and reviewer sessions that may still be given a todo (not retired), in the order they
   * were made: a long mission makes thousands, and each step of the scheduler reads only these.
   */
  readonly #serving = new Set<Live>()
  /** Sessions in service that did a todo, least recently done first (see retireIdleBeyond). */
  readonly #used = new Set<Live>()
  /** Children spawned inside our sessions, mapped to the mission session above them. */
  readonly #rootOf = new Map<string, string>()
  /** Resolved whenever a session of the mission finishes a turn. */
  #idleWaiters: (() => void)[] = []
  /** The root session's creation on the server, started ahead by prepareRoot (not journaled yet). */
  #rootOnServer: Promise<{ id: string }> | undefined
  /** The mission root session, once created (or restored from the journal). */
  #rootId: string | undefined
  #rootCreating: Promise<string> | undefined

  /** Sessions made ahead of the todos that will take them (loop/spares.ts says how many). */
  readonly spares: SpareSessions

  constructor(private readonly d: MissionSessionsDeps) {
    this.spares = new SpareSessions({
      sessions: d.sessions,
      record: d.record,
      logger: d.logger,
      root: () => this.ensureRoot(),
      title: `Agent: ${oneLineExcerpt(d.goal)}`,
      over: d.over,
    })
  }

  /** The mission session a session belongs to: itself, or the root of the tree it was spawned in. */
  rootOf(sessionId: string): string | undefined {
    return this.live.has(sessionId) ? sessionId : this.#rootOf.get(sessionId)
  }

  /** The mission session a child was spawned under; undefined for any other session. */
  rootAbove(sessionId: string): string | undefined {
    return this.#rootOf.get(sessionId)
  }

  /** Whether a session is the mission session `rootId` or a child under it. */
  inTree(sessionId: string, rootId: string): boolean {
    return sessionId === rootId || this.#rootOf.get(sessionId) === rootId
  }

  /** Records a session created by the server; only one spawned inside a tree of ours is kept. */
  adopt(sessionId: string, parentId: string): void {
    const root = this.rootOf(parentId)
    if (root) this.#rootOf.set(sessionId, root)
  }

  anyBusy(): boolean {
    // The workers and reviewers in service first: while one works (most steps) the thousands of
    // sessions a long mission made before are not looked at.
    for (const l of this.#serving) if (l.busy) return true
    for (const l of this.live.values()) if (l.busy) return true
    return false
  }

  /** Resolves when a session is released next (or the mission ends). */
  nextRelease(): Promise<void> {
    return new Promise<void>((resolve) => this.#idleWaiters.push(resolve))
  }

  /** Wakes everyone waiting in {@link nextRelease}. */
  wake(): void {
    for (const wake of this.#idleWaiters.splice(0)) wake()
  }

  /** The session is free again: the scheduler may use it, and a waiting completion may proceed. */
  release(live: Live): void {
    live.busy = false
    this.wake()
    this.d.released?.()
  }

  /** The session finished a turn on a todo of these files: a later todo on them may go back to it. */
  didTodo(live: Live, files: string[]): void {
    live.todosDone++
    live.lastFiles = files
    if (!this.#serving.has(live)) return
    this.#used.delete(live)
    this.#used.add(live)
  }

  /** The sessions that may still be given a todo (see {@link retire}). */
  get serving(): ReadonlySet<Live> {
    return this.#serving
  }

  /** The session takes no todo any more (its turn, if any, is the caller's to end). */
  retire(live: Live): void {
    live.retired = true
    this.#serving.delete(live)
    this.#used.delete(live)
  }

  /**
   * Retires the idle sessions that did a todo beyond the `keep` that did one most recently, except those
   * `needed` (a todo of theirs is not finished: it goes back to them). A later todo on the same files
   * takes one of the recent ones; an old one would only lengthen every step of a long mission.
   */
  retireIdleBeyond(keep: number, needed: (live: Live) => boolean): void {
    let idle = 0
    for (const l of this.#used) if (!l.busy && l.boundTo === undefined) idle++
    for (const l of this.#used) {
      if (idle <= keep) return
      if (l.busy || l.boundTo !== undefined) continue
      idle--
      if (!needed(l)) this.retire(l)
    }
  }

  /** The mission root session's id, when there is one. */
  get rootId(): string | undefined {
    return this.#rootId
  }

  /**
   * Starts creating the root session on the server ahead of {@link ensureRoot}, which journals it: a
   * session touches no file, so it can be made while the mission still chooses its check and takes
   * its base. A failure surfaces in ensureRoot.
   */
  prepareRoot(): void {
    if (this.#rootId || this.#rootCreating || this.#rootOnServer || this.d.root !== undefined) return
    const created = this.d.sessions.create({ title: oneLineExcerpt(this.d.goal) })
    created.catch(() => {})
    this.#rootOnServer = created
  }

  /**
   * The mission root session, created (and journaled) on first use: titled with the goal, so
   * OpenCode makes no title call, and never prompted, so it costs no model call at all.
   */
  async ensureRoot(): Promise<string> {
    if (this.#rootId) return this.#rootId
    this.#rootCreating ??= (async () => {
      const early = this.#rootOnServer
      this.#rootOnServer = undefined
      const given = this.d.root
      const { id } =
        given !== undefined
          ? { id: given }
          : await (early ?? this.d.sessions.create({ title: oneLineExcerpt(this.d.goal) }))
      await this.d.record.append({ type: 'mission.root', sessionId: id })
      this.#rootId = id
      return id
    })().finally(() => (this.#rootCreating = undefined))
    return this.#rootCreating
  }

  /**
   * A new session under the root, one made ahead when there is one (in the shared folder only); in
   * `directory` (a todo's worktree) it is made now, and bound to that todo.
   */
  async create(role: Role, todoId?: string, what?: string, directory?: string): Promise<Live | undefined> {
    const title = sessionTitle(role, what ?? this.d.goal)
    const spare = directory === undefined ? await this.spares.take() : undefined
    const { id } =
      spare !== undefined
        ? { id: spare }
        : await this.d.sessions.create({
            title,
            parentId: await this.ensureRoot(),
            ...(directory !== undefined && { directory }),
          })
    if (this.d.over()) {
      await (spare !== undefined ? this.spares.remove([spare]) : this.abortTree(id))
      return undefined
    }
    // Named for its agent now; the title it was made with is no worse meanwhile.
    if (spare !== undefined)
      void this.d.sessions.retitle?.(spare, title).catch((err: unknown) => {
        this.d.logger.debug(`session ${spare} keeps its first title: ${errorMessage(err)}`)
      })
    await this.d.record.append({
      type: 'session.created',
      sessionId: id,
      role,
      ...(todoId !== undefined && { todoId }),
    })
    this.d.roster.add(this.#agent(id, role, title, 'starting'))
    // A session made for a todo is born claimed (busy): its creator resumes only after other ticks may
    // have run, and none of them may hand the same session a second todo.
    const live = this.add(id, role, todoId !== undefined)
    if (directory !== undefined && todoId !== undefined) live.boundTo = todoId
    return live
  }

  add(sessionId: string, role: Role, claimed = false): Live {
    const live = newLive(sessionId, role, this.d.models?.[role])
    live.busy = claimed
    this.live.set(sessionId, live)
    if (role === 'worker' || role === 'reviewer') this.#serving.add(live)
    if (!this.d.roster.has(sessionId))
      this.d.roster.add(this.#agent(sessionId, role, sessionTitle(role, this.d.goal), 'idle'))
    return live
  }

  /** A new agent on the roster: no usage yet, active since now. */
  #agent(sessionId: string, role: Role, title: string, status: 'starting' | 'idle'): AgentState {
    const now = this.d.clock.now()
    const provider = this.d.models?.[role]?.providerID
    return {
      sessionId,
      role,
      title,
      status,
      tokens: 0,
      cost: 0,
      startedAt: now,
      lastActivityAt: now,
      ...(provider && { provider }),
      busyMs: 0,
    }
  }

  /** Re-creates the sessions of a resumed journal, idle; returns the planner's session id. */
  restore(snap: MissionSnapshot): string | undefined {
    // A journal from before mission roots has none: the sessions created from now on get one. A
    // mission resumed under a session given now (`/task --resume` typed in it) goes on under that one.
    if (snap.rootSessionId && this.d.root === undefined) this.#rootId = snap.rootSessionId
    let plannerId: string | undefined
    const lanes = new Map(snap.timeline.map((l) => [l.sessionId, l]))
    for (const s of Object.values(snap.sessions)) {
      const live = this.add(s.sessionId, s.role)
      const todo = s.todoId !== undefined ? snap.todos[s.todoId] : undefined
      const lane = lanes.get(s.sessionId)
      this.d.roster.patch(s.sessionId, {
        title: sessionTitle(s.role, todo?.title ?? this.d.goal),
        tokens: s.tokens,
        cost: s.cost,
        startedAt: s.createdAt,
        ...(s.todoId !== undefined && { todoId: s.todoId }),
        // What the meters showed before the reload: busy time from the journaled lane, the context.
        ...(lane && { busyMs: activeMs(lane) }),
        ...(lane?.compactions.length && { compactions: lane.compactions.length }),
        ...(s.contextTokens !== undefined && { contextTokens: s.contextTokens }),
        ...(s.contextLimit !== undefined && { contextLimit: s.contextLimit }),
      })
      if (s.role === 'planner') plannerId = s.sessionId
      // In worktree mode a todo's session works in its folder: it stays bound to it.
      if (snap.isolation?.mode === 'worktree' && s.todoId !== undefined) live.boundTo = s.todoId
      const todosOf = Object.values(snap.todos).filter((t) => t.sessionId === s.sessionId)
      live.todosDone = todosOf.length
      live.lastFiles = todosOf.at(-1)?.files ?? []
    }
    return plannerId
  }

  /** Aborts a session and every child under it, in parallel. */
  async abortTree(sessionId: string): Promise<void> {
    const known = [...this.#rootOf.entries()].filter(([, root]) => root === sessionId).map(([child]) => child)
    const asked = await this.d.sessions.children(sessionId).catch(() => [] as string[])
    const children = [...new Set([...known, ...asked])]
    await Promise.allSettled([
      ...children.map((c) => this.abortTree(c)),
      this.d.sessions.abort(sessionId).then(
        (ok) => {
          const live = this.live.get(sessionId)
          if (!ok)
            this.d.logger.warn(
              `abort of the ${live ? agentName(live) : `session ${sessionId}`} was not confirmed`,
            )
        },
        () => undefined,
      ),
    ])
  }

  /**
   * Aborts every tree (an abort of an idle session is a no-op, and cheaper than missing one that
   * just became busy), waiting at most `limitMs`: a server that stopped answering must not hold a stop.
   */
  async abortAll(limitMs: number): Promise<void> {
    let cancel = () => {}
    const aborts = Promise.allSettled([...this.live.keys()].map((id) => this.abortTree(id)))
    await Promise.race([aborts, new Promise<void>((r) => (cancel = this.d.clock.setTimeout(r, limitMs)))])
    cancel()
  }
}

/** Longest goal excerpt used in a session title. */
const TITLE_CHARS = 60

/** Text on one line, cut to a title's length. */
export const oneLineExcerpt = (what: string) => {
  const oneLine = what.replace(/\s+/g, ' ').trim()
  return cutLine(oneLine, TITLE_CHARS)
}

/** An explicit title: an untitled session costs an extra title-generation model call. */
export const sessionTitle = (role: Role, what: string) =>
  `${role[0]?.toUpperCase()}${role.slice(1)}: ${oneLineExcerpt(what)}`
