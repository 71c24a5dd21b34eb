// The journal's vocabulary: the entry types a mission journal holds (one JSON line each) and the
// records the reducer in replay.ts builds from them. Types and constants only, so every room above
// can speak of journaled missions without pulling in the journal itself.

import type { LineCounts, Role, WorkspaceBase } from '../ports'
import type { BaselineClass } from '../project/check-baseline'
import type { PlanTodo, ReportStatus, Verdict } from '../protocol/mission-protocol'
import type { TimelineEntry, TimelineLane } from './timeline'

/**
 * A todo's place in its life cycle. `ready` is accepted as input and treated like `pending`: the
 * scheduler decides readiness itself from the dependencies.
 */
export type TodoStatus =
  | 'pending'
  | 'ready'
  | 'running'
  | 'reported'
  | 'reviewing'
  | 'passed'
  | 'failed'
  | 'blocked'
  /** A provider error (429, 5xx) is waited out before the todo goes back to the queue. */
  | 'waiting'
  /** The user cancelled it: it does not progress (nor is re-planned) until the user retries it. */
  | 'cancelled'

/**
 * 2: waits, reviews asked again and refused plans have entries of their own, cancels say who, usage
 * counts model calls. Journals of version 1 replay as they are (their counters start from zero).
 */
export const JOURNAL_VERSION = 2
/** Bytes of command output kept as evidence. */
export const OUTPUT_TAIL_BYTES = 4096

export type MissionEndStatus = 'completed' | 'failed' | 'stopped'

