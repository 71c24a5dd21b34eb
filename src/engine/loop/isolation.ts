// Worktree isolation, as the loop uses it: the integration branch made from the base at the start,
// a worktree per todo for its worker and reviewer, the work committed with its report, a pass merged
// into the integration branch (or sent back on a conflict, or to review again when the integration
// branch changed the same files since), a failed or cancelled todo's worktree discarded, the check
// run on the integration branch, and at the end the result applied to the user's tree or kept.
// In shared mode (or without git) every function here does nothing.

import { errorMessage } from '../util/error-message'
import type { EndStatus } from './phase'
import type { JournalEntryInput, MergeRecord, TodoRecord } from '../record/entries'
import { mergeWords } from '../record/replay-isolation'
import type { LineCounts, WorkspaceBase, WorktreePort } from '../ports'
import type { MissionContext } from './context'
import { sumLines } from '../util/line-counts'
import { planWidth } from '../schedule/plan-width'

/** The worktrees, when this mission runs in worktree mode. */
export function worktreesOf(ctx: MissionContext): WorktreePort | undefined {
  return ctx.record.current?.isolation?.mode === 'worktree' ? ctx.deps.worktrees : undefined
}

/**
 * Decides the mission's isolation once its base is recorded, and journals it: the integration branch
 * at the base in worktree mode, or the shared tree with the reason worktrees cannot be used.
 */
export async function beginIsolation(ctx: MissionContext, base: WorkspaceBase | undefined): Promise<void> {
  if (ctx.o.isolation !== 'worktree') return
  const worktrees = ctx.deps.worktrees
  const unavailable =
    base?.kind !== 'git'
      ? `the folder is not in a git repository${base ? ` (${base.reason})` : ''}`
      : !worktrees
        ? 'this host cannot make worktrees'
        : undefined
  if (unavailable || !worktrees || base?.kind !== 'git') return shared(ctx, unavailable ?? '')
  try {
    const made = await worktrees.prepare(base.ref, { folders: workersAtOnce(ctx) })
    // Stopped meanwhile (the planner plans while the base is taken): the end found no worktrees to
    // close, so they go now.
    if (ctx.over) return void (await worktrees.close().catch(() => undefined))
    await ctx.record.append({ type: 'isolation', mode: 'worktree', ...made })
    ctx.deps.logger.info(`mission ${ctx.o.id}: worktree isolation on ${made.branch} (${made.dir})`)
  } catch (err) {
    await shared(ctx, `the integration branch could not be made: ${errorMessage(err)}`)
  }
}

/**
 * After a plan is accepted: how many of its todos may work at once (schedule/plan-width.ts, within
 * the caps), so that the folders made ahead beyond that many are not readied for nothing.
 */
export function expectFolders(ctx: MissionContext): void {
  const worktrees = worktreesOf(ctx)
  if (!worktrees?.expectAtOnce) return
  const { todos, todoOrder } = ctx.record.snap
  worktrees.expectAtOnce(Math.min(workersAtOnce(ctx), planWidth(todos, todoOrder)))
}

/** How many workers the caps let run at once (unbounded caps: as many as the port makes ahead). */
function workersAtOnce(ctx: MissionContext): number {
  const caps = ctx.o.caps
  return Math.min(caps.total, caps.perRole?.worker ?? Infinity)
}

async function shared(ctx: MissionContext, why: string): Promise<void> {
  const reason = `worktree isolation is off: ${why}; the agents work in the shared folder`
  ctx.deps.logger.warn(`mission ${ctx.o.id}: ${reason}`)
  await ctx.record.append({ type: 'isolation', mode: 'shared', reason })
}

/**
 * The folder a todo's agent works in: its worktree (made, and journaled, on first use; made again
 * when it was discarded or lost). Undefined in shared mode.
 */
