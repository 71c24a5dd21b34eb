import type { ProjectFiles } from './project/check-command'
import type { Ownership } from './protocol/ownership'

// What the engine needs from the outside world. `src/opencode` implements the OpenCode ports on the
// SDK; tests implement them with in-memory fakes. The engine imports neither vscode nor the SDK.

export type Role = 'commander' | 'planner' | 'worker' | 'reviewer'
export const ROLES: readonly Role[] = ['commander', 'planner', 'worker', 'reviewer']

export interface ModelRef {
  providerID: string
  modelID: string
}

export type SessionStatus =
  | { type: 'idle' }
  | { type: 'busy' }
  /** OpenCode is retrying a failed provider call (429/5xx) and will keep doing so. */
  | { type: 'retry'; attempt: number; message: string; next: number }

export interface HostError {
  name: string
  message: string
  statusCode?: number
  retryable: boolean
  /** Server hint (Retry-After) in milliseconds, when the provider gave one. */
  retryAfterMs?: number
}

/** OpenCode events, already narrowed to what the engine reads. Raw tool output never crosses this port. */
export type HostEvent =
  | { type: 'connected' }
  /** The stream dropped; `permanent` when the server is gone for good (restarts exhausted). */
  | { type: 'disconnected'; reason: string; permanent?: boolean }
  | { type: 'session.created'; sessionId: string; parentId?: string; title: string }
  | { type: 'session.status'; sessionId: string; status: SessionStatus }
  | { type: 'session.idle'; sessionId: string }
  | { type: 'session.error'; sessionId?: string; error: HostError }
  | { type: 'session.compacted'; sessionId: string }
  | {
      type: 'message.assistant'
      sessionId: string
      messageId: string
      providerId: string
      modelId: string
      /** Total tokens of this message (input + output + reasoning + cache). */
      tokens: number
      /** Tokens the model read for this message (input + cache reads and writes): its context. */
      contextTokens?: number
      cost: number
      completed: boolean
      /** How the step ended, as OpenCode says (`stop`, `tool-calls`, `unknown`, …), once known. */
      finish?: string
      error?: HostError
    }
  | { type: 'part.text'; sessionId: string; messageId: string; partId: string; text: string; final: boolean }
  | {
      type: 'part.tool'
      sessionId: string
      messageId: string
      callId: string
      tool: string
      status: 'pending' | 'running' | 'completed' | 'error'
      /** The validated-by-OpenCode arguments; only the mission tools' inputs are read. */
      input: unknown
      error?: string
    }
  | { type: 'permission.asked'; requestId: string; sessionId: string; permission: string; patterns: string[] }
  | { type: 'permission.replied'; requestId: string; sessionId: string }

export interface CreateSessionInput {
  /** Always set: an untitled session costs an extra title-generation model call. */
  title: string
  parentId?: string
  /**
   * The folder the session works in (its tools run there), when not the connection's own: a todo's
   * worktree. OpenCode then serves it from that folder's instance, whose events come on the global stream.
   */
  directory?: string
}

export interface PromptInput {
  sessionId: string
  agent: Role
  text: string
  model?: ModelRef
}

export type PermissionReply = 'once' | 'always' | 'reject'