/** A JSON value, as mission options are stored. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue }

export type JournalEntry = { at: number } & (
  | {
      type: 'mission.started'
      version: number
      goal: string
      options: { [key: string]: JsonValue }
      /** The folder the mission works in: a resume happens there only. Absent in older journals. */
      directory?: string
    }
  | { type: 'plan.accepted'; iteration: number; todos: PlanTodo[]; title?: string }
  | { type: 'todo.dispatched'; todoId: string; sessionId: string; attempt: number }
  /** In worktree mode `commit` is the commit of the todo's folder, and `filesChanged` what git says it changed. */
  | {
      type: 'todo.reported'
      todoId: string
      status: ReportStatus
      summary: string
      filesChanged: string[]
      commit?: string
      /** The commit the reviewer diffs against (where the todo last took in the integration branch). */
      from?: string
    }
  /**
   * The reviewer's verdict. In worktree mode a pass carries what became of the todo's branch
   * (`merge`), so that the todo counts as passed only once its work is on the integration branch.
   */
  | { type: 'todo.verdict'; todoId: string; verdict: Verdict; findings: string[]; merge?: MergeRecord }
  | { type: 'todo.requeued'; todoId: string; reason: string }
  /** The todo was cancelled (its sessions were aborted), by the user or by a policy; absent: the user. */
  | { type: 'todo.cancelled'; todoId: string; reason: string; by?: 'user' | 'policy' }
  /** A provider error is waited out: the todo goes back to the queue after `delayMs`. */
  | { type: 'todo.waiting'; todoId: string; reason: string; delayMs: number }
  /** A review ended without a verdict: the todo goes back to review (its work did not fail). */
  | { type: 'todo.unreviewed'; todoId: string; reason: string }
  /**
   * The planner's turn ended without a valid plan, for these reasons; `final` says why no attempt can
   * get one (the planner cannot plan, or a provider error that will not pass).
   */
  | { type: 'plan.rejected'; reasons: string[]; final?: string }
  /** The user sent a failed or cancelled todo back to the queue; its history stays. */
  | { type: 'todo.retried'; todoId: string }
  /** The todo used its attempts under the current plan revision: it stays failed until a plan reopens it. */
  | { type: 'todo.failed'; todoId: string; reason: string }
  | {
      type: 'evidence'
      command: string
      exitCode: number | null
      durationMs: number
      outputTail: string
      /** How the command was chosen and the folder it ran in (relative to the mission's), when known. */
      source?: string
      cwd?: string
    }
  /**
   * The check's run on the mission's base, before any worker edited it (a resume does not run it
   * again); a later one replaces it when the user changed the check.
   */
  | ({ type: 'check.baseline' } & BaselineFields)
  /** The user let the mission go on after a baseline that found the project not set up. */
  | { type: 'check.continued' }
  | {
      type: 'usage'
      sessionId: string
      role: Role
      tokens: number
      cost: number
      /** The agent's context at the flush, and its model's window: the context meter after a reload. */
      contextTokens?: number
      contextLimit?: number
      /** Model calls answered in full since the last flush. */
      calls?: number
    }
  | { type: 'session.created'; sessionId: string; role: Role; todoId?: string }
  /**
   * A session made ahead of the work that will use it (shared mode): no agent's yet. The
   * `session.created` of the same id hands it out; one never handed out is removed at the end.
   */
  | { type: 'session.spare'; sessionId: string }
  /** A session made ahead and never handed out, deleted from the server. */
  | { type: 'session.removed'; sessionId: string }
  /** The session the mission's agents are created under (never prompted): one entry per mission in OpenCode. */
  | { type: 'mission.root'; sessionId: string }
  | { type: 'mission.ended'; status: MissionEndStatus; reason: string }
  /** The workspace as the mission started (diffs are taken against it). */
  | { type: 'mission.base'; base: WorkspaceBase }
  /** What an agent did since its lane was last journaled (batched at turn ends and at the end). */
  | ({ type: 'timeline' } & TimelineEntry)
  /** Written after `mission.ended`, so a history lists a mission from its last line alone. */
  | { type: 'mission.summary'; summary: MissionSummary }
  /** The user's message to a session's agent, waiting for the agent's next idle. */
  | { type: 'steering.queued'; sessionId: string; id: string; text: string }
  /** Those queued messages went out as the agent's next prompt. */
  | { type: 'steering.delivered'; sessionId: string; ids: string[] }
  /** Those queued messages will not go out, for the reason in `note`. */
  | { type: 'steering.dropped'; sessionId: string; ids: string[]; note: string }
  /** How the mission keeps its todos apart (worktree mode, or the shared tree and why). */
  | ({ type: 'isolation' } & IsolationRecord)
  /** The todo's worktree: its folder and branch. */
  | { type: 'todo.worktree'; todoId: string; dir: string; branch: string }
  /** The todo's worktree and branch were removed (it failed or was cancelled): nothing of it is merged. */
  | { type: 'todo.discarded'; todoId: string; reason: string }
  /** Worktree mode's end: what reached the user's tree, what was left as the user changed it, what was kept. */
  | ({ type: 'isolation.closed' } & IsolationClosed)
)

export type IsolationRecord =
  { mode: 'worktree'; branch: string; dir: string; baseCommit: string } | { mode: 'shared'; reason: string }

export interface IsolationClosed {
  /** Files written into the user's tree. */
  applied: string[]
  /** Files the user changed since the base: left as they are. */
  skipped: string[]
  /** The integration branch, when it was kept (for the user to merge or look at). */
  keptBranch?: string
  /** Left for the host to act on (`applyChanges: 'ask'`): the integration folder and branch stay. */
  pending?: boolean
}

/**
 * What became of a todo's branch after its reviewer passed it: `merged` into the integration branch;
 * `conflict`: it did not merge, and went back to its worker with the integration branch brought in and
 * the conflicts marked; `rereview`: the integration branch had changed the same files since, so it was
 * brought in and the todo goes to review again.
 */
export interface MergeRecord {
  result: 'merged' | 'conflict' | 'rereview'
  /** merged: the todo's files; conflict: the conflicting files; rereview: the overlapping files. */
  files: string[]
  /** The merge commit on the integration branch. */
  commit?: string
  /** rereview: the todo's new base (the integration branch as it was brought in). */
  from?: string
  /** conflict: per file, the regions git marked (bounded), shown to the worker. */
  hunks?: Record<string, string>
}

