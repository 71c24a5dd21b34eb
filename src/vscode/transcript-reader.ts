// The text of a transcript document, read from the session's server with one request. The document
// never waits for a server start (3–4 s after a window reload, when no server runs for the folder):
// after a short grace it shows the header and says OpenCode is starting, and asks to be read again
// once the server is up (or failed to start). Free of `vscode`, so it is tested without VS Code.

import type { Clock, EventPort, Logger, TranscriptPort } from '../engine/ports'
import type { AgentState } from '../engine/record/mission-state'
import {
  renderTranscript,
  transcriptHeader,
  type TranscriptHeader,
} from '../engine/record/transcript-markdown'
import { errorMessage } from '../engine/util/error-message'

/** How long a read waits for the server before it shows that OpenCode is starting. */
const GRACE_MS = 300

export interface TranscriptPorts {
  transcripts: TranscriptPort
  events: EventPort
}

export interface TranscriptSource {
  /** The server's ports; starts the server when none runs for the folder. */
  connect(): Promise<TranscriptPorts>
  /** The mission's agent of a session, if it is one. */
  agent(sessionId: string): AgentState | undefined
}

export interface TranscriptReaderDeps {
  source: TranscriptSource
  clock: Clock
  log: Logger
  /** The session's document is to be read again: the server it waited for is up, or failed. */
  reread(sessionId: string): void
  /** The ports a transcript was read through (their events keep a live transcript fresh). */
  connected(ports: TranscriptPorts): void
  /** Default: 300 ms. */
  graceMs?: number
}

const ENDED = new Set(['done', 'failed', 'aborted'])

/** True while the agent still runs (its transcript still grows). */
export const agentLive = (agent: AgentState | undefined): boolean =>
  agent !== undefined && !ENDED.has(agent.status)

export class TranscriptReader {
  /** Why a server start that a document waited for failed, shown once on its next read. */
  readonly #failed = new Map<string, string>()

  constructor(private readonly d: TranscriptReaderDeps) {}

  /** The document's Markdown; never rejects. */
  async read(sessionId: string): Promise<string> {
    const header = this.#header(sessionId)
    const failed = this.#failed.get(sessionId)
    if (failed !== undefined) {
      this.#failed.delete(sessionId)
      return unreadable(header, failed)
    }
    try {
      const ports = await this.#connect(sessionId)
      if (!ports) return `${transcriptHeader(header)}\n\n_Starting OpenCode to read this transcript…_\n`
      this.d.connected(ports)
      return renderTranscript(header, await ports.transcripts.transcript(sessionId))
    } catch (err) {
      this.d.log.warn(`transcript of ${sessionId} not read: ${errorMessage(err)}`)
      return unreadable(header, errorMessage(err))
    }
  }

  /** The ports, or undefined when the server is still starting after the grace. */
  async #connect(sessionId: string): Promise<TranscriptPorts | undefined> {
    const connecting = this.d.source.connect()
    let cancel = () => {}
    const grace = new Promise<undefined>((resolve) => {
      cancel = this.d.clock.setTimeout(() => resolve(undefined), this.d.graceMs ?? GRACE_MS)
    })
    const ports = await Promise.race([connecting, grace]).finally(cancel)
    if (ports) return ports
    connecting.then(
      () => this.d.reread(sessionId),
      (err: unknown) => {
        this.d.log.warn(`transcript of ${sessionId} not read: ${errorMessage(err)}`)
        this.#failed.set(sessionId, errorMessage(err))
        this.d.reread(sessionId)
      },
    )
    return undefined
  }

  #header(sessionId: string): TranscriptHeader {
    const agent = this.d.source.agent(sessionId)
    return {
      title: agent?.title ?? 'Transcript',
      sessionId,
      ...(agent && { role: agent.role }),
      ...(agent?.todoId !== undefined && { todoId: agent.todoId }),
      live: agentLive(agent),
    }
  }
}

const unreadable = (header: TranscriptHeader, why: string) =>
  `${transcriptHeader(header)}\n\nThe transcript could not be read: ${why}\n`