export interface SessionPort {
  create(input: CreateSessionInput): Promise<{ id: string }>
  /** Queues a prompt and returns at once; the outcome arrives as events. */
  prompt(input: PromptInput): Promise<void>
  /** Aborts one session (no cascade to children). Resolves to what the server answered. */
  abort(sessionId: string): Promise<boolean>
  /** Non-idle sessions only, as OpenCode reports them. */
  statuses(): Promise<Record<string, SessionStatus>>
  children(sessionId: string): Promise<string[]>
  replyPermission(requestId: string, sessionId: string, reply: PermissionReply): Promise<void>
  /** The mission tool calls stored in a session, oldest first. Rejects when the session is gone. */
  missionToolCalls(sessionId: string): Promise<ToolCallRecord[]>
  /**
   * The model each role's agent runs on when a prompt names none, as the server resolves it (the
   * agent's own model, else the configured default); roles it cannot tell are left out.
   */
  roleModels(): Promise<Partial<Record<Role, ModelRef>>>
  /**
   * The context window (tokens) of each model the server lists, keyed `providerID/modelID`; models
   * without a declared limit are left out. Optional: without it no context meter has a limit.
   */
  modelLimits?(): Promise<Record<string, ModelLimit>>
  /**
   * Gives a session another title (a session made ahead gets its agent's when it is handed out).
   * Optional: without it such a session keeps the title it was made with.
   */
  retitle?(sessionId: string, title: string): Promise<void>
  /**
   * Deletes a session the mission made and never prompted (made ahead, then not needed). Optional:
   * a host without it gets no sessions made ahead, since they could not be cleared away.
   */
  remove?(sessionId: string): Promise<void>
}

export interface ModelLimit {
  /** Tokens of context the model accepts. */
  context: number
}

export interface CheckResult {
  exitCode: number | null
  durationMs: number
  /** Combined stdout and stderr (the engine keeps only a scrubbed tail). */
  output: string
  timedOut: boolean
}

/** The workspace the mission works in; `readFile` reads its top-level files (to detect its check). */
export interface WorkspacePort extends ProjectFiles {
  /** The folder the workspace is, as the host names it; journaled so a resume happens there only. */
  readonly directory?: string
  /**
   * Runs the check command (tests, build) in the workspace, or in `cwd` (relative to it, e.g. `..`
   * for a check found in a parent folder), ending its process group on timeout or abort.
   */
  runCheck(
    command: string,
    options: { timeoutMs: number; signal: AbortSignal; cwd?: string },
  ): Promise<CheckResult>
  /** Publishes which worker session of the mission owns which files (undefined: its guard ends). */
  publishOwnership(ownership: Ownership | undefined, missionId: string): Promise<void>
  /** Top-level entries of the workspace, for the planner's brief. */
  listFiles(): Promise<string[]>
  /**
   * The workspace as the mission starts, for diffs later; must not change the user's index or
   * stash list. Optional: a workspace without it records no base.
   */
  captureBase?(options?: { signal?: AbortSignal }): Promise<WorkspaceBase>
  /**
   * Lines added and removed in `paths` (relative to the workspace) since the base, as the files are
   * now. Optional: a workspace without it counts no lines.
   */
  linesSinceBase?(
    base: Extract<WorkspaceBase, { kind: 'git' }>,
    paths: readonly string[],
  ): Promise<LineCounts>
}

/**
 * What the workspace was when a mission started. `git`: `ref` is a commit of the working state (or
 * HEAD when clean); files in `untracked` were untracked then and count as not existing at the base;
 * `leftOut` says why they were left out (too large) and names them.
 */
export type WorkspaceBase =
  { kind: 'git'; ref: string; untracked: string[]; leftOut?: string } | { kind: 'none'; reason: string }

/** A mission tool call found in a session's stored messages (used to recover after a restart). */
export interface ToolCallRecord {
  callId: string
  tool: string
  status: 'pending' | 'running' | 'completed' | 'error'
  input: unknown
}

/** One part of a stored message, as a transcript shows it. */
export type TranscriptPart =
  | { type: 'text'; text: string }
  | { type: 'reasoning'; text: string }
  | {
      type: 'tool'
      tool: string
      status: 'pending' | 'running' | 'completed' | 'error'
      input: unknown
      output?: string
      error?: string
    }

export interface TranscriptMessage {
  id: string
  role: 'user' | 'assistant'
  /** The agent that wrote an assistant message. */
  agent?: string
  /** How the message failed; an abort is not a failure (see `aborted`). */
  error?: string
  /** The message was aborted: the engine ends turns this way (after the result, on cancel or stop). */
  aborted?: boolean
  parts: TranscriptPart[]
}

/**
 * A session's stored messages for the user to read. Tool output crosses this port only to be shown
 * (bounded and scrubbed by the renderer); it is never journaled nor put in another agent's prompt.
 */
