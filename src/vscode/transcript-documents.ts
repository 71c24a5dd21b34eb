// Read-only Markdown documents of agent transcripts on `orchestrator-transcript:` URIs, shown in VS
// Code's Markdown preview as a conversation and refreshed while the agent runs: its message and part
// events mark the document changed, coalesced so a stream of text deltas re-reads the session at
// most a few times a second.

import * as vscode from 'vscode'
import { Coalescer } from '../engine/util/coalesce'
import { errorMessage } from '../engine/util/error-message'
import { systemClock, type EventPort, type Logger } from '../engine/ports'
import type { AgentState } from '../engine/record/mission-state'
import { Schemes } from '../shared/constants'
import { documentName } from './document-name'
import { agentLive, TranscriptReader, type TranscriptSource } from './transcript-reader'

/** Re-reads of a live transcript are at least this far apart. */
const REFRESH_MS = 500

export function transcriptUri(agent: Pick<AgentState, 'sessionId' | 'title'>): vscode.Uri {
  // The path names the tab (and ends in .md for Markdown); the query is what the provider reads.
  const path = `/${documentName(agent.title, agent.sessionId)}.md`
  return vscode.Uri.from({ scheme: Schemes.transcript, path, query: agent.sessionId })
}

export class TranscriptDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  readonly #changed = new vscode.EventEmitter<vscode.Uri>()
  readonly onDidChange = this.#changed.event
  /** Transcripts read for a document (an editor or a preview), by session id. */
  readonly #followed = new Map<string, vscode.Uri>()
  readonly #reader: TranscriptReader
  readonly #coalescer: Coalescer<string>
  #events: EventPort | undefined
  #unsubscribe: (() => void) | undefined
  readonly #closed: vscode.Disposable

  constructor(
    private readonly source: TranscriptSource,
    private readonly log: Logger,
  ) {
    this.#reader = new TranscriptReader({
      source,
      clock: systemClock,
      log,
      reread: (id) => this.#refresh(id),
      connected: (ports) => this.#follow(ports.events),
    })
    this.#coalescer = new Coalescer<string>({
      clock: systemClock,
      frameMs: REFRESH_MS,
      key: (id) => id,
      flush: (ids) => {
        for (const id of ids) this.#refresh(id)
      },
    })
    // A preview does not hold its document open: VS Code closes it minutes after the last read. A
    // running agent's transcript stays followed, and is opened again on its next change.
    this.#closed = vscode.workspace.onDidCloseTextDocument((d) => {
      if (d.uri.scheme === Schemes.transcript && !agentLive(this.source.agent(d.uri.query)))
        this.#followed.delete(d.uri.query)
    })
  }

  provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    this.#followed.set(uri.query, uri)
    return this.#reader.read(uri.query)
  }

  /** Opens the transcript of a session rendered, in the Markdown preview (its source when there is none). */
  async show(agent: Pick<AgentState, 'sessionId' | 'title'>): Promise<void> {
    const uri = transcriptUri(agent)
    try {
      await vscode.commands.executeCommand('markdown.showPreview', uri)
    } catch (err) {
      this.log.warn(`no Markdown preview (${errorMessage(err)}): the transcript opens as Markdown source`)
      const doc = await vscode.workspace.openTextDocument(uri)
      await vscode.window.showTextDocument(doc, { preview: true })
    }
  }

  /**
   * Has a followed transcript read again: a change while VS Code holds its document, else an open
   * (which the preview takes as a refresh) while the agent still runs.
   */
  #refresh(sessionId: string): void {
    const uri = this.#followed.get(sessionId)
    if (!uri) return
    if (vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString()))
      this.#changed.fire(uri)
    else if (agentLive(this.source.agent(sessionId)))
      void vscode.workspace.openTextDocument(uri).then(undefined, () => undefined)
    else this.#followed.delete(sessionId)
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
        this.#followed.has(e.sessionId)
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
