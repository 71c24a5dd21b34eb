import { BRIEF } from '../engine/protocol/prompts'
import {
  TOOL_PLAN,
  TOOL_REPORT,
  TOOL_VERDICT,
  type PlanTodo,
  type ReportStatus,
} from '../engine/protocol/mission-protocol'
import type { ChatMessage, ChatRequest, Script, ScriptStep } from './scripted-provider'

// A deterministic model that plays a whole mission: it reads the engine's brief (the LAST user
// message: OpenCode sends the full history, and a reused session holds earlier briefs) and answers
// the way a well-behaved planner, worker or reviewer would, through the mission-protocol tools.

/** What the scripted worker does for one attempt at a todo. */
export interface WorkResult {
  /** Project-relative path → content, written with OpenCode's `write` tool (one step) before reporting. */
  files?: Record<string, string>
  /** A shell command run with OpenCode's `bash` tool (one step, in the session's folder) after the writes. */
  bash?: string
  /** Default: `done`. */
  status?: ReportStatus
  /** Default: names the files written, or the todo. */
  summary?: string
  /** End the turn with text and no report, so the engine has to nudge. Default: false. */
  skipReport?: boolean
}

/** What the scripted reviewer decides for one review of a todo. */
export interface ReviewResult {
  verdict: 'pass' | 'fail'
  /** Default: none. */
  findings?: string[]
}

export interface MissionScriptOptions {
  /**
   * The planner's answer: todos for `orchestrator_plan`, `{ invalid }` to send those arguments as
   * they are (to exercise rejection or a `cannotPlan`), or `{ text }` to answer in words only. `iteration` counts the planner briefs of the session, 1 for
   * the first. Default: one todo named after the goal.
   */
  plan?: (iteration: number, brief: string) => PlanTodo[] | { invalid: unknown } | { text: string }
  /** The mission's short title, sent with each plan of todos. Default: none. */
  title?: string
  /**
   * The worker's answer. `attempt` counts the work briefs seen for that todo across all sessions,
   * 1-based. Called once per attempt (the result is reused for the continuation and any nudge).
   * Default: `{ status: 'done' }` without files.
   */
  work?: (todoId: string, attempt: number, brief: string) => WorkResult
  /** The reviewer's answer. `attempt` counts the review briefs seen for that todo. Default: pass. */
  review?: (todoId: string, attempt: number) => ReviewResult
  /**
   * Latency of every answer, waited inside the script so `stats` sees each call's span; steps then
   * carry `delayMs: 0`. Default: unset, which waits 0 here and leaves the delay to the provider's
   * own `latencyMs` (stats then see zero-length calls).
   */
  latencyMs?: number
  /** An HTTP error to answer instead of the normal step (429/500 bursts). Default: never. */
  errorFor?: (
    req: ChatRequest,
  ) => { status: number; headers?: Record<string, string>; message?: string } | undefined
  /**
   * Absolute project directory the `write` paths are joined to. Default: the `Working directory:`
   * line of OpenCode's system prompt, else the relative path (OpenCode resolves it there too).
   */
  projectDir?: string
}

export type MissionRole = 'planner' | 'worker' | 'reviewer' | 'other'

/** One chat call the script answered. */
export interface MissionCall {
  role: MissionRole
  todoId?: string
  /** `fresh` answers a brief; `continuation` follows tool results. */
  step: 'fresh' | 'continuation'
  nudge: boolean
  /** The HTTP status answered through `errorFor`. */
  error?: number
  startedAt: number
  endedAt?: number
}

export interface MissionStats {
  calls: Record<MissionRole, number>
  errors: number
  nudges: number
  inFlight: number
  maxConcurrent: number
  /** Highest number of worker calls in flight at once (needs `latencyMs` to mean anything). */
  maxConcurrentWorkers: number
  workAttempts: Record<string, number>
  reviewAttempts: Record<string, number>
  log: MissionCall[]
}

export type MissionScript = Script & { readonly stats: MissionStats }

type Brief =
  | { kind: 'plan' }
  | { kind: 'work' | 'review'; todoId: string }
  | { kind: 'nudge'; tool: string; todoId: string }
  | { kind: 'other' }

const PLAN_MARKERS = [BRIEF.plan, BRIEF.replan, BRIEF.planRetry]

