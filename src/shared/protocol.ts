// The host ↔ webview contract. The webview is untrusted input for the host: every message from
// it passes isWebviewToHost before routing. Bump PROTOCOL_VERSION on any incompatible change.
// Plain data only: these types cross postMessage (structured clone), so no functions, no classes.

import type { MeteredLimits } from './budget-kinds'

/**
 * 2: todos, inbox, evidence, iteration and pause state; pause/resume/permission messages.
 * 3: agents folded into their todos, review history, busy time, the mission's folder; walkthrough.open;
 * cancelled todos and what they block, steering receipts; todo.cancel, todo.retry, agent.steer.
 * 4: mission deltas between snapshots; budgets, context meters and the timeline.
 * 6: every run of the check (checks, the baseline first) in place of the last evidence; needsYou has a
 * kind, and the baseline question.
 * 7: worktree isolation: the mission's mode, each todo's branch and merge state, the changes waiting
 * on the user at the end and their actions.
 * 8: the mission being started (`starting`), the interrupted one (`interrupted`) and the workspace's
 * missions (`missions`) in the snapshot; the mission's short title; interrupted.resume,
 * interrupted.discard, mission.open, mission.changes.
 * 9: deltas carry the todos item by item (`todos`, `todoOrder`) and a known lane's new spans only
 * (`laneEdits`).
 */
export const PROTOCOL_VERSION = 9

export type ServerStatus = 'stopped' | 'starting' | 'ready' | 'failed'

export type AgentRole = 'commander' | 'planner' | 'worker' | 'reviewer'

export type AgentStatus = 'starting' | 'busy' | 'retry' | 'waiting' | 'idle' | 'done' | 'failed' | 'aborted'

export type TodoStatus =
  | 'pending'
  | 'ready'
  | 'running'
  | 'reported'
  | 'reviewing'
  | 'passed'
  | 'failed'
  | 'blocked'
  /** Waiting out a provider error before it goes back to the queue. */
  | 'waiting'
  | 'cancelled'
  /** The mission ended (stopped or failed) while the todo was in flight: nothing will finish it. */
  | 'interrupted'

/** The longest steering message the host accepts (the engine's bound too). */
export const STEER_MAX_CHARS = 4_000

/** A user's message to an agent: queued until the agent's turn reaches idle, then delivered. */
export interface SteeringView {
  id: string
  text: string
  status: 'queued' | 'delivered' | 'dropped'
  queuedAt: number
  deliveredAt?: number
  /** Why a dropped message was not delivered. */
  note?: string
}

export type PermissionReply = 'once' | 'always' | 'reject'

export const PERMISSION_REPLIES: readonly PermissionReply[] = ['once', 'always', 'reject']

/** Lines of the check command's output carried to the view (the end of it). */
export const EVIDENCE_TAIL_LINES = 20

export interface AgentView {
  sessionId: string
  role: AgentRole
  title: string
  status: AgentStatus
  /** The todo this agent works on (workers and reviewers). */
  todoId?: string
  /** Tool the agent is running right now. */
  tool?: string
  tokens: number
  cost: number
  text?: string
  error?: string
  /** The provider the agent's model calls go to, once known. */
  provider?: string
  /** Set while the provider makes OpenCode retry (429/5xx); `next` is the next try in epoch ms. */
  retry?: { attempt: number; message: string; next: number }
  startedAt: number
  lastActivityAt: number
  /** Tokens in the agent's context (its last model call's input and cache tokens). */
  contextTokens?: number
  /** The model's context window, when the server declares one. */
  contextLimit?: number
  /** Times the session's context was compacted. */
  compactions?: number
  /** Time in closed busy spans; the idle waits between attempts do not count. */
  busyMs: number
  /** Start of the open busy span, while the agent is active. */
  busySince?: number
  /** The user's steering messages to this agent, oldest first. */
  steering?: SteeringView[]
}

export type TimelineKind = 'thinking' | 'tool' | 'permission' | 'retry' | 'idle'

