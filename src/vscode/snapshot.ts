import {
  isTerminal,
  type AgentState,
  type BudgetView,
  type CheckRunState,
  type MissionState,
  type NeedsYou,
  type PermissionAsk,
  type TodoState,
} from '../engine/record/mission-state'
import type { SteeringMessage } from '../engine/record/entries'
import { pushSpan, type TimelineLane } from '../engine/record/timeline'
import {
  EVIDENCE_TAIL_LINES,
  TIMELINE_VIEW_SPANS,
  type AgentView,
  type BudgetsView,
  type ChangesView,
  type CheckRunView,
  type DashboardSnapshot,
  type FoldedAgentView,
  type MissionView,
  type NeedsYouView,
  type PermissionView,
  type SteeringView,
  type TimelineLaneView,
  type TimelineSpanView,
  type TodoView,
} from '../shared/protocol'
import { meteredLimits } from '../shared/budget-meters'
import { sameItems } from '../shared/same-items'
import { scrubSecrets } from '../engine/util/scrub-secrets'
import { foldAgents } from './agent-folding'
import { isolationView, todoWorktreeView } from './merge-state'
import type { ServerState } from './server-controller'

/** Longest output tail sent to the view, whatever its line count (one huge line stays bounded). */
const OUTPUT_TAIL_CHARS = 4_000

// Every view type is built field by field: the engine state may grow fields the view must not
// carry (session ids of asks, full check output), and a spread would leak them. Reasons, results and
// provider errors are scrubbed of secrets: they can quote what a provider echoed.

export function toMissionView(m: MissionState, folder?: string, changes?: ChangesView): MissionView {
  const { shown, folded } = foldAgents(m.agents, m.todos)
  return {
    id: m.id,
    goal: m.goal,
    ...(m.title !== undefined && { title: scrubSecrets(m.title) }),
    phase: m.phase,
    iteration: m.iteration,
    paused: m.paused,
    startedAt: m.startedAt,
    ...(m.endedAt !== undefined && { endedAt: m.endedAt }),
    ...(m.result !== undefined && { result: scrubSecrets(m.result) }),
    ...(m.reason !== undefined && { reason: scrubSecrets(m.reason) }),
    ...(m.check && { check: { command: m.check.command, source: m.check.source } }),
    tokens: m.tokens,
    cost: m.cost,
    ...(folder !== undefined && { folder }),
    agents: shown.map((a) => cached(views.agent, a, toAgentView)),
    todos: m.todos.map((t) => todoView(t, folded.get(t.id) ?? [], isTerminal(m.phase), m)),
    inbox: cached(views.inbox, m.inbox, (ps) => ps.map(toPermissionView)),
    ...(m.needsYou && { needsYou: toNeedsYouView(m.needsYou) }),
    ...(m.checks.length > 0 && { checks: cached(views.checks, m.checks, toCheckViews) }),
    budgets: cached(views.budgets, m.budgets, meteredLimits),
    timeline: m.timeline.map((l) => cached(views.lane, l, (lane) => toLaneView(lane, m.agents))),
    ...(m.isolation && { isolation: isolationView(m) }),
    ...(changes && { changes }),
  }
}

// The engine replaces what changes and keeps what does not, so views are kept by engine object: an
// unchanged agent, list or lane yields the same view object, which is what deltas compare.
const views = {
  agent: new WeakMap<AgentState, AgentView>(),
  todos: new WeakMap<TodoState[], TodoView[]>(),
  inbox: new WeakMap<PermissionAsk[], PermissionView[]>(),
  checks: new WeakMap<CheckRunState[], CheckRunView[]>(),
  check: new WeakMap<CheckRunState, CheckRunView>(),
  brief: new WeakMap<CheckRunState, CheckRunView>(),
  budgets: new WeakMap<BudgetView, BudgetsView>(),
  lane: new WeakMap<TimelineLane, TimelineLaneView>(),
}

function cached<K extends object, V>(map: WeakMap<K, V>, key: K, build: (k: K) => V): V {
  let v = map.get(key)
  if (v === undefined) map.set(key, (v = build(key)))
  return v
}

