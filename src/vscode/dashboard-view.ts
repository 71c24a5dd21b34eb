import type * as vscode from 'vscode'
import { boundedJson } from '../engine/util/bounded-json'
import { errorMessage } from '../engine/util/error-message'
import { systemClock, type Logger } from '../engine/ports'
import type { BaselineAnswer } from '../engine/record/mission-state'
import { Views } from '../shared/constants'
import {
  assertNever,
  isWebviewToHost,
  PROTOCOL_VERSION,
  type ChangesAction,
  type DashboardSnapshot,
  type StartAnswer,
  type PermissionReply,
  type WebviewToHost,
} from '../shared/protocol'
import { loadWebview } from './webview-document'
import type { ViewBadge } from './view-badge'
import { DisposableStore } from './disposable'
import { ACK_TIMEOUT_MS, DashboardFeed } from './dashboard-feed'

export interface DashboardHandlers {
  snapshot(): DashboardSnapshot
  /** Runs a mission; a `requestId` is answered with {@link DashboardView.answerStart}. */
  startMission(goal: string, requestId?: string): void
  stopMission(): void
  /** Stops dispatching new work; running turns finish. */
  pauseMission(): void
  resumeMission(): void
  /** Answers the mission's "keep waiting?" question with yes. */
  keepWaiting(): void
  /** Answers the mission's baseline question (the check fails because the project is not set up). */
  answerBaseline(answer: BaselineAnswer): void
  /** Asks the user for the command of a changed check, then answers the baseline question with it. */
  askCheckCommand(): void
  /** Answers a permission ask from the inbox; a rejection is logged here. */
  replyPermission(requestId: string, reply: PermissionReply): Promise<void>
  /** Opens a session's transcript; an id that is not the mission's is refused with a message. */
  openTranscript(sessionId: string): Promise<void>
  /** Opens a todo's file against the mission's base; a file the todo neither changed nor owns is refused. */
  openDiff(todoId: string, path: string): Promise<void>
  openWalkthrough(): void
  /** The user's actions on one piece of the mission; refusals are shown and logged there. */
  cancelTodo(todoId: string): Promise<void>
  retryTodo(todoId: string): Promise<void>
  steerAgent(sessionId: string, text: string): Promise<void>
  /** The mission's changes at the end (worktree mode): apply, review, keep the branch, discard. */
  actOnChanges(action: ChangesAction): Promise<void>
  /** Opens the three-way merge of a file Apply left because the user changed it. */
  mergeChange(path: string): Promise<void>
  /** Shows a finished mission of the list on the dashboard. */
  openMission(id: string): void
  /** Opens the review of the mission's changes since its start. */
  reviewMissionChanges(): void
  /** Opens the mission's timeline in an editor tab, at full width. */
  openTimeline(): void
  /** Resumes the interrupted mission the dashboard offers, or marks it stopped. */
  resumeInterrupted(id: string): void
  discardInterrupted(id: string): void
}

/**
 * The sidebar dashboard. The host owns the state: a full snapshot goes out on `ready` and whenever
 * the view becomes visible; while visible, changes go out as coalesced deltas (see DashboardFeed).
 */