export interface TimelineSpanView {
  kind: TimelineKind
  /** The tool of a `tool` span. */
  name?: string
  /** The todo the agent worked on then (absent: none, or the lane's `todoId` in an older journal). */
  todoId?: string
  start: number
  end: number
  /** Spans merged into this one to keep the lane bounded. */
  merged?: number
}

/** One agent's swimlane; it names its agent, which may have left the agent list. */
export interface TimelineLaneView {
  sessionId: string
  role: AgentRole
  title: string
  /** The agent's latest todo. */
  todoId?: string
  /** At most TIMELINE_VIEW_SPANS closed spans, oldest merged first. */
  spans: TimelineSpanView[]
  /** What the agent is doing now, since `start`. */
  open?: { kind: TimelineKind; name?: string; todoId?: string; start: number }
  /** When its context was compacted. */
  compactions: number[]
  /**
   * Where the lane's record breaks, oldest first: nothing was recorded from `from` (its last span
   * before a reload) to `to` (its first after the mission resumed). Absent: no break.
   */
  gaps?: { from: number; to: number }[]
}

/** Closed spans per lane carried to the view (the engine keeps more, the journal all). */
export const TIMELINE_VIEW_SPANS = 32

/** The mission's finite budget limits; an absent one is unlimited. */
export type BudgetsView = MeteredLimits

/** An agent whose part in its todo is over, folded into the todo's row: enough for one compact line. */
export interface FoldedAgentView {
  role: AgentRole
  status: AgentStatus
  tokens: number
  cost: number
  /** The user's steering messages to it, oldest first: the todo's detail keeps them. */
  steering?: SteeringView[]
}

/** One review of a todo, kept for every attempt. */
export interface ReviewView {
  attempt: number
  verdict: 'pass' | 'fail'
  findings: string[]
}

/** One worker attempt at a todo: which agents, the worker's report, the reviewer's findings. */
export interface AttemptView {
  attempt: number
  /** The worker's session (its transcript). */
  sessionId: string
  report?: { status: 'done' | 'blocked' | 'failed'; summary: string; filesChanged: string[] }
  reviewerSessionId?: string
  review?: { verdict: 'pass' | 'fail'; findings: string[] }
  /** Why the attempt went back to the queue. */
  requeued?: string
  /** Why it ended cancelled (its todo was cancelled while it was in flight). */
  cancelled?: string
}

/**
 * Where a todo's work stands with the integration branch (worktree mode): on its own branch, waiting
 * for its dependencies to merge, merged, sent back on a conflict, reviewed again with what merged
 * meanwhile, or discarded (it failed or was cancelled).
 */
export type MergeState = 'working' | 'waiting' | 'merged' | 'conflict' | 'rereview' | 'discarded'

export interface TodoWorktreeView {
  /** The todo's branch, once it has one. */
  branch?: string
  state: MergeState
  /** A few words for the row, e.g. "merged" or "waits for api to merge". */
  words: string
  /** The whole story, for the tooltip: the branch and what became of it. */
  detail: string
}

export interface TodoView {
  id: string
  title: string
  status: TodoStatus
  attempts: number
  files: string[]
  dependsOn: string[]
  /** The worker's report. */
  summary?: string
  /** The reviewer's latest findings. */
  findings: string[]
  /** Files the worker's latest report says it changed. */
  filesChanged?: string[]
  /** The failed or cancelled todos this one waits on (its status is then `blocked`). */
  blockedBy?: string[]
  /** Times the user sent it back to the queue. */
  retries?: number
  /** Every review so far, oldest first: a failed review stays readable after the todo passes. */
  reviews: ReviewView[]
  /** Every worker attempt, oldest first. Optional: a view of a mission without them stays valid. */
  history?: AttemptView[]
  /** This todo's finished agents (not in MissionView.agents), in the order they started. */
  folded: FoldedAgentView[]
  /** Why the todo failed, what blocks it, or that it never started. */
  reason?: string
  /** Worktree mode: the todo's branch and merge state. */
  worktree?: TodoWorktreeView
}

