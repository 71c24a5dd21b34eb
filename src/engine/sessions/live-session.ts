import type { PlanArgs, ReportArgs, VerdictArgs } from '../protocol/mission-protocol'
import type { HostError, ModelRef, Role } from '../ports'

export type TurnKind = 'plan' | 'work' | 'review'

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
  /** The open turn: what was asked and what the agent delivered so far. */
  turn?: {
    kind: TurnKind
    todoId?: string
    nudged: boolean
    /** The brief that opened the turn (a nudge keeps it). */
    brief?: string
    /** OpenCode compacted the session's history while the turn was open. */
    compacted?: boolean
    /** The brief was sent again after a compaction. */
    rebriefed?: boolean
    plan?: PlanArgs
    planErrors?: string[]
    /** Why each refused tool call of the turn was refused (see turn-results.ts). */
    refusals?: string[]
    /** Steps in a row that came back empty (see guards/empty-steps.ts). */
    emptySteps?: number
    /** The turn's latest finished tool call, and how many identical ones came in a row. */
    lastCall?: { callId: string; key: string; count: number }
    /** Why the engine ended the turn before its agent did (it looped). */
    cutShort?: string
    report?: ReportArgs
    verdict?: VerdictArgs
    /** The provider or host error that ended the turn, if any. */
    error?: HostError
    /** The result was acted on (as soon as its tool call completed). */
    delivered?: boolean
    /** The assistant message whose step made the mission tool call. */
    resultMessageId?: string
    /** End the turn once that message is complete. */
    endRequested?: boolean
  }
  /** Assistant messages of this session that are complete (their usage is final). */
  completedMessages: Set<string>
  /** Cancels the bound on the provider retry the session is in (set only while in retry). */
  retryTimer?: () => void
  /** The provider retry the session is in: OpenCode's latest attempt and message, and since when. */
  retrying?: { attempt: number; message: string; since: number }
  /** Usage not yet written to the journal. */
  unjournaled: { tokens: number; cost: number }
}

/** What a turn asked and what the agent delivered so far. */
export type Turn = NonNullable<Live['turn']>

export function newLive(sessionId: string, role: Role, model: ModelRef | undefined): Live {
  return {
    sessionId,
    role,
    busy: false,
    retired: false,
    todosDone: 0,
    lastFiles: [],
    completedMessages: new Set(),
    unjournaled: { tokens: 0, cost: 0 },
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