export async function folderFor(ctx: MissionContext, todoId: string): Promise<string | undefined> {
  const worktrees = worktreesOf(ctx)
  if (!worktrees) return undefined
  const opened = await worktrees.open(todoId)
  const known = ctx.record.snap.todos[todoId]?.worktree
  if (known?.dir !== opened.dir || known.branch !== opened.branch)
    await ctx.record.append({ type: 'todo.worktree', todoId, dir: opened.dir, branch: opened.branch })
  return opened.dir
}

/**
 * A worker's report in worktree mode: what its folder holds is committed on the todo's branch before
 * the report is journaled (a reviewer may start as soon as it is), and the files changed are git's.
 */
export async function withCommit(
  ctx: MissionContext,
  entry: JournalEntryInput,
  sessionId: string,
): Promise<JournalEntryInput> {
  const worktrees = worktreesOf(ctx)
  if (!worktrees || entry.type !== 'todo.reported' || entry.status !== 'done') return entry
  const todo = ctx.record.snap.todos[entry.todoId]
  if (!todo?.worktree) return entry
  const made = await onLane(ctx, sessionId, 'git commit', () =>
    worktrees.commit(entry.todoId, `${entry.todoId}: ${todo.title}`),
  )
  return { ...entry, filesChanged: made.files, commit: made.commit, from: made.from }
}

/** Git work done on an agent's behalf, shown on its timeline lane as a step of its own. */
async function onLane<T>(
  ctx: MissionContext,
  sessionId: string,
  step: string,
  work: () => Promise<T>,
): Promise<T> {
  const callId = `${step}:${ctx.deps.clock.now()}`
  const event = (status: 'running' | 'completed') =>
    ({ type: 'part.tool', sessionId, messageId: step, callId, tool: step, status, input: {} }) as const
  if (ctx.timeline.fold(sessionId, event('running'), ctx.deps.clock.now())) ctx.publish()
  try {
    return await work()
  } finally {
    if (ctx.timeline.fold(sessionId, event('completed'), ctx.deps.clock.now())) ctx.publish()
  }
}

/**
 * A passing verdict in worktree mode, with what became of the todo's branch: merged into the
 * integration branch; or, when the integration branch changed the same files since the todo's base,
 * brought into the todo's branch (a conflict goes back to its worker, a clean one to review again).
 * Done before the verdict is journaled, so that the todo counts as passed only once its work merged.
 */
export async function withMerge(
  ctx: MissionContext,
  entry: JournalEntryInput,
  sessionId: string,
): Promise<JournalEntryInput> {
  const worktrees = worktreesOf(ctx)
  if (!worktrees || entry.type !== 'todo.verdict' || entry.verdict !== 'pass') return entry
  const todo = ctx.record.snap.todos[entry.todoId]
  const from = todo?.worktree?.from
  if (!todo?.worktree) return entry
  return onLane(ctx, sessionId, 'git merge', () => landPass(ctx, worktrees, entry, todo, from))
}

async function landPass(
  ctx: MissionContext,
  worktrees: WorktreePort,
  entry: Extract<JournalEntryInput, { type: 'todo.verdict' }>,
  todo: TodoRecord,
  from: string | undefined,
): Promise<JournalEntryInput> {
  const moved = from ? new Set(await worktrees.changedSince(from)) : new Set<string>()
  const overlap = todo.filesChanged.filter((f) => moved.has(f))
  let merge: MergeRecord
  if (overlap.length) {
    const { conflicts, hunks } = await worktrees.refresh(entry.todoId)
    if (conflicts.length) merge = { result: 'conflict', files: conflicts, ...(hunks && { hunks }) }
    else {
      // Its new base: the integration branch it just took in (what the next review diffs against).
      const { from: now } = await worktrees.commit(entry.todoId, `${entry.todoId}: ${todo.title}`)
      merge = { result: 'rereview', files: overlap, from: now }
    }
  } else {
    const merged = await worktrees.merge(entry.todoId, `Merge ${entry.todoId}: ${todo.title}`)
    if (merged.merged) merge = { result: 'merged', files: todo.filesChanged, commit: merged.commit }
    else {
      const { hunks } = await worktrees.refresh(entry.todoId)
      merge = { result: 'conflict', files: merged.conflicts, ...(hunks && { hunks }) }
    }
  }
  ctx.deps.logger.info(`${entry.todoId}: ${mergeWords(merge)}`)
  return { ...entry, merge }
}