/** A permission request from any session of the mission, waiting for the user. */
export interface PermissionView {
  requestId: string
  role: AgentRole
  todoId?: string
  permission: string
  patterns: string[]
}

/** The mission waits on the user's answer: keep waiting for a stuck agent, or stop by the deadline. */
export interface StuckQuestionView {
  kind: 'stuck'
  role: AgentRole
  /** What the agent waits on, e.g. the provider's error and how long it has retried. */
  reason: string
  /** When the mission stops without an answer, in epoch ms. */
  deadline: number
}

/**
 * The check fails on the mission's base because the project's environment is not set up: no worker
 * starts until the user goes on, stops, or changes the check. It has no deadline.
 */
export interface BaselineQuestionView {
  kind: 'baseline'
  /** What the user is told, e.g. "npm test: command not found (exit 127)". */
  reason: string
  /** The baseline run, with its output's last lines. */
  check: CheckRunView
}

export type NeedsYouView = StuckQuestionView | BaselineQuestionView

/** How the check fared on the mission's base, before any worker edited it. */
export type BaselineClassView = 'passes' | 'fails' | 'not-set-up'

/** A round's check against the baseline (both passed, the failure is gone, the same, or another one). */
export type BaselineComparisonView = 'passes' | 'fixed' | 'unchanged' | 'new-failures'

/** One run of the check: the baseline on the mission's base, or the end of a plan round. */
export interface CheckRunView {
  kind: 'baseline' | 'round'
  /** The plan iteration it ended (0 for the baseline). */
  iteration: number
  command: string
  /** How the command was chosen, e.g. "package.json scripts.test". */
  source: string
  /** Where it ran, relative to the mission's folder ('.' there). */
  cwd?: string
  /** null: the command did not exit by itself (killed or timed out). */
  exitCode: number | null
  durationMs: number
  passed: boolean
  /**
   * At most the last EVIDENCE_TAIL_LINES lines of output; carried for the baseline and the latest run
   * only (the others are one line each in the view).
   */
  tail?: string
  /** The baseline only. */
  classification?: BaselineClassView
  /** Why the baseline counts as not set up, e.g. "command not found (exit 127)". */
  diagnosis?: string
  /** A round after a baseline of the same command: how it compares. */
  vsBaseline?: BaselineComparisonView
}

export interface MissionView {
  id: string
  goal: string
  /** The planner's short title of the mission, once a plan gave one. */
  title?: string
  phase: string
  iteration: number
  paused: boolean
  startedAt: number
  endedAt?: number
  result?: string
  reason?: string
  /** The check that gives the evidence (command null: none runs) and how it was chosen. */
  check?: { command: string | null; source: string }
  tokens: number
  cost: number
  /** Name of the workspace folder the mission works in. */
  folder?: string
  /** Agents shown in full: planners, and workers and reviewers whose todo's attempt is in flight. */
  agents: AgentView[]
  todos: TodoView[]
  inbox: PermissionView[]
  /** A question only the user can answer (a stuck agent, a project that is not set up). */
  needsYou?: NeedsYouView
  /** Every run of the check, oldest first: the baseline (when it ran), then one per round. */
  checks?: CheckRunView[]
  /** Always sent by this host; optional so that a view of a mission without them stays valid. */
  budgets?: BudgetsView
  timeline?: TimelineLaneView[]
  /**
   * How the agents are kept apart: worktrees merged into `branch`, or the shared folder with the
   * reason worktrees could not be used. Absent: shared because the settings say so.
   */
  isolation?: { mode: 'worktree'; branch: string } | { mode: 'shared'; reason: string }
  /** Worktree mode's changes at the end, once the mission left them for the user (applyChanges: ask). */
  changes?: ChangesView
  /**
   * Where the mission runs when another process runs it (`/task in OpenCode`, `the CLI`): this window
   * follows it and can only stop it; questions and permission asks are answered there.
   */
  runsIn?: string
}

/** The view's keyed lists, which a delta carries item by item. */
type DeltaList = 'agents' | 'todos' | 'timeline'
type DeltaField = Exclude<keyof MissionView, DeltaList | 'id'>