function toLaneView(l: TimelineLane, agents: readonly AgentState[]): TimelineLaneView {
  const agent = agents.find((a) => a.sessionId === l.sessionId)
  const spans: TimelineSpanView[] = []
  for (const s of l.spans) pushSpan(spans, s, TIMELINE_VIEW_SPANS)
  const gaps = laneGaps(l)
  return {
    sessionId: l.sessionId,
    role: agent?.role ?? 'worker',
    title: agent?.title ?? l.sessionId,
    ...(agent?.todoId !== undefined && { todoId: agent.todoId }),
    spans,
    ...(l.open && {
      open: {
        kind: l.open.kind,
        ...(l.open.name !== undefined && { name: l.open.name }),
        ...(l.open.todoId !== undefined && { todoId: l.open.todoId }),
        start: l.open.start,
      },
    }),
    compactions: l.compactions,
    ...(gaps.length > 0 && { gaps }),
  }
}

/**
 * Where a lane's record breaks. Within one run of the mission a lane's spans follow one another (and
 * its open span follows them), so a break is a reload: the spans open (or not journaled yet) when the
 * window went away were lost. Read from the engine's spans, before the view's capping joins them.
 */
function laneGaps(l: TimelineLane): NonNullable<TimelineLaneView['gaps']> {
  const gaps: NonNullable<TimelineLaneView['gaps']> = []
  let end: number | undefined
  for (const s of l.spans) {
    if (end !== undefined && s.start > end) gaps.push({ from: end, to: s.start })
    end = s.end
  }
  if (l.open && end !== undefined && l.open.start > end) gaps.push({ from: end, to: l.open.start })
  return gaps
}

function toAgentView(a: AgentState): AgentView {
  return {
    sessionId: a.sessionId,
    role: a.role,
    title: a.title,
    status: a.status,
    tokens: a.tokens,
    cost: a.cost,
    startedAt: a.startedAt,
    lastActivityAt: a.lastActivityAt,
    busyMs: a.busyMs,
    ...(a.busySince !== undefined && { busySince: a.busySince }),
    ...(a.todoId !== undefined && { todoId: a.todoId }),
    ...(a.tool !== undefined && { tool: a.tool }),
    ...(a.text !== undefined && { text: a.text }),
    ...(a.error !== undefined && { error: scrubSecrets(a.error) }),
    ...(a.provider !== undefined && { provider: a.provider }),
    ...(a.retry !== undefined && {
      retry: { attempt: a.retry.attempt, message: scrubSecrets(a.retry.message), next: a.retry.next },
    }),
    ...(a.contextTokens !== undefined && { contextTokens: a.contextTokens }),
    ...(a.contextLimit !== undefined && { contextLimit: a.contextLimit }),
    ...(a.compactions !== undefined && { compactions: a.compactions }),
    ...(a.steering !== undefined && { steering: a.steering.map(toSteeringView) }),
  }
}

function toSteeringView(m: SteeringMessage): SteeringView {
  return {
    id: m.id,
    text: m.text,
    status: m.status,
    queuedAt: m.queuedAt,
    ...(m.deliveredAt !== undefined && { deliveredAt: m.deliveredAt }),
    ...(m.note !== undefined && { note: m.note }),
  }
}

/** A finished agent in one line, with its steering receipts: they outlive its row. */
function toFoldedView(a: AgentState): FoldedAgentView {
  return {
    role: a.role,
    status: a.status,
    tokens: a.tokens,
    cost: a.cost,
    ...(a.steering && a.steering.length > 0 && { steering: a.steering.map(toSteeringView) }),
  }
}

/** A todo's view, kept while its state, its folded agents and the mission's end are the same. */
const todoViews = new WeakMap<TodoState, { folded: readonly AgentState[]; ended: boolean; view: TodoView }>()

function todoView(
  t: TodoState,
  folded: AgentState[],
  ended: boolean,
  m: Pick<MissionState, 'todos' | 'isolation'>,
): TodoView {
  const hit = todoViews.get(t)
  // A journal entry rebuilds every todo, so a dependency's merge (which a waiting todo's view reads)
  // comes with new todo objects: the todo alone keys its view.
  if (hit && hit.ended === ended && sameItems(hit.folded, folded)) return hit.view
  const view = toTodoView(t, folded, ended, todoWorktreeView(t, m.todos, m.isolation?.mode === 'worktree'))
  todoViews.set(t, { folded, ended, view })
  return view
}

