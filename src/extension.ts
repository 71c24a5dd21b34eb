import { statSync } from 'node:fs'
import { join } from 'node:path'
import * as vscode from 'vscode'
import { errorMessage } from './engine/util/error-message'
import { PreflightError, type PreflightFix } from './engine/preflight/preflight'
import { isTerminal, type BaselineAnswer, type MissionState } from './engine/record/mission-state'
import type { Refusal } from './engine/util/refusal'
import { Commands, LAST_FOLDER_KEY, Views, WALKTHROUGH_ID } from './shared/constants'
import { ProcessRegistry } from './node/process-registry'
import { refusedWhileRunning } from './vscode/second-mission'
import { viewBadge } from './vscode/view-badge'
import { reviewSharedChanges } from './vscode/shared-changes-review'
import { MissionsAtHand } from './vscode/missions-at-hand'
import { registerDemo } from './vscode/demo-command'
import { registerCommands } from './vscode/commands'
import { registerAct } from './vscode/act-commands'
import { registerInspect } from './vscode/inspect-commands'
import { registerChanges } from './vscode/changes-commands'
import { registerTimeline } from './vscode/timeline-command'
import { MissionChanges } from './vscode/mission-changes'
import { DashboardView } from './vscode/dashboard-view'
import { DisposableStore, toDisposable } from './vscode/disposable'
import { Log } from './vscode/log'
import { MissionController } from './vscode/mission-controller'
import { getConfig } from './vscode/config'
import { pickFolder, resumeFolder } from './vscode/folder-pick'
import { needsYouNotices, shouldNotify } from './vscode/notification-policy'
import { notifyMissionEnd, notifyNeedsYou, notifyPermission, notifyStuck } from './vscode/notifications'
import { registerPluginCommands } from './vscode/plugin-commands'
import { registerInstallOpencode } from './vscode/install-opencode'
import { OpencodeVersionError } from './opencode/binary-version'
import { answerBaselineChoice, watchBaselineQuestion } from './vscode/baseline-question'
import { ServerController } from './vscode/server-controller'
import { logSettingChanges, settingKeys } from './vscode/setting-log'
import { buildSnapshot } from './vscode/snapshot'
import { MissionFollower } from './vscode/mission-follower'
import { everyWhileRunning } from './vscode/running-timer'
import { StatusBar } from './vscode/status-bar'
import { toast } from './vscode/toast'

/** A workspace folder as the folder choices see it. */
const folderChoice = (f: vscode.WorkspaceFolder) => ({
  name: f.name,
  uri: f.uri.toString(),
  path: f.uri.fsPath,
})

let root: DisposableStore | undefined
let server: ServerController | undefined

const UNTRUSTED = 'This workspace is not trusted: missions (which run an OpenCode server) are disabled.'

