import * as vscode from 'vscode'
import type { MissionState } from '../engine/mission-state'
import { Commands, STATUS_BAR_ID } from '../shared/constants'
import type { ServerState } from './server-controller'

const PHASE_ICON: Record<MissionState['phase'], string> = {
  starting: '$(loading~spin)',
  planning: '$(loading~spin)',
  working: '$(loading~spin)',
  checking: '$(loading~spin)',
  completed: '$(pass)',
  failed: '$(error)',
  stopped: '$(debug-stop)',
}

/** One status bar item rendered from the mission and server state; a click opens the dashboard. */
export class StatusBar implements vscode.Disposable {
  readonly #item = vscode.window.createStatusBarItem(STATUS_BAR_ID, vscode.StatusBarAlignment.Left, 100)

  constructor() {
    this.#item.name = 'Orchestrator'
    this.#item.command = Commands.showDashboard
    this.render(undefined, { status: 'stopped' })
    this.#item.show()
  }

  render(mission: MissionState | undefined, server: ServerState): void {
    if (!mission) {
      const idle =
        server.status === 'starting'
          ? '$(loading~spin) Orchestrator: starting server'
          : '$(hubot) Orchestrator'
      this.#item.text = server.status === 'failed' ? '$(error) Orchestrator: server failed' : idle
      this.#item.tooltip = server.error ?? 'Open the Orchestrator dashboard'
      return
    }
    const passed = mission.todos.filter((t) => t.status === 'passed').length
    const progress = mission.todos.length ? ` ${passed}/${mission.todos.length}` : ''
    this.#item.text = `${PHASE_ICON[mission.phase]} Orchestrator: ${mission.phase}${progress}`
    const waiting = mission.inbox.length ? `\n${mission.inbox.length} permission request(s) waiting` : ''
    this.#item.tooltip = `${mission.goal}${mission.reason ? `\n${mission.reason}` : ''}${waiting}`
  }

  dispose(): void {
    this.#item.dispose()
  }
}
