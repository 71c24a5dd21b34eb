import * as vscode from 'vscode'
import { boundedJson } from '../engine/util/bounded-json'
import { systemClock, type Logger } from '../engine/ports'
import { Views } from '../shared/constants'
import { isWebviewToHost, PROTOCOL_VERSION, type DashboardSnapshot } from '../shared/protocol'
import { ACK_TIMEOUT_MS, DashboardFeed } from './dashboard-feed'
import { DisposableStore } from './disposable'
import { loadWebview } from './webview-document'

export interface TimelinePanelOptions {
  extensionUri: vscode.Uri
  /** The dashboard's state: the tab draws the timeline of the same mission. */
  state: () => DashboardSnapshot
  /** The tab's title, read when it opens and at each change (the mission's title comes with its plan). */
  title: () => string
  log: Logger
  /** Longest delay before a change reaches a visible tab that keeps up. Default: 16 ms (a frame). */
  coalesceMs?: number
}

/**
 * The mission's timeline at full width, in an editor tab: one tab at most, opened or brought forward
 * by {@link show}. It is fed as the dashboard is, from the same state: a snapshot on `ready` and on
 * coming into view, then coalesced deltas paced by its acknowledgements while visible. The feed is
 * its own, as each view numbers the messages it was sent. No retainContextWhenHidden: a tab brought
 * back loads again and says ready, like the sidebar view.
 */
export class TimelinePanel implements vscode.Disposable {
  #panel: vscode.WebviewPanel | undefined
  #panelStore: DisposableStore | undefined
  #ready = false
  readonly #feed: DashboardFeed

  constructor(private readonly o: TimelinePanelOptions) {
    this.#feed = new DashboardFeed({
      clock: systemClock,
      frameMs: o.coalesceMs ?? 16,
      state: o.state,
      open: () => (this.#panel?.visible ?? false) && this.#ready,
      post: (msg) => void this.#panel?.webview.postMessage(msg),
      unacknowledged: (seq) =>
        o.log.info(
          `message ${seq} not acknowledged by the timeline tab within ${ACK_TIMEOUT_MS} ms; sending on`,
        ),
    })
  }

  /** Opens the tab in the active editor group, or brings the open one forward where it is. */
  show(): void {
    if (this.#panel) return this.#panel.reveal()
    this.adopt(vscode.window.createWebviewPanel(Views.timeline, this.o.title(), vscode.ViewColumn.Active))
  }

  /**
   * Takes on a tab: a new one from {@link show}, or one VS Code brought back where the user left it
   * after a window reload (the serializer). With a tab already open another is closed: one at most.
   */
  adopt(panel: vscode.WebviewPanel): void {
    if (this.#panel) return this.#panel === panel ? undefined : panel.dispose()
    panel.title = this.o.title()
    const store = (this.#panelStore = new DisposableStore())
    this.#panel = panel
    this.#ready = false
    loadWebview(panel.webview, this.o.extensionUri, 'timeline')
    store.add(panel.webview.onDidReceiveMessage((m: unknown) => this.#onMessage(m)))
    store.add(panel.onDidChangeViewState(() => this.#feed.full()))
    store.add(
      panel.onDidDispose(() => {
        this.#panel = undefined
        this.#ready = false
        store.dispose()
      }),
    )
  }

  /** Host state changed: the open tab follows, at most once per coalescing window. */
  changed(): void {
    const panel = this.#panel
    if (!panel) return
    const title = this.o.title()
    if (panel.title !== title) panel.title = title
    if (panel.visible && this.#ready) this.#feed.changed()
  }

  #onMessage(raw: unknown): void {
    if (!isWebviewToHost(raw)) {
      this.o.log.warn(`dropped an unknown timeline tab message: ${boundedJson(raw, 200)}`)
      return
    }
    switch (raw.type) {
      case 'ready':
        if (raw.protocol !== PROTOCOL_VERSION)
          this.o.log.warn(`timeline tab speaks protocol ${raw.protocol}, host ${PROTOCOL_VERSION}`)
        this.#ready = true
        return this.#feed.full()
      case 'rendered':
        return this.#feed.rendered(raw.seq)
      default:
        // The tab shows the timeline only: anything else comes from no control of its own.
        this.o.log.warn(`dropped a ${raw.type} message from the timeline tab`)
    }
  }

  dispose(): void {
    this.#feed.dispose()
    this.#panelStore?.dispose()
    this.#panel?.dispose()
  }
}