/** Reads a brief's kind from its first line that starts with a known marker. */
export function parseBrief(text: string): Brief {
  for (const raw of text.split('\n')) {
    const line = raw.trim()
    if (PLAN_MARKERS.some((m) => line.startsWith(m))) return { kind: 'plan' }
    if (line.startsWith(BRIEF.review)) return { kind: 'review', todoId: firstWord(line, BRIEF.review) }
    if (line.startsWith(BRIEF.work)) return { kind: 'work', todoId: firstWord(line, BRIEF.work) }
    if (line.startsWith(BRIEF.nudge))
      return {
        kind: 'nudge',
        tool: /without calling (\w+)/.exec(line)?.[1] ?? '',
        todoId: /todoId "([^"]*)"/.exec(line)?.[1] ?? '',
      }
  }
  return { kind: 'other' }
}

const firstWord = (line: string, marker: string) => line.slice(marker.length).trim().split(/\s+/)[0] ?? ''

export function missionScript(options: MissionScriptOptions = {}): MissionScript {
  const stats: MissionStats = {
    calls: { planner: 0, worker: 0, reviewer: 0, other: 0 },
    errors: 0,
    nudges: 0,
    inFlight: 0,
    maxConcurrent: 0,
    maxConcurrentWorkers: 0,
    workAttempts: {},
    reviewAttempts: {},
    log: [],
  }
  let workersInFlight = 0
  const works = new Map<string, WorkResult>()
  const workFor = (todoId: string, attempt: number, brief: string): WorkResult => {
    const key = `${todoId}#${attempt}`
    const hit = works.get(key)
    if (hit) return hit
    const result = options.work?.(todoId, attempt, brief) ?? { status: 'done' }
    works.set(key, result)
    return result
  }
  const reviewFor = (todoId: string, attempt: number) =>
    options.review?.(todoId, attempt) ?? { verdict: 'pass' }

  const answer = (req: ChatRequest, call: MissionCall, turn: Turn): ScriptStep => {
    const { kind, todoId, brief } = turn
    const after = req.messages.slice(turn.index + 1)
    const called = after
      .flatMap((m) => (m.role === 'assistant' ? (m.tool_calls ?? []) : []))
      .map((c) => c.function.name)
    const fresh = call.step === 'fresh'

    if (kind === 'plan') {
      const iteration = req.messages.filter(
        (m) => m.role === 'user' && parseBrief(textOf(m.content)).kind === 'plan',
      ).length
      if (called.includes(TOOL_PLAN)) return { text: `Plan submitted (iteration ${iteration}).` }
      const plan = options.plan?.(iteration, brief) ?? defaultPlan(brief)
      if (Array.isArray(plan))
        return toolCall(TOOL_PLAN, {
          todos: plan,
          ...(options.title !== undefined && { title: options.title }),
        })
      return 'text' in plan ? { text: plan.text } : toolCall(TOOL_PLAN, plan.invalid)
    }
    if (kind === 'work' && todoId !== undefined) {
      const counts = stats.workAttempts
      if (fresh && !call.nudge) counts[todoId] = (counts[todoId] ?? 0) + 1
      const attempt = counts[todoId] ?? 1
      const work = workFor(todoId, attempt, brief)
      const files = Object.keys(work.files ?? {})
      const status = work.status ?? 'done'
      if (called.includes(TOOL_REPORT)) return { text: `Reported ${todoId}: ${status} (attempt ${attempt}).` }
      if (files.length && !called.includes('write') && !call.nudge) {
        const dir = options.projectDir ?? /Working directory: (.+)/.exec(req.system)?.[1]?.trim()
        return {
          toolCalls: Object.entries(work.files ?? {}).map(([rel, content]) => ({
            name: 'write',
            args: { filePath: dir ? `${dir.replace(/[\\/]+$/, '')}/${rel}` : rel, content },
          })),
        }
      }
      if (work.bash !== undefined && !called.includes('bash') && !call.nudge)
        return toolCall('bash', { command: work.bash, description: `Scripted shell step of ${todoId}` })
      if (work.skipReport && !call.nudge) return { text: `Worked on ${todoId} (attempt ${attempt}).` }
      const summary = work.summary ?? (files.length ? `Wrote ${files.join(', ')}.` : `Completed ${todoId}.`)
      return toolCall(TOOL_REPORT, { todoId, status, summary, filesChanged: files })
    }
    if (kind === 'review' && todoId !== undefined) {
      const counts = stats.reviewAttempts
      if (fresh && !call.nudge) counts[todoId] = (counts[todoId] ?? 0) + 1
      const attempt = counts[todoId] ?? 1
      const review = reviewFor(todoId, attempt)
      if (called.includes(TOOL_VERDICT))
        return { text: `Verdict on ${todoId}: ${review.verdict} (attempt ${attempt}).` }
      return toolCall(TOOL_VERDICT, { todoId, verdict: review.verdict, findings: review.findings ?? [] })
    }
    return { text: 'Scripted model: there is no mission brief in this message.' }
  }

  const script: Script = async (req) => {
    // OpenCode's own tool-less calls: the provider answers them, but a text is always safe here.
    if (req.kind === 'title') return { text: 'Scripted title' }
    if (req.kind === 'summary') return { text: 'Summary.' }
    const call: MissionCall = {
      role: 'other',
      step: req.messages.at(-1)?.role === 'tool' ? 'continuation' : 'fresh',
      nudge: false,
      startedAt: Date.now(),
    }
    stats.log.push(call)
    const turn = readTurn(req)
    call.role = turn.role
    call.nudge = turn.nudge
    if (turn.todoId !== undefined) call.todoId = turn.todoId
    const error = options.errorFor?.(req)
    let step: ScriptStep
    if (error) {
      call.error = error.status
      stats.errors++
      step = {
        status: error.status,
        ...(error.headers && { headers: error.headers }),
        ...(error.message && { message: error.message }),
      }
    } else {
      if (turn.nudge) stats.nudges++
      step = answer(req, call, turn)
    }
    stats.calls[call.role]++
    const worker = call.role === 'worker'
    stats.inFlight++
    stats.maxConcurrent = Math.max(stats.maxConcurrent, stats.inFlight)
    if (worker) stats.maxConcurrentWorkers = Math.max(stats.maxConcurrentWorkers, ++workersInFlight)
    try {
      if (options.latencyMs !== undefined) {
        await wait(options.latencyMs)
        return { ...step, delayMs: 0 }
      }
      return step
    } finally {
      stats.inFlight--
      if (worker) workersInFlight--
      call.endedAt = Date.now()
    }
  }
  return Object.assign(script, { stats })
}

