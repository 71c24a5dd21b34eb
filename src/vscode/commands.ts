import * as vscode from 'vscode'
import { Commands, Views } from '../shared/constants'
import type { DisposableStore } from './disposable'
import { errorMessage } from '../engine/util/error-message'
import { OpencodeVersionError } from '../opencode/binary-version'
import { attachServer } from './attach-server'
import { chooseModels } from './choose-models'
import { refusedWhileRunning } from './second-mission'
import type { Log } from './log'
import type { MissionController } from './mission-controller'
import type { ServerController } from './server-controller'
import { toast } from './toast'

export interface CommandDeps {
  missions: MissionController
  server: ServerController
  log: Log
  secrets: vscode.SecretStorage
  /** Runs a mission (asking for its folder when there are several) and reports its end; errors become messages. */
  runMission(goal: string, opts: { reveal: boolean }): Promise<void>
}

export function registerCommands(store: DisposableStore, deps: CommandDeps): void {
  const register = (id: string, fn: () => unknown) => store.add(vscode.commands.registerCommand(id, fn))

  register(Commands.runTask, async () => {
    // Refused before the goal is asked for: one mission at a time.
    if (refusedWhileRunning(deps.missions)) return
    const goal = await vscode.window.showInputBox({
      title: 'Orchestrator: Run Task',
      prompt: 'What should the agents do?',
      placeHolder: 'e.g. Add input validation to the signup form and test it',
      ignoreFocusOut: true,
    })
    if (goal === undefined) return // cancelled
    if (goal.trim() === '') {
      void toast.warning('No mission started: the goal was empty.')
      return
    }
    // The dashboard comes into view: a mission started from the palette is watched there.
    await deps.runMission(goal, { reveal: true })
  })
  register(Commands.stopMission, () => deps.missions.stop())
  const refusedIf = (refusal: { refused: string } | undefined) => {
    if (refusal) void toast.info(refusal.refused)
  }
  register(Commands.pauseMission, () => refusedIf(deps.missions.pause()))
  register(Commands.resumeMission, () => refusedIf(deps.missions.resume()))
  register(Commands.showDashboard, () => vscode.commands.executeCommand(`${Views.dashboard}.focus`))
  register(Commands.showLogs, () => deps.log.channel.show())
  const failed = (what: string) => (err: unknown) =>
    void toast.error(`${what}: ${errorMessage(err)}`, 'Show Logs').then((c) => {
      if (c) void vscode.commands.executeCommand(Commands.showLogs)
    })
  register(Commands.chooseModels, () => chooseModels(deps.server).catch(failed('Could not list the models')))
  register(Commands.attachServer, () =>
    attachServer(deps.server, deps.secrets).catch(failed('Could not attach to the server')),
  )
  register(Commands.restartServer, async () => {
    const folder = vscode.workspace.workspaceFolders?.[0]
    if (!folder) return void toast.warning('Open a folder first.')
    if (deps.missions.running) return void toast.warning('Stop the running mission first.')
    try {
      await deps.server.restart(folder.uri.fsPath)
    } catch (err) {
      const install = OpencodeVersionError.is(err) ? ['Install OpenCode 1.x'] : []
      void toast
        .error(`OpenCode server failed to start: ${(err as Error).message}`, ...install)
        .then((c) => c && vscode.commands.executeCommand(Commands.installOpencode))
    }
  })
}