/** The baseline run of the check, as journaled. */
export interface BaselineFields {
  command: string
  source: string
  cwd?: string
  /** null: it did not exit by itself (timed out). */
  exitCode: number | null
  durationMs: number
  outputTail: string
  classification: BaselineClass
  diagnosis?: string
}

/** One line of a workspace's mission history. */
export interface MissionSummary {
  goal: string
  /** The planner's short title of the mission, when a plan gave one. */
  title?: string
  status: MissionEndStatus
  reason: string
  startedAt: number
  endedAt: number
  durationMs: number
  todos: { passed: number; total: number }
  /** Files the passed todos changed (summaries written before it was counted lack it). */
  files?: number
  /**
   * Lines added and removed in what the mission changed, against its base (worktree mode: the
   * integration branch; shared mode: the passed todos' files as the mission left them). Absent when
   * not counted: no git base, or summaries written before it was counted.
   */
  lines?: LineCounts
  tokens: number
  cost: number
  /** The last run of the check command, if any (and, after a baseline of the same command, how it compares). */
  check?: { command: string; exitCode: number | null; vsBaseline?: BaselineComparison }
  /** The check's run on the mission's base, if it ran. */
  baseline?: { command: string; exitCode: number | null; classification: BaselineClass }
  /**
   * Worktree mode: each todo's branch and what became of it, how many files reached the user's
   * folder, those left as the user changed them, and the integration branch when it was kept.
   */
  worktrees?: {
    todos: { id: string; branch?: string; merge?: string }[]
    applied: number
    skipped: string[]
    keptBranch?: string
  }
}

/** A round's check against the baseline (see check-runs.ts). */
export type BaselineComparison = 'passes' | 'fixed' | 'unchanged' | 'new-failures'

export type JournalEntryType = JournalEntry['type']
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never
/** An entry as the engine writes it: the journal stamps `at` (and `version` on mission.started). */
export type JournalEntryInput = DistributiveOmit<JournalEntry, 'at' | 'version'>

/** One worker attempt at a todo and what came of it, for the todo's detail. */
export interface AttemptRecord {
  attempt: number
  /** The worker's session. */
  sessionId: string
  report?: { status: ReportStatus; summary: string; filesChanged: string[] }
  /** The reviewer's session, once the attempt went to review. */
  reviewerSessionId?: string
  review?: { verdict: Verdict; findings: string[] }
  /** Why the attempt went back to the queue, when it did. */
  requeued?: string
  /** Why it ended cancelled: its todo was cancelled while it was in flight. */
  cancelled?: string
}

export interface TodoRecord extends PlanTodo {
  status: TodoStatus
  /** Worker dispatches so far (the attempt number of the latest). */
  attempts: number
  /** The plan iteration that last opened or reopened this todo. */
  iteration: number
  /** The worker session of the latest attempt. */
  sessionId?: string
  /** The reviewer session of the latest review. */
  reviewerSessionId?: string
  summary?: string
  filesChanged: string[]
  verdict?: Verdict
  findings: string[]
  /** Every verdict with the attempt it judged, oldest first; a re-plan keeps them. */
  reviews: { attempt: number; verdict: Verdict; findings: string[] }[]
  /** Every worker attempt, oldest first; a re-plan keeps them. */
  history: AttemptRecord[]
  requeueReason?: string
  /** Why the user cancelled it (while cancelled). */
  cancelReason?: string
  /** Times the user sent it back to the queue. */
  retries?: number
  /** Why the todo failed for good under its plan revision (cleared when a plan reopens it). */
  failReason?: string
  /** Who cancelled it (while cancelled): the user, or the mission's policy (`cancelAfterRejections`). */
  cancelledBy?: 'user' | 'policy'
  /** Reviews that failed it since it was first planned or last retried by the user (a re-plan keeps them). */
  rejections: number
  /** While waiting: why, and until when (journal time). */
  waitReason?: string
  waitUntil?: number
  /** What the todo spent of its allowance since a plan (re)opened it or the user retried it. */
  revision: TodoRevision
  /** Worktree mode: the todo's folder and branch (while it has them), and where its reviewer diffs from. */
  worktree?: { dir: string; branch: string; from?: string; commit?: string }
  /** Worktree mode: what became of its branch, latest first (merged, conflict, rereview, discarded). */
  merge?: MergeRecord | { result: 'discarded'; files: string[]; reason: string }
}