/** A file the mission changed (paths from the repository's top), and the todos whose merged work holds it. */
export interface ChangedFileView {
  path: string
  status: 'added' | 'modified' | 'deleted'
  todos: string[]
  /** What became of it in the user's folder: written there, or left as the user changed it. */
  fate?: 'applied' | 'skipped'
}

/**
 * Worktree mode's end: the mission's changes on its integration branch, and what the user made of
 * them. `pending`: nothing decided yet; `applied`: every file is in the folder and the branch is gone;
 * `partial`: applied but for files the user changed since the start (the branch stays for them);
 * `kept`: the branch stays, nothing applied; `discarded`: the branch is gone.
 */
export interface ChangesView {
  /** The integration branch that holds the changes. */
  branch: string
  /** Where Apply writes: the workspace folder and the branch checked out there (absent: none). */
  target: { folder: string; branch?: string }
  files: ChangedFileView[]
  status: 'pending' | 'applied' | 'partial' | 'kept' | 'discarded'
  /** An action is under way: the buttons wait. */
  busy?: boolean
  /** Why the last action failed. */
  error?: string
}

/** What changed in a mission's view since the last message (built and applied in mission-delta.ts). */
export interface MissionDelta {
  /** The mission this applies to; the webview asks for a snapshot when it holds another. */
  id: string
  /** Fields that changed; `null` marks one that is gone (e.g. the evidence or the result). */
  fields?: { [K in DeltaField]?: MissionView[K] | null }
  /** Agents added or changed. */
  agents?: MissionView['agents']
  /** The agents' session ids in order, when the set or the order changed. */
  agentOrder?: string[]
  /** Todos added or changed. */
  todos?: MissionView['todos']
  /** The todos' ids in order, when the set or the order changed. */
  todoOrder?: string[]
  /** Timeline lanes added, or changed too much for an edit. */
  lanes?: NonNullable<MissionView['timeline']>
  /** Lanes the view holds, changed: every field but their spans, and the spans that changed. */
  laneEdits?: LaneEdit[]
  laneOrder?: string[]
}

/**
 * A lane the view holds, changed: its fields but `spans`, which replace its spans from `at` to
 * `at + drop` (a lane gains a span or two at a time, and its older spans stay as they were).
 */
export type LaneEdit = Omit<TimelineLaneView, 'spans'> & {
  at: number
  drop: number
  spans: TimelineSpanView[]
}

export interface DashboardSnapshot {
  server: { status: ServerStatus; url?: string; error?: string }
  mission?: MissionView
  /** Why missions cannot run here (e.g. an untrusted workspace). */
  blocked?: string
  /** A mission the user ran that is not under way yet (the server starts, the folder is prepared). */
  starting?: StartingView
  /** The workspace's newest mission, when the host went away while it ran: resume or discard it. */
  interrupted?: InterruptedView
  /** The workspace's missions, newest first (a bounded number), as their journals tell them. */
  missions?: MissionListItem[]
}

/** One mission of the workspace's list: what its journal's summary (or first line) says. */
export interface MissionListItem {
  id: string
  goal: string
  title?: string
  /** `interrupted`: its window went away while it ran (it has no end). */
  status: 'running' | 'interrupted' | 'completed' | 'failed' | 'stopped'
  startedAt: number
  durationMs?: number
  todos?: { passed: number; total: number }
  /** Files its passed todos changed. */
  files?: number
  /** Lines its changes added and removed, against its base. */
  lines?: { added: number; removed: number }
  /** Something of it waits on the user: it can be resumed, or its changes wait on a branch. */
  needsYou?: boolean
}

export interface StartingView {
  goal: string
  /** The workspace folder it will work in. */
  folder?: string
  /** What it waits for, in a few words ("Starting the OpenCode server"). */
  step: string
  since: number
}

export interface InterruptedView {
  id: string
  goal: string
  /** The folder it worked in, as its journal names it. */
  directory?: string
}