const ROLES = { plan: 'planner', work: 'worker', review: 'reviewer', other: 'other' } as const

/** The brief this call answers (the latest user message) and what it asks for. */
interface Turn {
  index: number
  brief: string
  kind: keyof typeof ROLES
  role: MissionRole
  todoId?: string
  nudge: boolean
}

function readTurn(req: ChatRequest): Turn {
  const { index, text: brief } = latestUser(req.messages, req.lastUserText)
  const parsed = parseBrief(brief)
  const kind = parsed.kind === 'nudge' ? roleOfTool(parsed.tool) : parsed.kind
  const turn: Turn = { index, brief, kind, role: ROLES[kind], nudge: parsed.kind === 'nudge' }
  if ('todoId' in parsed) turn.todoId = parsed.todoId
  return turn
}

const roleOfTool = (tool: string): keyof typeof ROLES =>
  tool === TOOL_PLAN ? 'plan' : tool === TOOL_REPORT ? 'work' : tool === TOOL_VERDICT ? 'review' : 'other'

const toolCall = (name: string, args: unknown): ScriptStep => ({ toolCalls: [{ name, args }] })

function defaultPlan(brief: string): PlanTodo[] {
  const goal = brief.split('\n')[0]?.replace(BRIEF.plan, '').trim() || 'Do the task'
  return [{ id: 'task', title: goal, description: goal, files: [], dependsOn: [], acceptance: [] }]
}

function latestUser(messages: ChatMessage[], fallback: string): { index: number; text: string } {
  for (let i = messages.length - 1; i >= 0; i--)
    if (messages[i]?.role === 'user') return { index: i, text: textOf(messages[i]?.content) }
  return { index: messages.length - 1, text: fallback }
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content
  if (Array.isArray(content))
    return content.map((c) => (typeof c === 'object' && c && 'text' in c ? String(c.text) : '')).join('')
  return ''
}

const wait = (ms: number) => (ms > 0 ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve())
