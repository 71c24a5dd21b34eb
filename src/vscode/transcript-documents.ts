// Read-only Markdown documents of agent transcripts on `orchestrator-transcript:` URIs, refreshed
// while the agent runs: its message and part events mark the document changed, coalesced so a
// stream of text deltas re-reads the session at most a few times a second.

import * as vscode from 'vscode'
import { Coalescer } from '../engine/util/coalesce'
import { errorMessage } from '../engine/util/error-message'
import { systemClock, type EventPort, type Logger, type TranscriptPort } from '../engine/ports'
import { renderTranscript } from '../engine/record/transcript-markdown'
import type { AgentState } from '../engine/record/mission-state'
import { Schemes } from '../shared/constants'
import { documentName } from './document-name'

/** Re-reads of a live transcript are at least this far apart. */
const REFRESH_MS = 500

export interface TranscriptSource {
  /** The server's ports (started on first use). */
  connect(): Promise<{ transcripts: TranscriptPort; events: EventPort }>
  /** The mission's agent of a session, if it is one. */
  agent(sessionId: string): AgentState | undefined
}

export function transcriptUri(agent: Pick<AgentState, 'sessionId' | 'title'>): vscode.Uri {
  // The path names the tab (and ends in .md for Markdown); the query is what the provider reads.
  const path = `/${documentName(agent.title, agent.sessionId)}.md`
  return vscode.Uri.from({ scheme: Schemes.transcript, path, query: agent.sessionId })
}

export class TranscriptDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  readonly #changed = new vscode.EventEmitter<vscode.Uri>()
  readonly onDidChange = this.#changed.event
  /** Open transcript documents by session id. */
  readonly #open = new Map<string, vscode.Uri>()
  readonly #coalescer: Coalescer<string>
  #events: EventPort | undefined
  #unsubscribe: (() => void) | undefined
  readonly #closed: vscode.Disposable

  constructor(
    private readonly source: TranscriptSource,
    private readonly log: Logger,
  ) {
    this.#coalescer = new Coalescer<string>({
      clock: systemClock,
      frameMs: REFRESH_MS,
      key: (id) => id,
      flush: (ids) => {
        for (const id of ids) {
          const uri = this.#open.get(id)
          if (uri) this.#changed.fire(uri)
        }
      },
    })
    this.#closed = vscode.workspace.onDidCloseTextDocument((d) => {
      if (d.uri.scheme === Schemes.transcript) this.#open.delete(d.uri.query)
    })
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const sessionId = uri.query
    const agent = this.source.agent(sessionId)
    const header = {
      title: agent?.title ?? `Session ${sessionId}`,
      sessionId,
      ...(agent && { role: agent.role }),
      live: agent !== undefined && !['done', 'failed', 'aborted'].includes(agent.status),
    }
    try {
      const { transcripts, events } = await this.source.connect()
      this.#open.set(sessionId, uri)
      this.#follow(events)
      return renderTranscript(header, await transcripts.transcript(sessionId))
    } catch (err) {
      this.log.warn(`transcript of ${sessionId} not read: ${errorMessage(err)}`)
      return `# ${header.title}\n\nThe transcript could not be read: ${errorMessage(err)}\n`
    }
  }

  /** Opens the transcript of a session in a read-only Markdown editor. */
  async show(agent: Pick<AgentState, 'sessionId' | 'title'>): Promise<void> {
    const doc = await vscode.workspace.openTextDocument(transcriptUri(agent))
    await vscode.window.showTextDocument(doc, { preview: true })
  }

  #follow(events: EventPort): void {
    // One subscription per server connection (a restarted server is a new one).
    if (this.#events === events) return
    this.#unsubscribe?.()
    this.#events = events
    this.#unsubscribe = events.subscribe((e) => {
      if (
        (e.type === 'part.text' ||
          e.type === 'part.tool' ||
          e.type === 'message.assistant' ||
          e.type === 'session.idle') &&
        this.#open.has(e.sessionId)
      )
        this.#coalescer.push(e.sessionId)
    })
  }

  dispose(): void {
    this.#unsubscribe?.()
    this.#coalescer.dispose()
    this.#closed.dispose()
    this.#changed.dispose()
  }
}