/**
 * A failed or cancelled todo's worktree and branch go, once no session of it runs there any more
 * (a reviewer's closing call still works in it while its verdict is acted on: the end of its turn
 * calls this again): nothing of the todo reaches the integration branch.
 */
export async function discardIfSettled(ctx: MissionContext, todoId: string | undefined): Promise<void> {
  const worktrees = worktreesOf(ctx)
  const todo = todoId === undefined ? undefined : ctx.record.snap.todos[todoId]
  if (!worktrees || !todo?.worktree || todoId === undefined) return
  if (todo.status !== 'failed' && todo.status !== 'cancelled') return
  for (const live of ctx.sessions.live.values())
    if (live.busy && (live.turn?.todoId === todoId || live.boundTo === todoId)) return
  const reason = todo.status === 'failed' ? (todo.failReason ?? 'failed') : (todo.cancelReason ?? 'cancelled')
  try {
    await worktrees.discard(todoId)
  } catch (err) {
    ctx.deps.logger.warn(`${todoId}: its worktree could not be removed: ${errorMessage(err)}`)
  }
  // Journaled once: a second call finds no worktree.
  await ctx.record.append({ type: 'todo.discarded', todoId, reason })
}

/** Where the check runs: the integration branch's folder in worktree mode. */
export function checkFolder(ctx: MissionContext): string | undefined {
  const isolation = ctx.record.current?.isolation
  return isolation?.mode === 'worktree' && ctx.deps.worktrees ? isolation.dir : undefined
}

/**
 * Worktree mode's end, once the agents stopped. `auto`: a completed mission's result is applied to
 * the user's tree (files the user changed since the base are left and named, and the branch kept for
 * them); any other end keeps the integration branch when it holds merged work. `ask`: the branch is
 * kept, pending, for the host to offer. Every worktree folder goes either way. Never throws: a git
 * failure here is logged, and the mission still ends. Resolves with the lines the integration branch
 * changed since the base (undefined in shared mode, or when they could not be read).
 */
export async function closeIsolation(
  ctx: MissionContext,
  status: EndStatus,
): Promise<LineCounts | undefined> {
  const worktrees = worktreesOf(ctx)
  const isolation = ctx.record.snap.isolation
  if (!worktrees || isolation?.mode !== 'worktree' || ctx.record.snap.isolationClosed) return undefined
  try {
    const changes = await worktrees.changes()
    const lines = sumLines(changes)
    const paths = changes.map((c) => c.path)
    let applied: string[] = []
    let skipped: string[] = []
    if (ctx.o.applyChanges === 'auto' && status === 'completed' && paths.length)
      ({ applied, skipped } = await worktrees.apply(paths))
    const pending = ctx.o.applyChanges === 'ask' && paths.length > 0
    const keep = pending || skipped.length > 0 || (status !== 'completed' && paths.length > 0)
    await worktrees.close({ keepIntegration: keep })
    await ctx.record.append({
      type: 'isolation.closed',
      applied,
      skipped,
      ...(keep && { keptBranch: isolation.branch }),
      ...(pending && { pending: true }),
    })
    if (skipped.length)
      ctx.deps.logger.warn(
        `changed by the user since the mission started, left as they are: ${skipped.join(', ')} (the mission's version is on ${isolation.branch})`,
      )
    return lines
  } catch (err) {
    ctx.deps.logger.error(`worktrees not closed: ${errorMessage(err)}`)
    return undefined
  }
}
