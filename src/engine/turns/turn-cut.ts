// Ending an agent's turn as soon as its mission tool result is in (the `endTurnOnResult` option),
// instead of paying for the closing model call OpenCode makes after every tool. The cut waits for the
// step that made the tool call to complete, so that its usage is counted; the idle then follows
// within milliseconds.

import { errorMessage } from '../util/error-message'
import { agentName, type Live } from '../sessions/live-session'
import { markClosing, requestEnd } from '../sessions/turn'
import type { Logger, SessionPort } from '../ports'

export interface TurnCutterDeps {
  /** Whether turns are cut at all. */
  enabled: boolean
  sessions: Pick<SessionPort, 'abort'>
  logger: Logger
  /** A turn was cut: its session, busy until the idle, runs no model call any more. */
  closing?: () => void
}

export class TurnCutter {
  constructor(private readonly d: TurnCutterDeps) {}

  /** The open turn's result was acted on: cut the turn now, or once its result message completes. */
  resultIn(live: Live): void {
    const turn = live.turn
    if (!this.d.enabled || !live.busy || !turn?.resultMessageId) return
    requestEnd(turn, true)
    if (live.completedMessages.has(turn.resultMessageId)) this.#cut(live)
  }

  /** A message of the session completed: cut the turn that waited for it. */
  messageCompleted(live: Live, messageId: string): void {
    if (live.turn?.endRequested && live.turn.resultMessageId === messageId) this.#cut(live)
  }

  #cut(live: Live): void {
    const turn = live.turn
    if (turn) requestEnd(turn, false)
    this.d.sessions.abort(live.sessionId).then(
      () => {
        // The server cancelled what the session ran: its slot is free before its idle comes.
        if (!turn || live.turn !== turn || !live.busy) return
        markClosing(turn)
        this.d.closing?.()
      },
      (err: unknown) => {
        this.d.logger.warn(`could not end the turn of the ${agentName(live)}: ${errorMessage(err)}`)
      },
    )
  }
}
