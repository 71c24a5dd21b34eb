// Changes a worktree mission left for the user (applyChanges: ask) that still wait for a decision,
// found again from the journals: after a window reload, or once the toast and the card went. A
// mission's changes wait while the last `isolation.closed` of its journal is pending and its
// integration branch is still in git (a branch the user deleted meanwhile leaves nothing to offer).

import { join, resolve } from 'node:path'
import { checkRuns } from '../engine/record/check-runs'
import type { MissionEndStatus, MissionSnapshot } from '../engine/record/entries'
import { MissionRecord } from '../engine/record/mission-record'
import type { AgentState, MissionState } from '../engine/record/mission-state'
import { todoStates } from '../engine/record/mission-view'
import { initialState } from '../engine/record/published-state'
import { activeMs } from '../engine/record/timeline'
import { sessionTitle } from '../engine/sessions/mission-sessions'
import { NO_CHECK } from '../engine/mission'
import { systemClock, type Logger } from '../engine/ports'
import { errorMessage } from '../engine/util/error-message'
import { git } from '../node/git-run'
import { JournalFile } from '../node/journal-file'
import { MissionHistory } from '../node/mission-history'

/** A mission whose changes wait for the user. */
export interface PendingMission {
  /** The mission as it ended, from its journal: what the dashboard shows and the changes are read from. */
  state: MissionState
  /** The folder it worked in (one of those asked about). */
  directory: string
}

export interface PendingOptions {
  /** Stop once this many are found. Default: all of them. */
  limit?: number
  /** Environment of the git calls. Default: `process.env`. */
  env?: NodeJS.ProcessEnv
}

/**
 * The missions of `directories` whose changes wait for the user, newest first. A journal that cannot
 * be read, a folder git cannot read and a branch that is gone leave their mission out (logged): this
 * never throws.
 */
export async function pendingMissions(
  journalDir: string,
  directories: readonly string[],
  log: Logger,
  { limit = Infinity, env = process.env }: PendingOptions = {},
): Promise<PendingMission[]> {
  const folders = new Set(directories.map((d) => resolve(d)))
  // A pending end keeps its branch, and the summary written after it says so: only those journals
  // are replayed, so the cost stays flat however many missions ran.
  const items = (await new MissionHistory(journalDir, log).list()).filter(
    (i) => i.summary?.worktrees?.keptBranch !== undefined,
  )
  const found: PendingMission[] = []
  for (const item of items) {
    if (found.length >= limit) break
    try {
      const pending = await pendingIn(join(journalDir, `${item.id}.jsonl`), item.id, folders, env)
      if (pending) found.push(pending)
    } catch (err) {
      log.warn(`changes: mission ${item.id} is not offered again: ${errorMessage(err)}`)
    }
  }
  return found
}

async function pendingIn(
  path: string,
  id: string,
  folders: ReadonlySet<string>,
  env: NodeJS.ProcessEnv,
): Promise<PendingMission | undefined> {
  const found = await finishedIn(path, id, folders)
  const isolation = found?.snap.isolation
  if (!found || isolation?.mode !== 'worktree' || !found.snap.isolationClosed?.pending) return undefined
  const ref = `refs/heads/${isolation.branch}`
  if ((await git(found.directory, ['rev-parse', '--verify', '-q', ref], env)).code !== 0) return undefined
  return { directory: found.directory, state: found.state }
}

/**
 * The mission of the journal at `path` as it ended, when it ended and worked in one of `folders`;
 * undefined for a mission that never ended (interrupted) or worked elsewhere.
 */
export async function finishedIn(
  path: string,
  id: string,
  folders: ReadonlySet<string>,
): Promise<(PendingMission & { snap: MissionSnapshot }) | undefined> {
  const record = new MissionRecord(() => {})
  await record.open(new JournalFile(path), systemClock)
  record.sync()
  const snap = record.current
  if (!snap || snap.status === 'new' || snap.status === 'running') return undefined
  if (snap.directory === undefined || !folders.has(resolve(snap.directory))) return undefined
  const state = endedState(id, snap, snap.status)
  // The answer the mission gave at its end, worded as the engine words it.
  const result =
    snap.status === 'completed'
      ? record.summary(state.check?.command === null ? NO_CHECK : undefined)
      : undefined
  return {
    directory: snap.directory,
    snap,
    state: { ...state, ...(result !== undefined && { result }) },
  }
}

/** A finished mission as the dashboard shows it at its end, from its journal. */
export function endedState(id: string, snap: MissionSnapshot, status: MissionEndStatus): MissionState {
  const checks = checkRuns(snap)
  const last = checks.at(-1)
  const source = typeof snap.options.checkSource === 'string' ? snap.options.checkSource : ''
  // A completed mission ran the check it had: none ran, so it had none.
  const check = last
    ? { command: last.command, source: last.source, ...(last.cwd !== undefined && { cwd: last.cwd }) }
    : status === 'completed'
      ? { command: null, source }
      : undefined
  return {
    ...initialState(id, snap.goal, snap.startedAt ?? snap.endedAt ?? 0),
    ...(snap.title !== undefined && { title: snap.title }),
    phase: status,
    ...(snap.endedAt !== undefined && { endedAt: snap.endedAt }),
    ...(snap.reason && { reason: snap.reason }),
    ...(check && { check }),
    iteration: snap.iteration,
    agents: endedAgents(snap),
    todos: todoStates(snap),
    evidence: snap.evidence,
    checks,
    tokens: snap.tokens,
    cost: snap.cost,
    modelCalls: snap.modelCalls,
    ...(snap.base && { base: snap.base }),
    timeline: snap.timeline,
    ...(snap.isolation && {
      isolation: { ...snap.isolation, ...(snap.isolationClosed && { closed: snap.isolationClosed }) },
    }),
  }
}

/**
 * The mission's agents as its journal keeps them (each session, its usage and busy time), all done:
 * none runs any more; one whose todo the user cancelled was aborted.
 */
function endedAgents(snap: MissionSnapshot): AgentState[] {
  const lanes = new Map(snap.timeline.map((l) => [l.sessionId, l]))
  return Object.values(snap.sessions).map((s): AgentState => {
    const todo = s.todoId !== undefined ? snap.todos[s.todoId] : undefined
    const lane = lanes.get(s.sessionId)
    const last = lane?.spans.at(-1)
    return {
      sessionId: s.sessionId,
      role: s.role,
      title: sessionTitle(s.role, todo?.title ?? snap.goal),
      ...(s.todoId !== undefined && { todoId: s.todoId }),
      status: todo?.status === 'cancelled' ? 'aborted' : 'done',
      tokens: s.tokens,
      cost: s.cost,
      startedAt: s.createdAt,
      lastActivityAt: last?.end ?? s.createdAt,
      busyMs: lane ? activeMs(lane) : 0,
      ...(lane?.compactions.length && { compactions: lane.compactions.length }),
      ...(s.contextTokens !== undefined && { contextTokens: s.contextTokens }),
      ...(s.contextLimit !== undefined && { contextLimit: s.contextLimit }),
      ...(s.steering?.length && { steering: s.steering }),
    }
  })
}