/**
 * A whole snapshot on `ready` and whenever the view becomes visible (or the server, the blocked
 * state or the mission changed); while visible, coalesced deltas of the mission in between. `seq`
 * numbers the host's messages; a delta applies to the message numbered `base` only, and a view
 * holding another asks for a snapshot (it posts `ready` again). The view acknowledges each message
 * it drew with `rendered`; the host holds the next delta until then (see DashboardFeed).
 */
export type HostToWebview =
  | { type: 'snapshot'; protocol: number; seq?: number; state: DashboardSnapshot }
  | { type: 'delta'; protocol: number; seq: number; base: number; mission: MissionDelta }

/**
 * The host's answer to a `mission.start` that carried a `requestId`, sent once it is known whether the
 * mission starts: accepted once it is under way (the dashboard shows it starting), refused when it will
 * not start (one runs already, the folder pick was dismissed, the workspace is untrusted, the start
 * failed before being accepted), with a reason for the user. The goal box keeps the goal until an
 * acceptance; a view that gets no answer gives Run back after a while, the goal kept. Optional: a
 * host that never sends it leaves the view working, less well. Not a HostToWebview: it is no state,
 * so it has no `seq`, needs no `rendered` and is posted as soon as it is known.
 */
export interface StartAnswer {
  type: 'mission.startAnswer'
  protocol: number
  requestId: string
  accepted: boolean
  /** Why a refused mission does not start, in words for the user. */
  reason?: string
}

export type WebviewToHost =
  | { type: 'ready'; protocol: number }
  /** The frame that shows host message `seq` is drawn: the host may send the next one. */
  | { type: 'rendered'; seq: number }
  /** Runs a mission; with a `requestId` the host answers it with a {@link StartAnswer}. */
  | { type: 'mission.start'; goal: string; requestId?: string }
  | { type: 'mission.stop' }
  | { type: 'mission.pause' }
  | { type: 'mission.resume' }
  /** Answers `needsYou`: the stuck agent gets one more retry bound. */
  | { type: 'mission.keepWaiting' }
  /**
   * Answers a `baseline` question (the check fails on the base because the project is not set up):
   * go on, stop, or change the check (`command`; without one the host asks for it).
   */
  | { type: 'mission.answerBaseline'; answer: BaselineAnswerKind; command?: string }
  | { type: 'permission.reply'; requestId: string; reply: PermissionReply }
  /** Opens the transcript of one of the mission's sessions. */
  | { type: 'agent.transcript'; sessionId: string }
  /** Opens a todo's file in the diff editor: the mission's base against the file now. */
  | { type: 'file.diff'; todoId: string; path: string }
  /** Opens the first-run walkthrough (from the empty state). */
  | { type: 'walkthrough.open' }
  /** Cancels one todo: its sessions are aborted, its dependents wait as blocked. */
  | { type: 'todo.cancel'; todoId: string }
  /** Sends a failed or cancelled todo back to the queue. */
  | { type: 'todo.retry'; todoId: string }
  /** Queues a message for a running agent, delivered at its next idle. */
  | { type: 'agent.steer'; sessionId: string; text: string }
  /**
   * The mission's changes at the end (worktree mode): apply them all to the user's folder, review
   * them (by todo and file, with per-file apply), keep the branch, or discard it.
   */
  | { type: 'changes.act'; action: ChangesAction }
  /** Opens the three-way merge of a file Apply left because the user changed it. */
  | { type: 'changes.merge'; path: string }
  /** Shows a finished mission of the list on the dashboard, as its journal ended it. */
  | { type: 'mission.open'; id: string }
  /** Opens the review of the mission's changes since its start (every file, by todo, with undo). */
  | { type: 'mission.changes' }
  /** Opens the mission's timeline at full width in an editor tab (or brings the open one forward). */
  | { type: 'timeline.open' }
  /** Resumes the interrupted mission `id` from its journal, or marks it stopped (Discard). */
  | { type: 'interrupted.resume'; id: string }
  | { type: 'interrupted.discard'; id: string }