export class DashboardView implements vscode.WebviewViewProvider, vscode.Disposable {
  static readonly viewType = Views.dashboard
  #view: vscode.WebviewView | undefined
  #ready = false
  readonly #store = new DisposableStore()
  #viewStore: DisposableStore | undefined
  readonly #feed: DashboardFeed
  /** The badge to show, kept for a view resolved after it was set. */
  #badge: ViewBadge | undefined

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly handlers: DashboardHandlers,
    private readonly log: Logger,
    /** Longest delay before a change reaches a visible view that keeps up. Default: 16 ms (a frame). */
    coalesceMs = 16,
  ) {
    // A burst of SSE events becomes one delta per frame, paced by the view's acknowledgements; no
    // timer is pending while idle.
    this.#feed = new DashboardFeed({
      clock: systemClock,
      frameMs: coalesceMs,
      state: () => this.handlers.snapshot(),
      open: () => (this.#view?.visible ?? false) && this.#ready,
      post: (msg) => void this.#view?.webview.postMessage(msg),
      // A visible view that draws nothing for this long is stuck, or its acknowledgements are lost.
      unacknowledged: (seq) =>
        this.log.info(`message ${seq} not acknowledged by the view within ${ACK_TIMEOUT_MS} ms; sending on`),
    })
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.#viewStore?.dispose()
    const store = (this.#viewStore = new DisposableStore())
    this.#view = view
    this.#ready = false
    view.badge = this.#badge
    loadWebview(view.webview, this.extensionUri, 'dashboard')
    store.add(view.webview.onDidReceiveMessage((m: unknown) => this.#onMessage(m)))
    store.add(view.onDidChangeVisibility(() => this.#feed.full()))
    store.add(
      view.onDidDispose(() => {
        this.#view = undefined
        this.#ready = false
        store.dispose()
      }),
    )
  }

  /** The dashboard is on screen: completion toasts would only repeat what it shows. */
  get visible(): boolean {
    return this.#view?.visible ?? false
  }

  /** Tells the view that host state changed; it renders at most once per coalescing window. */
  changed(): void {
    if (this.#view?.visible && this.#ready) this.#feed.changed()
  }

  /** Tells the view whether the mission it asked for (`requestId`) got under way, and if not why. */
  answerStart(requestId: string, accepted: boolean, reason?: string): void {
    const answer: StartAnswer = {
      type: 'mission.startAnswer',
      protocol: PROTOCOL_VERSION,
      requestId,
      accepted,
      ...(reason !== undefined && { reason }),
    }
    void this.#view?.webview.postMessage(answer)
  }

  /** The number on the view's icon (what waits on the user, or the mission's progress), if any. */
  badge(badge: ViewBadge | undefined): void {
    this.#badge = badge
    const view = this.#view
    if (!view || (view.badge?.value === badge?.value && view.badge?.tooltip === badge?.tooltip)) return
    view.badge = badge
  }

  #onMessage(raw: unknown): void {
    if (!isWebviewToHost(raw)) {
      this.log.warn(`dropped an unknown webview message: ${boundedJson(raw, 200)}`)
      return
    }
    const msg: WebviewToHost = raw
    switch (msg.type) {
      case 'ready':
        if (msg.protocol !== PROTOCOL_VERSION)
          this.log.warn(
            `webview speaks protocol ${msg.protocol}, host ${PROTOCOL_VERSION}: it asks for a reload`,
          )
        this.#ready = true
        return this.#feed.full()
      case 'rendered':
        return this.#feed.rendered(msg.seq)
      case 'mission.start':
        return this.handlers.startMission(msg.goal, msg.requestId)
      case 'mission.stop':
        return this.handlers.stopMission()
      case 'mission.pause':
        return this.handlers.pauseMission()
      case 'mission.resume':
        return this.handlers.resumeMission()
      case 'mission.keepWaiting':
        return this.handlers.keepWaiting()
      case 'mission.answerBaseline':
        if (msg.answer === 'changeCheck') {
          if (msg.command === undefined) return this.handlers.askCheckCommand()
          return this.handlers.answerBaseline({ kind: 'changeCheck', command: msg.command })
        }
        return this.handlers.answerBaseline({ kind: msg.answer })
      case 'permission.reply':
        return void this.handlers.replyPermission(msg.requestId, msg.reply).catch((err: unknown) => {
          this.log.error(`permission ${msg.requestId} not answered: ${errorMessage(err)}`)
          // The ask may have been answered elsewhere or the mission ended: show the current inbox.
          this.changed()
        })
      case 'agent.transcript':
        return void this.handlers.openTranscript(msg.sessionId)
      case 'file.diff':
        return void this.handlers.openDiff(msg.todoId, msg.path)
      case 'walkthrough.open':
        return this.handlers.openWalkthrough()
      case 'todo.cancel':
        return void this.handlers.cancelTodo(msg.todoId)
      case 'todo.retry':
        return void this.handlers.retryTodo(msg.todoId)
      case 'agent.steer':
        return void this.handlers.steerAgent(msg.sessionId, msg.text)
      case 'changes.act':
        return void this.handlers.actOnChanges(msg.action)
      case 'changes.merge':
        return void this.handlers.mergeChange(msg.path)
      case 'mission.open':
        return this.handlers.openMission(msg.id)
      case 'mission.changes':
        return this.handlers.reviewMissionChanges()
      case 'timeline.open':
        return this.handlers.openTimeline()
      case 'interrupted.resume':
        return this.handlers.resumeInterrupted(msg.id)
      case 'interrupted.discard':
        return this.handlers.discardInterrupted(msg.id)
      default:
        return assertNever(msg)
    }
  }

  dispose(): void {
    this.#feed.dispose()
    this.#viewStore?.dispose()
    this.#store.dispose()
  }
}
