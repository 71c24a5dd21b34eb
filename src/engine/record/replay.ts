// The journal's pure reducer: rebuilds a mission from its entries. The live journal applies each
// entry it writes with the same `apply`, so a mission replayed after a restart equals the one that
// was running. An entry costs what it changes, not what the mission holds: its records (a todo, an
// attempt, a session, the evidence list, a lane) are values that snapshots and published states
// share, so an entry replaces the ones it changes and never edits them; only the two indexes by id
// (`todos`, `sessions`) are updated in place (a copy of either per entry made long missions quadratic).

import type {
  AttemptRecord,
  JournalEntry,
  MissionSnapshot,
  SessionRecord,
  TodoRecord,
  TodoRevision,
  TodoStatus,
} from './entries'
import { applyIsolation, mergeVerdict } from './replay-isolation'
import { withQueued, withSettled } from './steering-receipts'
import { entrySpans, pushSpan, type TimelineLane } from './timeline'

export const emptySnapshot = (): MissionSnapshot => ({
  status: 'new',
  goal: '',
  options: {},
  iteration: 0,
  todoOrder: [],
  todos: {},
  sessions: {},
  evidence: [],
  tokens: 0,
  cost: 0,
  timeline: [],
  planRejections: 0,
  passedAtIteration: 0,
  roundsWithoutProgress: 0,
  modelCalls: 0,
})

/** Statuses in which the todo's latest attempt is under way (working, reviewed, waiting to go on). */
const IN_FLIGHT: ReadonlySet<TodoStatus> = new Set(['running', 'reported', 'reviewing', 'waiting'])

const passedCount = (s: MissionSnapshot) =>
  s.todoOrder.filter((id) => s.todos[id]?.status === 'passed').length

/** A fresh allowance: the attempts made so far stay counted and shown, the bounds start again. */
const freshRevision = (attempts: number): TodoRevision => ({
  attemptsBefore: attempts,
  waits: 0,
  unreviewed: 0,
})

/**
 * The todo an entry changes, as a fresh copy already in its place (undefined for an unknown todo, and
 * for a cancelled one unless `cancelled` says it may change). Its fields may be set on the copy; its
 * arrays and objects are shared with the old record and are replaced, never edited.
 */
function editTodo(s: MissionSnapshot, id: string, cancelled = false): TodoRecord | undefined {
  const t = s.todos[id]
  if (!t || (t.status === 'cancelled' && !cancelled)) return undefined
  const copy = { ...t }
  s.todos[id] = copy
  return copy
}

/** The attempts with the latest one changed by `patch` (a new list and record; none: as they are). */
function withLatest(history: AttemptRecord[], patch: Partial<AttemptRecord>): AttemptRecord[] {
  const last = history.at(-1)
  return last ? history.with(-1, { ...last, ...patch }) : history
}

/**
 * Applies one entry to a snapshot in place (its indexes, and the records it replaces). Rules that the
 * live mission must follow for replay to match: `plan.accepted` upserts the listed todos (new ones,
 * or existing ones reopened: back to `pending` with the new definition, attempts kept; a cancelled
 * one stays cancelled: that was the user's decision) and leaves unlisted todos alone; a dispatch to a
 * session created as `reviewer` moves the todo to `reviewing`, any other to `running`; a `done`
 * report moves it to `reported`, `blocked`/`failed` ones to those statuses; a verdict to `passed` or
 * `failed`; a requeue back to `pending`; `todo.failed` to `failed` with its reason. A cancelled todo
 * ignores every entry but `todo.retried` (a late result of an aborted session changes nothing).
 * Steering entries settle only the queued messages they name. Entries about unknown todos or
 * sessions are ignored.
 */
