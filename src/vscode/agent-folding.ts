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

/**
 * Splits the roster into the agents shown in full and, per todo id, the folded ones (in roster order).
 * An agent folds into its latest todo when its part there is over, and into every todo it worked on
 * before (a session reused for several todos: its attempts name it), as done there: its part in those
 * is over whatever it does now. The attempts come from the journal, so this holds across a resume.
 */
export function foldAgents(
  agents: readonly AgentState[],
  todos: readonly TodoState[],
): { shown: AgentState[]; folded: Map<string, AgentState[]> } {
  const byId = new Map(todos.map((t) => [t.id, t]))
  const worked = todosBySession(todos)
  const shown: AgentState[] = []
  const folded = new Map<string, AgentState[]>()
  const fold = (todoId: string, a: AgentState) => folded.set(todoId, [...(folded.get(todoId) ?? []), a])
  for (const a of agents) {
    const todo = a.todoId === undefined ? undefined : byId.get(a.todoId)
    if (todo && isFolded(a, todo)) fold(todo.id, a)
    else shown.push(a)
    for (const id of worked.get(a.sessionId) ?? [])
      if (id !== a.todoId && !workingOn(byId.get(id), a.sessionId)) fold(id, doneThere(a))
  }
  return { shown, folded }
}

/**
 * True when the todo's attempt in flight is the session's (a resumed mission adopts a turn without
 * telling the agent its todo again): its part there is not over.
 */
function workingOn(todo: TodoState | undefined, sessionId: string): boolean {
  const last = todo?.history.at(-1)
  return (
    todo !== undefined &&
    IN_FLIGHT.has(todo.status) &&
    (last?.sessionId === sessionId || last?.reviewerSessionId === sessionId)
  )
}

/** The todos each session worked on, as worker or reviewer of an attempt, in plan order. */
function todosBySession(todos: readonly TodoState[]): Map<string, string[]> {
  const out = new Map<string, string[]>()
  const add = (sessionId: string | undefined, todoId: string) => {
    if (sessionId === undefined) return
    const list = out.get(sessionId)
    if (!list) out.set(sessionId, [todoId])
    else if (list.at(-1) !== todoId) list.push(todoId)
  }
  for (const t of todos)
    for (const h of t.history) {
      add(h.sessionId, t.id)
      add(h.reviewerSessionId, t.id)
    }
  return out
}

// Kept per agent object, so that an unchanged agent folds as the same object: todo views are reused
// while their folded agents are the same (snapshot.ts), and deltas compare views by identity.
const done = new WeakMap<AgentState, AgentState>()

/** The agent as it shows in a todo it worked on before: done there. */
function doneThere(a: AgentState): AgentState {
  if (a.status === 'done') return a
  let copy = done.get(a)
  if (!copy) done.set(a, (copy = { ...a, status: 'done' }))
  return copy
}
