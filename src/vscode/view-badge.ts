// The number on the Orchestrator view's icon, for a user looking elsewhere: what waits on them
// (permission asks, a question, changes to decide on, an interrupted mission), else while a mission
// runs, how many of its todos passed. No badge when there is nothing to say.

import { isTerminal, type MissionState } from '../engine/record/mission-state'

export interface ViewBadge {
  value: number
  tooltip: string
}

export interface BadgeFacts {
  /** The mission's changes wait for the user's decision (worktree mode, `ask`). */
  changesPending?: boolean
  /** A mission was interrupted and waits to be resumed or discarded. */
  interrupted?: boolean
}

export function viewBadge(m: MissionState | undefined, facts: BadgeFacts = {}): ViewBadge | undefined {
  const running = m !== undefined && !isTerminal(m.phase)
  const asks = running ? m.inbox.length : 0
  const question = running && m.needsYou !== undefined
  const count =
    asks + Number(question) + Number(facts.changesPending ?? false) + Number(facts.interrupted ?? false)
  if (count > 0) {
    const waiting = [
      ...(asks ? [asks === 1 ? 'a permission ask' : `${asks} permission asks`] : []),
      ...(question ? ['a question'] : []),
      ...(facts.changesPending ? ['changes to apply or discard'] : []),
      ...(facts.interrupted ? ['an interrupted mission'] : []),
    ]
    return { value: count, tooltip: `Waiting for you: ${waiting.join(', ')}` }
  }
  if (!running || m.todos.length === 0) return undefined
  const passed = m.todos.filter((t) => t.status === 'passed').length
  return { value: passed, tooltip: `Mission under way: ${passed}/${m.todos.length} todos passed` }
}