export function activate(context: vscode.ExtensionContext): void {
  const store = (root = new DisposableStore())
  const log = store.add(new Log())
  // Servers and checks that a host killed outright (a crash, a reload that did not wait) left running.
  const processes = ProcessRegistry.forUser(process.env, log.for('processes'))
  void processes.reap()
  server = store.add(
    new ServerController(
      context.extensionUri,
      log.for('server'),
      context.secrets,
      context.globalStorageUri.fsPath,
      processes,
    ),
  )
  const missions = store.add(
    // Journals are per workspace: an interrupted mission is only offered where it ran.
    new MissionController(
      server,
      (context.storageUri ?? context.globalStorageUri).fsPath,
      log.for('mission'),
      processes,
    ),
  )
  // A worktree mission's changes at its end, while the user decides what reaches the folder.
  const changes = store.add(
    new MissionChanges(log.for('changes'), (id) => join(missions.journalDir, `${id}.jsonl`)),
  )
  const statusBar = store.add(new StatusBar())
  const srv = server
  const blocked = () => (vscode.workspace.isTrusted ? undefined : UNTRUSTED)

  // Toasts follow the notification policy; the dashboard is declared below and read when one is due.
  const allowed = (kind: 'end' | 'needsYou') =>
    shouldNotify(kind, getConfig('notifications'), dashboard.visible)

  /** The mission's folder: asked for when there are several, the last choice offered first. */
  const chooseFolder = async (): Promise<vscode.WorkspaceFolder | undefined> => {
    const open = vscode.workspace.workspaceFolders ?? []
    const choice = await pickFolder({
      folders: open.map(folderChoice),
      last: context.workspaceState.get<string>(LAST_FOLDER_KEY),
      remember: (uri) => context.workspaceState.update(LAST_FOLDER_KEY, uri),
      pick: (items, options) => vscode.window.showQuickPick(items, options),
    })
    return choice && open.find((f) => f.uri.toString() === choice.uri)
  }

  /**
   * The folder to resume in: the one the journal names. When it is not open the user is told so and
   * chooses: adding it to the workspace resumes there once it is open, discarding ends the mission.
   */
  const resumeIn = async (
    goal: string,
    opts: { resumeId: string; directory?: string },
  ): Promise<vscode.WorkspaceFolder | undefined> => {
    const open = vscode.workspace.workspaceFolders ?? []
    const place = await resumeFolder({
      folders: open.map(folderChoice),
      last: context.workspaceState.get<string>(LAST_FOLDER_KEY),
      journaled: opts.directory,
      onDisk: (path) => statSync(path, { throwIfNoEntry: false })?.isDirectory() === true,
      canAddFolders: vscode.workspace.workspaceFile !== undefined,
      ask: (message, choices) => toast.warning(message, ...choices),
    })
    if (place.kind === 'resume') return open.find((f) => f.uri.toString() === place.folder.uri)
    if (place.kind === 'discard') await missions.discard(opts.resumeId)
    if (place.kind === 'addFolder') {
      // Added at the end: the first folder stays, so this extension host keeps running.
      await new Promise<void>((resolve) => {
        const sub = vscode.workspace.onDidChangeWorkspaceFolders(() => {
          sub.dispose()
          resolve()
        })
        if (!vscode.workspace.updateWorkspaceFolders(open.length, 0, { uri: vscode.Uri.file(place.path) })) {
          sub.dispose()
          resolve()
        }
      })
      if (vscode.workspace.workspaceFolders?.some((f) => f.uri.fsPath === place.path))
        void runMission(goal, opts)
      else void toast.error(`Could not add ${place.path} to the workspace.`)
    }
    return undefined
  }

  const runMission = async (
    goal: string,
    opts: {
      resumeId?: string
      directory?: string
      reveal?: boolean
      /** Told once whether the mission got under way (the dashboard's goal box waits for it). */
      answer?: (accepted: boolean, reason?: string) => void
    } = {},
  ) => {
    let answered = false
    const answer = (accepted: boolean, reason?: string) => {
      if (!answered) opts.answer?.(accepted, reason)
      answered = true
    }
    if (!vscode.workspace.isTrusted) {
      answer(false, UNTRUSTED)
      return void toast.warning(UNTRUSTED)
    }
    if (!vscode.workspace.workspaceFolders?.length) {
      answer(false, 'Open a folder first: missions work on a workspace folder.')
      return void toast.warning('Open a folder first: missions work on a workspace folder.')
    }
    if (refusedWhileRunning(missions)) return answer(false, 'A mission is already under way.')
    const { resumeId } = opts
    const folder = resumeId !== undefined ? await resumeIn(goal, { ...opts, resumeId }) : await chooseFolder()
    // The pick was dismissed, or the resume goes elsewhere.
    if (!folder) return answer(false, 'No folder was picked: the mission did not start.')
    // After the pick: moving the focus earlier would close the quick pick.
    if (opts.reveal) void vscode.commands.executeCommand(`${Views.dashboard}.focus`)
    // Under way once its state exists (the server ready, the mission in place).
    const off = missions.starts.on((starting) => {
      if (starting === undefined && missions.current && !isTerminal(missions.current.phase)) answer(true)
    })
    missions
      .start(goal, folder, opts.resumeId)
      .finally(off)
      .then(
        // Changes left for the user need them, dashboard or not: their toast stands in for the end's.
        async (s) => {
          if (!(await changesActions.ended(s, allowed('needsYou')))) notifyMissionEnd(s, allowed('end'))
        },
        (err: unknown) => {
          const message = errorMessage(err)
          answer(false, `Mission not started: ${message}`)
          log.for('mission').error(`mission did not start: ${message}`)
          const actions = fixActions(err)
          void toast.error(`Mission not started: ${message}`, ...actions.keys()).then((c) => {
            const command = c && actions.get(c)
            if (command) void vscode.commands.executeCommand(command)
          })
        },
      )
  }

  // Missions at hand besides the one on screen: the interrupted one, the list, the last one ended.
  const atHand = new MissionsAtHand(missions, {
    run: runMission,
    render: () => render(),
    log: log.for('history'),
    offerChanges: (s) => changesActions.ended(s, false),
  })

  const reply = (requestId: string, answer: 'once' | 'always' | 'reject') =>
    missions.replyPermission(requestId, answer).catch((err: unknown) => {
      void toast.error(`Permission reply failed: ${(err as Error).message}`)
    })

  const baseline = {
    onChange: (listener: (s: MissionState) => void) => missions.changes.on(listener),
    current: () => missions.current,
    answer: (answer: BaselineAnswer) => missions.answerBaseline(answer),
    toastAllowed: () => allowed('needsYou'),
    log: log.for('mission'),
  }
  const inspect = registerInspect(store, { missions, server: srv, log: log.for('inspect') })
  const act = registerAct(store, { missions, log: log.for('act') })
  const changesActions = registerChanges(store, { missions, changes, log: log.for('changes') })
  const dashboardLog = log.for('dashboard')
  const logRefusal = (refusal: Refusal | undefined) => void (refusal && dashboardLog.info(refusal.refused))
  // What the dashboard shows, and the timeline's tab too.
  const snapshot = () =>
    buildSnapshot(
      srv.state,
      missions.current,
      blocked(),
      missions.folder,
      changes.of(missions.current?.id)?.view,
      {
        ...(missions.starting && { starting: missions.starting }),
        ...(missions.runsIn !== undefined && { runsIn: missions.runsIn }),
        ...atHand.view,
      },
    )
  const timeline = registerTimeline(store, {
    extensionUri: context.extensionUri,
    snapshot,
    mission: () => missions.current,
    log: log.for('timeline'),
  })
  const dashboard = store.add(
    new DashboardView(
      context.extensionUri,
      {
        snapshot,
        startMission: (goal, requestId) =>
          void runMission(goal, {
            ...(requestId !== undefined && {
              answer: (accepted, reason) => dashboard.answerStart(requestId, accepted, reason),
            }),
          }),
        stopMission: () => void missions.stop(),
        // A view a step behind (Pause clicked twice, say) is refused in the log, not in a toast.
        pauseMission: () => logRefusal(missions.pause()),
        resumeMission: () => logRefusal(missions.resume()),
        keepWaiting: () => missions.keepWaiting(),
        answerBaseline: (answer) => void missions.answerBaseline(answer).then(logRefusal),
        askCheckCommand: () => void answerBaselineChoice(baseline, 'changeCheck'),
        replyPermission: reply,
        openTranscript: inspect.openTranscript,
        openDiff: inspect.openDiff,
        cancelTodo: act.cancelTodo,
        retryTodo: act.retryTodo,
        steerAgent: act.steerAgent,
        actOnChanges: changesActions.act,
        mergeChange: changesActions.merge,
        openWalkthrough: () =>
          void vscode.commands.executeCommand('workbench.action.openWalkthrough', WALKTHROUGH_ID, false),
        openMission: (id) => void atHand.open(id),
        reviewMissionChanges: () => void vscode.commands.executeCommand(Commands.reviewMissionChanges),
        openTimeline: () => void vscode.commands.executeCommand(Commands.openTimeline),
        resumeInterrupted: (id) => void atHand.resume(id),
        discardInterrupted: (id) => void atHand.discard(id),
      },
      dashboardLog,
    ),
  )
  store.add(vscode.window.registerWebviewViewProvider(DashboardView.viewType, dashboard))
  const render = () => {
    statusBar.render(missions.current, srv.state)
    dashboard.changed()
    timeline.changed()
    dashboard.badge(
      viewBadge(missions.current, {
        changesPending: changes.of(missions.current?.id)?.view.status === 'pending',
        interrupted: atHand.waiting,
      }),
    )
  }
  store.add(toDisposable(missions.changes.on(render)))
  store.add(toDisposable(missions.cleared.on(render)))
  // The list changes when a mission starts (a new journal) and when it ends (its summary).
  let listedPhase: string | undefined
  store.add(
    toDisposable(
      missions.changes.on((s) => {
        const key = `${s.id}:${isTerminal(s.phase) ? 'end' : 'run'}`
        if (key !== listedPhase) void atHand.refresh()
        listedPhase = key
      }),
    ),
  )
  store.add(toDisposable(missions.starts.on(render)))
  store.add(toDisposable(changes.changes.on(render)))
  // Each permission ask gets one toast: agents that wait on the user must not wait unseen.
  const announced = new Set<string>()
  store.add(
    toDisposable(
      missions.changes.on((s) => {
        // A mission another process runs asks there (OpenCode's TUI, the CLI's terminal).
        if (missions.runsIn !== undefined) return
        for (const ask of s.inbox)
          if (!announced.has(ask.requestId)) {
            announced.add(ask.requestId)
            if (allowed('needsYou')) notifyPermission(ask, (id, answer) => void reply(id, answer))
          }
      }),
    ),
  )
  // Each "keep waiting?" question gets one toast; a late answer to a withdrawn one does nothing.
  let asked: string | undefined
  store.add(
    toDisposable(
      missions.changes.on((s) => {
        const ask = s.needsYou?.kind === 'stuck' && missions.runsIn === undefined ? s.needsYou : undefined
        const key = ask && `${ask.sessionId}@${ask.deadline}`
        if (!ask || key === asked) return
        asked = key
        // The dashboard asks too, so "none" can leave the toast out.
        if (!allowed('needsYou')) return
        notifyStuck(ask, (choice) => {
          const current = missions.current?.needsYou
          if (current?.kind !== 'stuck' || current.deadline !== ask.deadline) return
          if (choice === 'keep') missions.keepWaiting()
          else void missions.stop()
        })
      }),
    ),
  )
  store.add(watchBaselineQuestion(baseline))
  // A provider stuck in retry or a stalled agent: one toast per episode. A stall shows no event, so
  // a timer looks while a mission runs (and only then).
  const noticed = new Set<string>()
  const lookForTrouble = () => {
    const s = missions.current
    if (!s || isTerminal(s.phase) || missions.runsIn !== undefined) return
    for (const n of needsYouNotices(s, Date.now()))
      if (!noticed.has(n.key)) {
        noticed.add(n.key)
        if (allowed('needsYou')) notifyNeedsYou(n.message)
      }
  }
  store.add(toDisposable(everyWhileRunning(missions, lookForTrouble, 15_000)))
  store.add(toDisposable(srv.changes.on(render)))
  store.add(vscode.workspace.onDidGrantWorkspaceTrust(render))
  store.add(logSettingChanges(settingKeys(context.extension.packageJSON), log.for('settings')))
  registerCommands(store, { missions, server: srv, log, secrets: context.secrets, runMission })
  registerPluginCommands(store, { extensionUri: context.extensionUri, log: log.for('plugin') })
  registerInstallOpencode(store, { storageDir: context.globalStorageUri.fsPath, log: log.for('opencode') })
  registerDemo(store, {
    extensionUri: context.extensionUri,
    storageDir: context.globalStorageUri.fsPath,
    log: log.for('demo'),
  })
  // A window opens: the interrupted mission is offered (a toast, and the dashboard until it is
  // resumed or discarded); else the newest mission that ended here is on screen again.
  // Missions `/task` or the CLI run in the workspace's folders are followed live while none runs here.
  const follower = store.add(new MissionFollower(missions, log.for('follow')))
  const atStart = () => {
    if (!vscode.workspace.isTrusted) return
    void atHand.atStart()
    follower.start()
  }
  atStart()
  store.add(vscode.workspace.onDidChangeWorkspaceFolders(() => follower.start()))
  store.add(vscode.workspace.onDidGrantWorkspaceTrust(atStart))
  store.add(
    vscode.commands.registerCommand(Commands.reviewMissionChanges, async () => {
      const m = missions.current
      const dir = missions.directory
      if (!m || !dir) return void toast.info('No mission to review yet.')
      if (m.isolation?.mode === 'worktree')
        return void vscode.commands.executeCommand(Commands.reviewPendingChanges)
      if (missions.running)
        return void toast.info(
          "The mission is still working: review its changes once it ends (a todo's files: its diff on the dashboard).",
        )
      await reviewSharedChanges(m, dir)
    }),
  )
  store.add(
    vscode.commands.registerCommand(Commands.resumeInterruptedMission, async () => {
      const found = await missions.interrupted().catch(() => undefined)
      if (!found || missions.running)
        return void toast.info(
          missions.running
            ? 'A mission is running: stop it before resuming another.'
            : 'No mission was interrupted in this workspace.',
        )
      await atHand.resume(found.id)
    }),
  )
}

const FIX_BUTTONS: Record<PreflightFix, [string, string]> = {
  installPlugin: ['Install Companion Plugin', Commands.installPlugin],
  chooseModels: ['Choose Models…', Commands.chooseModels],
  attachServer: ['Attach to Server…', Commands.attachServer],
  showLogs: ['Show Logs', Commands.showLogs],
}

/** The buttons of a failed start: the fix of each preflight problem (or the OpenCode install), then Show Logs. */
function fixActions(err: unknown): Map<string, string> {
  const fixes = PreflightError.is(err) ? err.report.problems.flatMap((p) => (p.fix ? [p.fix] : [])) : []
  const install: [string, string][] = OpencodeVersionError.is(err)
    ? [['Install OpenCode 1.x', Commands.installOpencode]]
    : []
  return new Map([...install, ...[...fixes, 'showLogs' as const].map((f) => FIX_BUTTONS[f])])
}

/** Ends the server's whole process group before the extension host goes away. */
export async function deactivate(): Promise<void> {
  const s = server
  root?.dispose()
  root = undefined
  server = undefined
  await s?.stop()
}