export interface TranscriptPort {
  /** Oldest first. Rejects when the session is gone. */
  transcript(sessionId: string): Promise<TranscriptMessage[]>
}

export interface EventPort {
  /** Delivers events in arrival order until the returned function is called. */
  subscribe(listener: (event: HostEvent) => void): () => void
}

export interface Clock {
  now(): number
  /** Runs fn after ms; the returned function cancels it. */
  setTimeout(fn: () => void, ms: number): () => void
}

export interface Logger {
  debug(message: string): void
  info(message: string): void
  warn(message: string): void
  error(message: string): void
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms)
    return () => clearTimeout(t)
  },
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} }

/**
 * Isolation: each todo works on a branch and folder of its own, started from the mission's
 * integration branch; only merged work reaches that branch. Ids given here may come from a model's
 * plan: the adapter makes them safe for branch and folder names. No method touches the user's
 * working tree, index, stash list or current branch.
 */
export interface WorktreePort {
  /**
   * The integration branch and its folder, at a commit of the base tree (`WorkspaceBase.ref`). Every
   * `dir` this port returns is the folder that stands for the user's workspace folder in that worktree.
   * `folders`: how many todos may work at once, so that their folders are made (and readied by the
   * host) while the planner plans, not when the first todos are dispatched.
   */
  prepare(
    baseTree: string,
    options?: { folders?: number },
  ): Promise<{ dir: string; branch: string; baseCommit: string }>
  /**
   * The plan lets about `todos` work at once (as its dependencies allow, within the caps): folders
   * made ahead beyond that many are not readied by the host (a todo that takes one later pays for it
   * on its first prompt), since readying a folder costs the server about a second of its work.
   */
  expectAtOnce?(todos: number): void
  /**
   * The todo's folder on its own branch from the integration branch as it is now (made once). A
   * folder whose todo's work was merged or discarded may be handed to a later todo.
   */
  open(todoId: string): Promise<{ dir: string; branch: string; from: string }>
  /**
   * Commits what the todo's folder holds; the files changed since the todo's branch last took in the
   * integration branch (`from`, the base its reviewer diffs against).
   */
  commit(todoId: string, message: string): Promise<{ commit: string; files: string[]; from: string }>
  /** Files the integration branch changed since `from` (a commit it holds). */
  changedSince(from: string): Promise<string[]>
  /** Merges the todo's branch into the integration branch, or names the conflicting files and merges nothing. */
  merge(todoId: string, message: string): Promise<WorktreeMerge>
  /**
   * Brings the integration branch into the todo's branch (the todo starts again from current work);
   * conflicts stay in its folder, marked, for its worker to resolve. `hunks`: per conflicting file,
   * its first marked regions (bounded), for the worker's brief.
   */
  refresh(todoId: string): Promise<{ conflicts: string[]; hunks?: Record<string, string> }>
  /** Removes the todo's folder and branch: nothing of it remains. */
  discard(todoId: string): Promise<void>
  /** Files the integration branch changed since the base (paths from the repository's top). */
  changes(): Promise<WorktreeChange[]>
  /**
   * Writes the integration branch's version of each path into the user's tree, but for files the user
   * changed since the base: those are left as they are and named.
   */
  apply(paths: readonly string[]): Promise<{ applied: string[]; skipped: string[] }>
  /**
   * Removes every folder and branch of the mission; with `keepIntegration` the integration branch
   * stays (its folder goes), for the user to merge later.
   */
  close(options?: { keepIntegration?: boolean }): Promise<void>
}

export interface WorktreeChange {
  path: string
  status: 'added' | 'modified' | 'deleted'
  /** Lines added and removed (absent for binary files). */
  added?: number
  removed?: number
}

/** Lines added and removed (binary files count none). */
export interface LineCounts {
  added: number
  removed: number
}

export type WorktreeMerge = { merged: true; commit: string } | { merged: false; conflicts: string[] }
