// Acting on one piece of a running mission: cancel a todo, retry a todo, steer an agent. Registers
// the palette commands (a quick pick of what can be acted on, then an input box for a steering
// message) and answers the dashboard's `todo.cancel`, `todo.retry` and `agent.steer` intents. What
// cannot apply (an unknown id, an ended mission, an idle agent) is refused with a warning and a log
// line, never thrown.

import * as vscode from 'vscode'
import type { Logger } from '../engine/ports'
import type { AgentState, TodoState } from '../engine/record/mission-state'
import type { Refusal } from '../engine/util/refusal'
import { Commands } from '../shared/constants'
import { STEER_MAX_CHARS } from '../shared/protocol'
import type { DisposableStore } from './disposable'
import { guardedBy } from './guarded'
import type { MissionController } from './mission-controller'
import { toast } from './toast'

export interface Act {
  cancelTodo(todoId: string): Promise<void>
  retryTodo(todoId: string): Promise<void>
  steerAgent(sessionId: string, text: string): Promise<void>
}

const CANCELLABLE = new Set([
  'pending',
  'ready',
  'running',
  'reported',
  'reviewing',
  'blocked',
  'waiting',
  'failed',
])
const RETRYABLE = new Set(['failed', 'cancelled'])
const STEERABLE = new Set(['busy', 'retry', 'waiting'])

export function registerAct(store: DisposableStore, deps: { missions: MissionController; log: Logger }): Act {
  const { missions, log } = deps
  const answer = (done: string, refusal: Refusal | undefined) => {
    if (!refusal) return void log.info(done)
    log.warn(refusal.refused)
    void toast.warning(refusal.refused)
  }
  const guarded = guardedBy(log)
  const cancelTodo = async (todoId: string) =>
    answer(`todo ${todoId} cancelled`, await missions.cancelTodo(todoId))
  const retryTodo = async (todoId: string) =>
    answer(`todo ${todoId} sent back to the queue`, await missions.retryTodo(todoId))
  const steerAgent = async (sessionId: string, text: string) =>
    answer(`steering queued for ${sessionId}`, missions.steer(sessionId, text))

  /** A todo command: the todo given (from a button), or one picked among those it applies to. */
  const todoCommand = (
    command: string,
    what: string,
    statuses: Set<string>,
    none: string,
    act: (todoId: string) => Promise<void>,
  ) =>
    store.add(
      vscode.commands.registerCommand(
        command,
        guarded(what, async (todoId?: unknown) => {
          if (typeof todoId === 'string') return act(todoId)
          const todos = (missions.current?.todos ?? []).filter((t) => statuses.has(t.status))
          if (todos.length === 0) return void toast.info(none)
          const picked = await vscode.window.showQuickPick(todos.map(todoItem), {
            title: `Orchestrator: ${what}`,
            placeHolder: 'Which todo?',
          })
          if (picked) await act(picked.todoId)
        }),
      ),
    )
  todoCommand(Commands.cancelTodo, 'Cancel Todo', CANCELLABLE, 'No open todo to cancel.', cancelTodo)
  todoCommand(Commands.retryTodo, 'Retry Todo', RETRYABLE, 'No failed or cancelled todo to retry.', retryTodo)
  store.add(
    vscode.commands.registerCommand(
      Commands.steerAgent,
      guarded('Steer Agent', async (sessionId?: unknown, text?: unknown) => {
        let id = typeof sessionId === 'string' ? sessionId : undefined
        if (!id) {
          const agents = (missions.current?.agents ?? []).filter((a) => STEERABLE.has(a.status))
          if (agents.length === 0) return void toast.info('No running agent to steer.')
          const picked = await vscode.window.showQuickPick(agents.map(agentItem), {
            title: 'Orchestrator: Steer Agent',
            placeHolder: 'Which agent?',
          })
          id = picked?.sessionId
        }
        if (!id) return
        const message =
          typeof text === 'string'
            ? text
            : await vscode.window.showInputBox({
                title: 'Orchestrator: Steer Agent',
                prompt: 'Delivered when its current turn ends (never written into a busy turn).',
                placeHolder: 'e.g. Keep the public API unchanged',
                validateInput: (v) =>
                  v.trim() === ''
                    ? 'Type a message for the agent.'
                    : v.length > STEER_MAX_CHARS
                      ? `Keep it under ${STEER_MAX_CHARS} characters.`
                      : undefined,
              })
        if (message !== undefined) await steerAgent(id, message)
      }),
    ),
  )
  return {
    cancelTodo: guarded('Cancel Todo', cancelTodo),
    retryTodo: guarded('Retry Todo', retryTodo),
    steerAgent: guarded('Steer Agent', steerAgent),
  }
}

const todoItem = (t: TodoState) => ({
  label: t.title,
  description: `${t.id} · ${t.status}`,
  todoId: t.id,
})

const agentItem = (a: AgentState) => ({
  label: a.title,
  description: `${a.role} · ${a.status}${a.todoId ? ` · ${a.todoId}` : ''}`,
  sessionId: a.sessionId,
})
