import type { ChatMessage, ChatRequest, Script, ScriptStep } from '../../../src/demo/scripted-provider'
import type { PlanTodo } from '../../../src/engine/protocol/mission-protocol'

// A scripted model for the original plugin (npm `opencode-orchestrator@1.7.22`): its Commander is an
// LLM that runs the mission by calling the plugin's tools (`delegate_task`, `get_task_result`) and
// keeps the mission's TODO file (`.opencode/todo.md`, whose checked boxes are the plugin's completion
// check); its Worker and Reviewer are child sessions that end their turn with text. The script plays
// the most economical commander the plugin allows: every step holds all the tool calls it can (the
// TODO file, every result to read, every delegation whose dependencies are met, in one step), and
// each turn ends with one short text. The same work as our mission: a worker per todo (a write, then
// its closing text), a reviewer per todo (one call), a todo's dependents after its review passed.

const TODO_FILE = '.opencode/todo.md'

export type OriginalRole = 'commander' | 'worker' | 'reviewer' | 'other'

export interface OriginalStats {
  calls: Record<OriginalRole, number>
  /** Characters sent, by role. */
  chars: Record<OriginalRole, number>
  /** Commander turns: the fresh calls (the /task message, the plugin's notices) it answered. */
  commanderTurns: number
  /** What started each commander turn: the first line of the message it answered. */
  turnStarts: string[]
  /** When each commander turn's first call reached the model (epoch ms). */
  turnTimes: number[]
  delegations: number
  resultReads: number
  todoWrites: number
  /** The agents OpenCode ran the user's session's calls with, and how many calls each. */
  commanderAgents: Record<string, number>
}

export type OriginalScript = Script & { readonly stats: OriginalStats }

interface Child {
  kind: 'worker' | 'reviewer'
  todoId: string
  taskId?: string
}

export function originalScript(plan: PlanTodo[], latencyMs: number): OriginalScript {
  const stats: OriginalStats = {
    calls: { commander: 0, worker: 0, reviewer: 0, other: 0 },
    chars: { commander: 0, worker: 0, reviewer: 0, other: 0 },
    commanderTurns: 0,
    turnStarts: [],
    turnTimes: [],
    delegations: 0,
    resultReads: 0,
    todoWrites: 0,
    commanderAgents: {},
  }
  const script: Script = async (req) => {
    const role = roleOf(req)
    stats.calls[role]++
    stats.chars[role] += req.chars
    if (role === 'commander') {
      const agent = agentOf(req.system)
      stats.commanderAgents[agent] = (stats.commanderAgents[agent] ?? 0) + 1
    }
    const step =
      role === 'commander'
        ? commanderStep(req, plan, stats)
        : role === 'worker'
          ? workerStep(req)
          : role === 'reviewer'
            ? { text: `Reviewed ${todoIdOf(req.lastUserText)}: the file is there, pass.` }
            : { text: 'ok' }
    await new Promise((r) => setTimeout(r, latencyMs))
    return { ...step, delayMs: 0 }
  }
  return Object.assign(script, { stats })
}

/**
 * The user's session is the commander's, whichever agent OpenCode runs a turn of it with: the plugin
 * prompts its notices without naming an agent, so OpenCode answers them with its default agent
 * (`build`) unless the user made the Commander the default. The model there sees the same history
 * and the same tools, and the script answers it as the Commander would.
 */
function roleOf(req: ChatRequest): OriginalRole {
  if (req.messages.some((m) => m.role === 'user' && textOf(m.content).includes('<mission>')))
    return 'commander'
  if (req.system.includes('You are Worker.')) return 'worker'
  if (req.system.includes('You are Reviewer.')) return 'reviewer'
  return 'other'
}

/** The agent whose prompt leads the system message, as OpenCode ran the call. */
function agentOf(system: string): string {
  const named = /You are (Commander|Worker|Reviewer|Planner)\./.exec(system)?.[1]
  if (named) return named
  return system.includes('You are opencode') ? 'build (OpenCode default)' : system.slice(0, 40)
}

const todoIdOf = (text: string) => /todoId: (\w+)/.exec(text)?.[1] ?? ''
const isContinuation = (req: ChatRequest) => req.messages.at(-1)?.role === 'tool'
const workDir = (req: ChatRequest) => /Working directory: (.+)/.exec(req.system)?.[1]?.trim() ?? ''
const inDir = (req: ChatRequest, rel: string) => {
  const dir = workDir(req).replace(/[\\/]+$/, '')
  return dir ? `${dir}/${rel}` : rel
}

/** A worker writes its todo's file, then closes its turn with a line of text. */
function workerStep(req: ChatRequest): ScriptStep {
  const id = todoIdOf(lastUserText(req.messages))
  if (isContinuation(req)) return { text: `Wrote ${id}.txt; done.` }
  return { toolCalls: [{ name: 'write', args: { filePath: inDir(req, `${id}.txt`), content: `${id}\n` } }] }
}

