import type { AgentState, TodoState } from '../engine/record/mission-state'
import type { TodoStatus } from '../shared/protocol'

// Which agents the dashboard shows in full and which fold into their todo's row. A long mission
// makes two sessions per attempt; folding the finished ones keeps the view and the snapshot small.

/** Todo statuses in which the latest attempt is in flight: its worker and reviewer stay in full. */
const IN_FLIGHT: ReadonlySet<TodoStatus> = new Set(['running', 'reported', 'reviewing'])

/**
 * True when the agent's part is over: it ended, or it is idle while its todo has no attempt in
 * flight (passed, failed, blocked or waiting for a retry). Agents of no todo (planners) never fold.
 */
export function isFolded(agent: AgentState, todo: TodoState | undefined): boolean {
  if (agent.todoId === undefined || todo === undefined) return false
  if (agent.status === 'done' || agent.status === 'failed' || agent.status === 'aborted') return true
  return agent.status === 'idle' && !IN_FLIGHT.has(todo.status)
}

/** Splits the roster into the agents shown in full and, per todo id, the folded ones (in order). */
export function foldAgents(
  agents: readonly AgentState[],
  todos: readonly TodoState[],
): { shown: AgentState[]; folded: Map<string, AgentState[]> } {
  const byId = new Map(todos.map((t) => [t.id, t]))
  const shown: AgentState[] = []
  const folded = new Map<string, AgentState[]>()
  for (const a of agents) {
    const todo = a.todoId === undefined ? undefined : byId.get(a.todoId)
    if (todo && isFolded(a, todo)) folded.set(todo.id, [...(folded.get(todo.id) ?? []), a])
    else shown.push(a)
  }
  return { shown, folded }
}