/** A todo's counts under its current plan revision, which its attempt policy reads. */
export interface TodoRevision {
  /** Its attempts when the revision began: attempts beyond these are this revision's. */
  attemptsBefore: number
  /** Provider errors waited out. */
  waits: number
  /** Reviews in a row that ended without a verdict. */
  unreviewed: number
}

export interface SessionRecord {
  sessionId: string
  role: Role
  todoId?: string
  createdAt: number
  tokens: number
  cost: number
  /** The latest context the session's usage was journaled with, and its model's window. */
  contextTokens?: number
  contextLimit?: number
  /** The user's steering messages to the session's agent, oldest first (capped like live). */
  steering?: SteeringMessage[]
}

export interface EvidenceRecord {
  iteration: number
  at: number
  command: string
  exitCode: number | null
  durationMs: number
  outputTail: string
  source?: string
  cwd?: string
}

export interface BaselineRecord extends BaselineFields {
  at: number
  /** The user let the mission go on although the project is not set up. */
  continued?: boolean
}

export interface MissionSnapshot {
  status: 'new' | 'running' | MissionEndStatus
  goal: string
  /** The planner's short title of the mission (its latest plan's), when it gave one. */
  title?: string
  options: { [key: string]: JsonValue }
  /** The mission's root session in OpenCode, parent of every agent session created since it. */
  rootSessionId?: string
  /** Sessions made ahead and neither handed out nor removed yet (a resume removes them). */
  spareSessions?: string[]
  startedAt?: number
  /** The folder the mission works in, when its start recorded it. */
  directory?: string
  endedAt?: number
  reason?: string
  iteration: number
  /** Todo ids in the order plans introduced them. */
  todoOrder: string[]
  todos: Record<string, TodoRecord>
  sessions: Record<string, SessionRecord>
  evidence: EvidenceRecord[]
  /** The check's run on the mission's base, once it ran. */
  baseline?: BaselineRecord
  tokens: number
  cost: number
  /** The workspace at the start, when the mission recorded it. */
  base?: WorkspaceBase
  /** One lane per root session that did something, with its journaled spans (capped like live). */
  timeline: TimelineLane[]
  /** Plans refused since the last accepted one (each was a plan attempt), and the latest refusal. */
  planRejections: number
  planRejected?: { reasons: string[]; final?: string }
  /** Todos that had passed when the current round's plan was accepted. */
  passedAtIteration: number
  /** Rounds in a row, before the current one, in which no todo newly passed review. */
  roundsWithoutProgress: number
  /** Model calls answered in full, as journaled with the usage. */
  modelCalls: number
  /** How the mission keeps its todos apart, once it started (absent: shared, as before isolation). */
  isolation?: IsolationRecord
  /** Worktree mode's end, once its changes were applied or kept. */
  isolationClosed?: IsolationClosed
}

/**
 * A user's message to a running agent: queued until the agent's turn reaches idle, then delivered as
 * its next prompt; dropped (with the reason) when the agent finished or stopped before that.
 */
export interface SteeringMessage {
  id: string
  text: string
  status: 'queued' | 'delivered' | 'dropped'
  queuedAt: number
  deliveredAt?: number
  /** Why a dropped message was not delivered. */
  note?: string
}