function commanderStep(req: ChatRequest, plan: PlanTodo[], stats: OriginalStats): ScriptStep {
  const seen = readHistory(req.messages)
  if (isContinuation(req))
    return {
      text: seen.finalTodoWritten
        ? `Mission complete: ${plan.length} todos done and reviewed.`
        : 'Delegated; waiting for the background tasks.',
    }
  stats.commanderTurns++
  stats.turnTimes.push(req.receivedAt)
  stats.turnStarts.push(lastUserText(req.messages).trim().split('\n')[0]?.slice(0, 60) ?? '')
  const calls: { name: string; args: unknown }[] = []
  const done = (kind: Child['kind'], id: string) =>
    seen.children.some((c) => c.kind === kind && c.todoId === id && c.taskId && seen.completed.has(c.taskId))
  const spawned = (kind: Child['kind'], id: string) =>
    seen.children.some((c) => c.kind === kind && c.todoId === id)
  if (!seen.todoWritten) calls.push(todoWrite(req, plan, false))
  for (const c of seen.children)
    if (c.taskId && seen.completed.has(c.taskId) && !seen.read.has(c.taskId))
      calls.push({ name: 'get_task_result', args: { taskId: c.taskId } })
  for (const t of plan) {
    if (done('worker', t.id) && !spawned('reviewer', t.id)) calls.push(delegate('Reviewer', t))
    if (!spawned('worker', t.id) && t.dependsOn.every((d) => done('reviewer', d)))
      calls.push(delegate('Worker', t))
  }
  if (plan.every((t) => done('reviewer', t.id)) && !seen.finalTodoWritten)
    calls.push(todoWrite(req, plan, true))
  stats.delegations += calls.filter((c) => c.name === 'delegate_task').length
  stats.resultReads += calls.filter((c) => c.name === 'get_task_result').length
  stats.todoWrites += calls.filter((c) => c.name === 'write').length
  if (calls.length === 0) return { text: 'Waiting for the background tasks.' }
  return { toolCalls: calls }
}

function delegate(agent: 'Worker' | 'Reviewer', t: PlanTodo): { name: string; args: unknown } {
  const verb = agent === 'Worker' ? `Write ${t.files.join(', ')}` : `Review ${t.files.join(', ')}`
  return {
    name: 'delegate_task',
    args: {
      agent,
      description: `${agent} ${t.id}`,
      prompt: `todoId: ${t.id}\n${verb} (${t.title}). Files you own: ${t.files.join(', ')}. Report what you did.`,
      background: true,
    },
  }
}

function todoWrite(req: ChatRequest, plan: PlanTodo[], checked: boolean) {
  const box = checked ? 'x' : ' '
  const lines = plan.map((t) => `- [${box}] ${t.id}: ${t.title}`)
  return {
    name: 'write',
    args: { filePath: inDir(req, TODO_FILE), content: `# TODO\n${lines.join('\n')}\n` },
  }
}

interface History {
  children: Child[]
  completed: Set<string>
  read: Set<string>
  todoWritten: boolean
  finalTodoWritten: boolean
}

/** What the commander did and was told so far, from the history OpenCode sends with every call. */
function readHistory(messages: ChatMessage[]): History {
  const h: History = {
    children: [],
    completed: new Set(),
    read: new Set(),
    todoWritten: false,
    finalTodoWritten: false,
  }
  const byCall = new Map<string, Child>()
  for (const m of messages) {
    if (m.role === 'assistant')
      for (const call of m.tool_calls ?? []) {
        const args = parseArgs(call.function.arguments)
        if (call.function.name === 'delegate_task') {
          const child: Child = {
            kind: args.agent === 'Reviewer' ? 'reviewer' : 'worker',
            todoId: todoIdOf(String(args.prompt ?? '')),
          }
          h.children.push(child)
          byCall.set(call.id, child)
        } else if (call.function.name === 'get_task_result') h.read.add(String(args.taskId ?? ''))
        else if (call.function.name === 'write' && String(args.filePath ?? '').endsWith(TODO_FILE)) {
          h.todoWritten = true
          if (!String(args.content ?? '').includes('[ ]')) h.finalTodoWritten = true
        }
      }
    if (m.role === 'tool') {
      const child = byCall.get(m.tool_call_id ?? '')
      const taskId = /Task: `(task_[\w-]+)`/.exec(textOf(m.content))?.[1]
      if (child && taskId) child.taskId = taskId
    }
    if (m.role === 'user') for (const id of completedIds(textOf(m.content))) h.completed.add(id)
  }
  return h
}

/** Task ids the plugin's notices report as finished: `results=id:agent:done,…` and `ids=id,…`. */
function completedIds(text: string): string[] {
  const ids: string[] = []
  for (const [, list] of text.matchAll(/results=(\S+)/g))
    for (const entry of list?.split(',') ?? []) {
      const [id, , status] = entry.split(':')
      if (id && status === 'done') ids.push(id)
    }
  for (const [, list] of text.matchAll(/ids=(\S+)/g)) ids.push(...(list?.split(',') ?? []))
  return ids
}

function parseArgs(raw: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(raw)
    return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {}
  } catch {
    return {}
  }
}

function lastUserText(messages: ChatMessage[]): string {
  for (let i = messages.length - 1; i >= 0; i--)
    if (messages[i]?.role === 'user') return textOf(messages[i]?.content)
  return ''
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content
  if (Array.isArray(content))
    return content.map((c) => (typeof c === 'object' && c && 'text' in c ? String(c.text) : '')).join('\n')
  return ''
}