function toTodoView(
  t: TodoState,
  folded: AgentState[],
  ended: boolean,
  worktree: TodoView['worktree'],
): TodoView {
  // "Never started" is what became of a pending todo once the mission is over; until then it is news.
  const reason = t.status === 'pending' && !ended ? undefined : t.reason
  return {
    id: t.id,
    title: t.title,
    status: t.status,
    attempts: t.attempts,
    files: t.files,
    dependsOn: t.dependsOn,
    ...(t.summary !== undefined && { summary: t.summary }),
    findings: t.findings,
    ...(t.filesChanged.length > 0 && { filesChanged: t.filesChanged }),
    reviews: t.reviews.map((r) => ({ attempt: r.attempt, verdict: r.verdict, findings: r.findings })),
    ...(t.history.length > 0 && { history: t.history }),
    folded: folded.map(toFoldedView),
    ...(reason !== undefined && { reason: scrubSecrets(reason) }),
    ...(t.blockedBy !== undefined && { blockedBy: t.blockedBy }),
    ...(t.retries !== undefined && { retries: t.retries }),
    ...(worktree && { worktree }),
  }
}

function toPermissionView(p: PermissionAsk): PermissionView {
  return {
    requestId: p.requestId,
    role: p.role,
    ...(p.todoId !== undefined && { todoId: p.todoId }),
    permission: p.permission,
    patterns: p.patterns,
  }
}

function toNeedsYouView(n: NeedsYou): NeedsYouView {
  return n.kind === 'stuck'
    ? { kind: 'stuck', role: n.role, reason: scrubSecrets(n.reason), deadline: n.deadline }
    : {
        kind: 'baseline',
        reason: scrubSecrets(n.reason),
        check: cached(views.check, n.baseline, toCheckView),
      }
}

/** Every run, the output's tail only for the baseline and the latest (the view lists the rest in a line). */
function toCheckViews(runs: CheckRunState[]): CheckRunView[] {
  return runs.map((r, i) =>
    r.kind === 'baseline' || i === runs.length - 1
      ? cached(views.check, r, toCheckView)
      : cached(views.brief, r, briefCheckView),
  )
}

function toCheckView(r: CheckRunState): CheckRunView {
  const tail = lastLines(r.outputTail, EVIDENCE_TAIL_LINES).slice(-OUTPUT_TAIL_CHARS)
  return { ...briefCheckView(r), ...(tail && { tail }) }
}

function briefCheckView(r: CheckRunState): CheckRunView {
  return {
    kind: r.kind,
    iteration: r.iteration,
    command: r.command,
    source: r.source,
    ...(r.cwd !== undefined && { cwd: r.cwd }),
    exitCode: r.exitCode,
    durationMs: r.durationMs,
    passed: r.passed,
    ...(r.classification !== undefined && { classification: r.classification }),
    ...(r.diagnosis !== undefined && { diagnosis: r.diagnosis }),
    ...(r.vsBaseline !== undefined && { vsBaseline: r.vsBaseline }),
  }
}

/** The last `n` lines of `text`, without a trailing newline. */
export function lastLines(text: string, n: number): string {
  const lines = text.trimEnd().split('\n')
  return lines.slice(-n).join('\n')
}

export function buildSnapshot(
  server: ServerState,
  mission: MissionState | undefined,
  blocked: string | undefined,
  /** Name of the mission's workspace folder. */
  folder?: string,
  /** The mission's changes waiting on the user, or what the user made of them (worktree mode). */
  changes?: ChangesView,
  /**
   * What else the dashboard offers: a mission being started, an interrupted one, the mission list;
   * and where the mission on screen runs when another process runs it.
   */
  more: Pick<DashboardSnapshot, 'starting' | 'interrupted' | 'missions'> & { runsIn?: string } = {},
): DashboardSnapshot {
  return {
    server: {
      status: server.status,
      ...(server.url && { url: server.url }),
      ...(server.error && { error: server.error }),
    },
    ...(mission && {
      mission: {
        ...toMissionView(mission, folder, changes),
        ...(more.runsIn !== undefined && { runsIn: more.runsIn }),
      },
    }),
    ...(blocked && { blocked }),
    ...(more.starting && { starting: { ...more.starting, goal: scrubSecrets(more.starting.goal) } }),
    ...(more.interrupted && {
      interrupted: { ...more.interrupted, goal: scrubSecrets(more.interrupted.goal) },
    }),
    // Goals come from journals, which keep them scrubbed already.
    ...(more.missions && { missions: more.missions }),
  }
}