export function apply(s: MissionSnapshot, e: JournalEntry): void {
  switch (e.type) {
    case 'mission.started':
      // A journal holds one mission; a second start begins again from nothing.
      for (const k of Object.keys(s)) delete (s as unknown as Record<string, unknown>)[k]
      Object.assign(s, emptySnapshot(), {
        status: 'running',
        goal: e.goal,
        options: e.options,
        startedAt: e.at,
        ...(typeof e.directory === 'string' && { directory: e.directory }),
      })
      return
    case 'plan.accepted': {
      // The round before ended here: it made progress if a todo newly passed review during it.
      if (s.iteration > 0)
        s.roundsWithoutProgress = passedCount(s) > s.passedAtIteration ? 0 : s.roundsWithoutProgress + 1
      s.iteration = Math.max(s.iteration, e.iteration)
      if (e.title !== undefined) s.title = e.title
      s.planRejections = 0
      delete s.planRejected
      // A new list when the plan adds todos: snapshots share the old one.
      const added = new Set(e.todos.filter((t) => !s.todos[t.id]).map((t) => t.id))
      if (added.size) s.todoOrder = [...s.todoOrder, ...added]
      for (const t of e.todos) {
        const prev = s.todos[t.id]
        const cancelled = prev?.status === 'cancelled'
        s.todos[t.id] = {
          ...t,
          files: [...t.files],
          dependsOn: [...t.dependsOn],
          acceptance: [...t.acceptance],
          status: cancelled ? 'cancelled' : 'pending',
          attempts: prev?.attempts ?? 0,
          iteration: e.iteration,
          ...(prev?.sessionId !== undefined ? { sessionId: prev.sessionId } : {}),
          filesChanged: [],
          findings: prev ? [...prev.findings] : [],
          ...(cancelled && prev.cancelReason !== undefined && { cancelReason: prev.cancelReason }),
          ...(prev?.retries !== undefined && { retries: prev.retries }),
          reviews: prev ? [...prev.reviews] : [],
          history: prev?.history ?? [],
          rejections: prev?.rejections ?? 0,
          revision: freshRevision(prev?.attempts ?? 0),
        }
      }
      s.passedAtIteration = passedCount(s)
      return
    }
    case 'plan.rejected':
      s.planRejections++
      s.planRejected = { reasons: [...e.reasons], ...(e.final !== undefined && { final: e.final }) }
      return
    case 'todo.dispatched': {
      const t = editTodo(s, e.todoId)
      if (!t) return
      if (s.sessions[e.sessionId]?.role === 'reviewer') {
        t.status = 'reviewing'
        t.reviewerSessionId = e.sessionId
        t.history = withLatest(t.history, { reviewerSessionId: e.sessionId })
      } else {
        t.status = 'running'
        t.sessionId = e.sessionId
        t.attempts = Math.max(t.attempts, e.attempt)
        // The same attempt dispatched again (a resume) stays one attempt, on its latest session.
        t.history =
          t.history.at(-1)?.attempt === e.attempt
            ? withLatest(t.history, { sessionId: e.sessionId })
            : [...t.history, { attempt: e.attempt, sessionId: e.sessionId }]
      }
      return
    }
    case 'todo.reported': {
      const t = editTodo(s, e.todoId)
      if (!t) return
      t.status = e.status === 'done' ? 'reported' : e.status
      t.summary = e.summary
      t.filesChanged = [...e.filesChanged]
      t.history = withLatest(t.history, {
        report: { status: e.status, summary: e.summary, filesChanged: [...e.filesChanged] },
      })
      if (t.worktree && e.commit !== undefined)
        t.worktree = { ...t.worktree, commit: e.commit, ...(e.from !== undefined && { from: e.from }) }
      return
    }
    case 'todo.verdict': {
      const t = editTodo(s, e.todoId)
      if (!t) return
      t.status = e.verdict === 'pass' ? 'passed' : 'failed'
      t.revision = { ...t.revision, unreviewed: 0 }
      if (e.verdict !== 'pass') t.rejections++
      t.verdict = e.verdict
      t.findings = [...e.findings]
      t.reviews = [...t.reviews, { attempt: t.attempts, verdict: e.verdict, findings: [...e.findings] }]
      t.history = withLatest(t.history, { review: { verdict: e.verdict, findings: [...e.findings] } })
      if (e.merge) mergeVerdict(t, e.merge)
      return
    }
    case 'todo.requeued': {
      const t = editTodo(s, e.todoId)
      if (!t) return
      t.status = 'pending'
      t.requeueReason = e.reason
      clearWait(t)
      t.history = withLatest(t.history, { requeued: e.reason })
      return
    }
    case 'todo.waiting': {
      const t = editTodo(s, e.todoId)
      if (!t) return
      t.status = 'waiting'
      t.revision = { ...t.revision, waits: t.revision.waits + 1 }
      t.waitReason = e.reason
      t.waitUntil = e.at + e.delayMs
      return
    }
    case 'todo.unreviewed': {
      const t = editTodo(s, e.todoId)
      if (!t) return
      t.status = 'reported'
      t.revision = { ...t.revision, unreviewed: t.revision.unreviewed + 1 }
      return
    }
    case 'todo.cancelled': {
      const t = editTodo(s, e.todoId, true)
      if (!t) return
      // The attempt in flight ends here; one that ended already (sent back, failed) stays as it ended.
      if (IN_FLIGHT.has(t.status)) t.history = withLatest(t.history, { cancelled: e.reason })
      t.status = 'cancelled'
      t.cancelReason = e.reason
      t.cancelledBy = e.by ?? 'user'
      clearWait(t)
      return
    }
    case 'todo.retried': {
      const status = s.todos[e.todoId]?.status
      if (!(status === 'cancelled' || status === 'failed')) return
      const t = editTodo(s, e.todoId, true) as TodoRecord
      t.status = 'pending'
      t.retries = (t.retries ?? 0) + 1
      delete t.cancelReason
      delete t.cancelledBy
      t.requeueReason = 'retried by the user'
      delete t.failReason
      t.revision = freshRevision(t.attempts)
      t.rejections = 0
      return
    }
    case 'todo.failed': {
      const t = editTodo(s, e.todoId)
      if (!t) return
      t.status = 'failed'
      t.failReason = e.reason
      return
    }
    case 'evidence':
      s.evidence = [
        ...s.evidence,
        {
          iteration: s.iteration,
          at: e.at,
          command: e.command,
          exitCode: e.exitCode,
          durationMs: e.durationMs,
          outputTail: e.outputTail,
          ...(e.source !== undefined && { source: e.source }),
          ...(e.cwd !== undefined && { cwd: e.cwd }),
        },
      ]
      return
    case 'check.baseline': {
      const { at, type: _, ...fields } = e
      s.baseline = { ...fields, at }
      return
    }
    case 'check.continued':
      if (s.baseline) s.baseline = { ...s.baseline, continued: true }
      return
    case 'usage': {
      const rec = { ...(s.sessions[e.sessionId] ?? newSession(e.sessionId, e.role, e.at)) }
      s.sessions[e.sessionId] = rec
      rec.tokens += e.tokens
      rec.cost += e.cost
      if (e.contextTokens !== undefined) rec.contextTokens = e.contextTokens
      if (e.contextLimit !== undefined) rec.contextLimit = e.contextLimit
      s.tokens += e.tokens
      s.cost += e.cost
      s.modelCalls += e.calls ?? 0
      return
    }
    case 'session.spare':
      s.spareSessions = [...(s.spareSessions ?? []), e.sessionId]
      return
    case 'session.removed':
      withoutSpare(s, e.sessionId)
      return
    case 'session.created': {
      // A session made ahead is handed out: it is an agent's from here on.
      withoutSpare(s, e.sessionId)
      const prev = s.sessions[e.sessionId]
      s.sessions[e.sessionId] = {
        sessionId: e.sessionId,
        role: e.role,
        ...(e.todoId !== undefined ? { todoId: e.todoId } : {}),
        createdAt: e.at,
        tokens: prev?.tokens ?? 0,
        cost: prev?.cost ?? 0,
        ...(prev?.contextTokens !== undefined && { contextTokens: prev.contextTokens }),
        ...(prev?.contextLimit !== undefined && { contextLimit: prev.contextLimit }),
        ...(prev?.steering && { steering: prev.steering }),
      }
      return
    }
    case 'mission.root':
      s.rootSessionId = e.sessionId
      return
    case 'mission.ended':
      s.status = e.status
      s.reason = e.reason
      s.endedAt = e.at
      return
    case 'mission.base':
      s.base = structuredClone(e.base)
      return
    case 'timeline': {
      // Snapshots share the timeline (its bulk): a lane is replaced, never changed, and so is the list.
      const at = s.timeline.findIndex((l) => l.sessionId === e.sessionId)
      const prev = s.timeline[at]
      const lane: TimelineLane = {
        sessionId: e.sessionId,
        spans: [...(prev?.spans ?? [])],
        compactions: [...(prev?.compactions ?? []), ...(e.compactions ?? [])],
      }
      for (const span of entrySpans(e)) pushSpan(lane.spans, span)
      s.timeline = at < 0 ? [...s.timeline, lane] : s.timeline.with(at, lane)
      return
    }
    case 'mission.summary':
      // Derived from the entries before it: nothing new for the state.
      return
    case 'steering.queued': {
      const rec = s.sessions[e.sessionId]
      if (!rec) return
      const steering = withQueued(rec.steering ?? [], {
        id: e.id,
        text: e.text,
        status: 'queued',
        queuedAt: e.at,
      })
      s.sessions[e.sessionId] = { ...rec, steering }
      return
    }
    case 'steering.delivered': {
      const rec = s.sessions[e.sessionId]
      if (rec?.steering)
        s.sessions[e.sessionId] = {
          ...rec,
          steering: withSettled(rec.steering, e.ids, { status: 'delivered', deliveredAt: e.at }),
        }
      return
    }
    case 'steering.dropped': {
      const rec = s.sessions[e.sessionId]
      if (rec?.steering)
        s.sessions[e.sessionId] = {
          ...rec,
          steering: withSettled(rec.steering, e.ids, { status: 'dropped', note: e.note }),
        }
      return
    }
    case 'isolation':
    case 'todo.worktree':
    case 'todo.discarded':
    case 'isolation.closed':
      return applyIsolation(s, e)
    default:
      // Entries of a newer journal version: ignore what this version does not know.
      return
  }
}

/** Rebuilds a mission from its entries (pure: the entries are not modified). */
export function replay(
  entries: readonly JournalEntry[],
  from: MissionSnapshot = emptySnapshot(),
): MissionSnapshot {
  const s = structuredClone(from)
  for (const e of entries) apply(s, e)
  return s
}

const newSession = (sessionId: string, role: SessionRecord['role'], at: number): SessionRecord => ({
  sessionId,
  role,
  createdAt: at,
  tokens: 0,
  cost: 0,
})

function clearWait(t: TodoRecord): void {
  delete t.waitReason
  delete t.waitUntil
}

/** The session is no longer one made ahead and waiting (handed out, or removed). */
function withoutSpare(s: MissionSnapshot, sessionId: string): void {
  if (!s.spareSessions?.includes(sessionId)) return
  const rest = s.spareSessions.filter((id) => id !== sessionId)
  if (rest.length) s.spareSessions = rest
  else delete s.spareSessions
}
