import * as vscode from 'vscode'
import type { MissionState } from '../engine/record/mission-state'
import { Commands, STATUS_BAR_ID } from '../shared/constants'
import type { ServerState } from './server-controller'
import { missionStatusText } from './status-text'

/** One status bar item rendered from the mission and server state; a click opens the dashboard. */
export class StatusBar implements vscode.Disposable {
  readonly #item = vscode.window.createStatusBarItem(STATUS_BAR_ID, vscode.StatusBarAlignment.Left, 100)

  constructor() {
    this.#item.name = 'Orchestrator'
    this.#item.command = Commands.showDashboard
    this.render(undefined, { status: 'stopped' })
    this.#item.show()
  }

  /** Called on every mission change; the item is only written when what it shows changes. */
  render(mission: MissionState | undefined, server: ServerState): void {
    const { text, tooltip } = mission ? missionStatusText(mission) : serverLabel(server)
    // Every write of a status bar item is a message to the workbench, changed or not.
    if (this.#item.text !== text) this.#item.text = text
    if (this.#item.tooltip !== tooltip) this.#item.tooltip = tooltip
  }

  dispose(): void {
    this.#item.dispose()
  }
}

function serverLabel(server: ServerState): { text: string; tooltip: string } {
  const idle =
    server.status === 'starting' ? '$(loading~spin) Orchestrator: starting server' : '$(hubot) Orchestrator'
  return {
    text: server.status === 'failed' ? '$(error) Orchestrator: server failed' : idle,
    tooltip: server.error ?? 'Open the Orchestrator dashboard',
  }
}