/**
 * Which app the webview bundle mounts, from its document's `#app[data-mode]`: the dashboard (no
 * attribute), or the mission's timeline alone in an editor tab. Both speak this same protocol.
 */
export type WebviewMode = 'dashboard' | 'timeline'

/** The mode a document's `data-mode` names; anything else is the dashboard. */
export const webviewMode = (attr: string | undefined): WebviewMode =>
  attr === 'timeline' ? 'timeline' : 'dashboard'

export const CHANGES_ACTIONS = ['apply', 'review', 'keep', 'discard'] as const
export type ChangesAction = (typeof CHANGES_ACTIONS)[number]

export const BASELINE_ANSWERS = ['continue', 'stop', 'changeCheck'] as const
export type BaselineAnswerKind = (typeof BASELINE_ANSWERS)[number]

/** Longest check command a view may send. */
export const CHECK_COMMAND_MAX_CHARS = 4096

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null

const isId = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= 512

export const isPermissionReply = (v: unknown): v is PermissionReply =>
  (PERMISSION_REPLIES as readonly unknown[]).includes(v)

/** Shape check at the boundary: anything that fails it is dropped and logged by the host. */
export function isWebviewToHost(v: unknown): v is WebviewToHost {
  if (!isObject(v)) return false
  switch (v.type) {
    case 'ready':
      return typeof v.protocol === 'number'
    case 'rendered':
      return typeof v.seq === 'number' && Number.isSafeInteger(v.seq)
    case 'mission.start':
      return (
        typeof v.goal === 'string' &&
        v.goal.length <= 20_000 &&
        (v.requestId === undefined || isId(v.requestId))
      )
    case 'mission.stop':
    case 'mission.pause':
    case 'mission.resume':
    case 'mission.keepWaiting':
    case 'walkthrough.open':
    case 'mission.changes':
    case 'timeline.open':
      return true
    case 'mission.answerBaseline':
      return (
        (BASELINE_ANSWERS as readonly unknown[]).includes(v.answer) &&
        (v.command === undefined ||
          (typeof v.command === 'string' &&
            v.command.trim() !== '' &&
            v.command.length <= CHECK_COMMAND_MAX_CHARS))
      )
    case 'permission.reply':
      return isId(v.requestId) && isPermissionReply(v.reply)
    case 'agent.transcript':
      return isId(v.sessionId)
    case 'file.diff':
      return isId(v.todoId) && typeof v.path === 'string' && v.path.length > 0 && v.path.length <= 4096
    case 'todo.cancel':
    case 'todo.retry':
      return isId(v.todoId)
    case 'interrupted.resume':
    case 'interrupted.discard':
    case 'mission.open':
      return isId(v.id)
    case 'changes.act':
      return (CHANGES_ACTIONS as readonly unknown[]).includes(v.action)
    case 'changes.merge':
      return typeof v.path === 'string' && v.path.length > 0 && v.path.length <= 4096
    case 'agent.steer':
      return (
        isId(v.sessionId) &&
        typeof v.text === 'string' &&
        v.text.trim() !== '' &&
        v.text.length <= STEER_MAX_CHARS
      )
    default:
      return false
  }
}

export function isHostToWebview(v: unknown): v is HostToWebview {
  if (!isObject(v)) return false
  switch (v.type) {
    case 'snapshot':
      return typeof v.protocol === 'number' && isObject(v.state)
    case 'delta':
      return (
        typeof v.protocol === 'number' &&
        typeof v.seq === 'number' &&
        typeof v.base === 'number' &&
        isObject(v.mission) &&
        typeof v.mission.id === 'string'
      )
    default:
      return false
  }
}

export function isStartAnswer(v: unknown): v is StartAnswer {
  return (
    isObject(v) &&
    v.type === 'mission.startAnswer' &&
    typeof v.protocol === 'number' &&
    typeof v.requestId === 'string' &&
    typeof v.accepted === 'boolean' &&
    (v.reason === undefined || typeof v.reason === 'string')
  )
}

export function assertNever(x: never): never {
  throw new Error(`unhandled ${JSON.stringify(x)}`)
}
