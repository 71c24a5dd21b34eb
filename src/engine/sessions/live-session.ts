import type { Turn } from './turn'
import type { ModelRef, Role } from '../ports'

/** What the engine knows about one of the mission's own sessions. */
export interface Live {
  sessionId: string
  role: Role
  model?: ModelRef
  provider?: string
  busy: boolean
  retired: boolean
  todosDone: number
  lastFiles: string[]
  /** Worktree mode: the todo whose folder the session works in; it takes no other todo. */
  boundTo?: string
  /**
   * Prompted, and no assistant message of it seen since: the server is still preparing the first
   * model call (sessions are made ahead only once none is, not to slow that down).
   */
  starting?: boolean
  /** The open turn: what was asked and what the agent delivered so far. */
  turn?: Turn
  /** Assistant messages of this session that are complete (their usage is final). */
  completedMessages: Set<string>
  /** Cancels the bound on the provider retry the session is in (set only while in retry). */
  retryTimer?: () => void
  /** The provider retry the session is in: OpenCode's latest attempt and message, and since when. */
  retrying?: { attempt: number; message: string; since: number }
  /** Usage not yet written to the journal. */
  unjournaled: { tokens: number; cost: number; calls: number }
}

export function newLive(sessionId: string, role: Role, model: ModelRef | undefined): Live {
  return {
    sessionId,
    role,
    busy: false,
    retired: false,
    todosDone: 0,
    lastFiles: [],
    completedMessages: new Set(),
    unjournaled: { tokens: 0, cost: 0, calls: 0 },
    ...(model && { model, provider: model.providerID }),
  }
}

/** How logs and warnings name an agent: its role and todo first, the session id only to look it up. */
export function agentName(
  live: Pick<Live, 'role' | 'sessionId' | 'turn'>,
  todoId = live.turn?.todoId,
): string {
  return `${live.role}${todoId ? ` of ${todoId}` : ''} (${live.sessionId})`
}
