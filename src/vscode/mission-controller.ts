import { randomUUID } from 'node:crypto'
import * as vscode from 'vscode'
import { Emitter } from '../engine/emitter'
import { Mission } from '../engine/mission'
import { isTerminal, type MissionState } from '../engine/mission-state'
import { systemClock, type Logger } from '../engine/ports'
import { ContextKeys } from '../shared/constants'
import type { ServerController } from './server-controller'

/** Starts and stops missions in the workspace and publishes their state; one mission at a time. */
export class MissionController implements vscode.Disposable {
  #mission: Mission | undefined
  readonly changes = new Emitter<MissionState>()

  constructor(
    private readonly server: ServerController,
    private readonly log: Logger,
  ) {}

  get current(): MissionState | undefined {
    return this.#mission?.state
  }

  get running(): boolean {
    const s = this.#mission?.state
    return s !== undefined && !isTerminal(s.phase)
  }

  /** Starts a mission; resolves with its final state. Throws a user-facing error when it cannot start. */
  async start(goal: string): Promise<MissionState> {
    const trimmed = goal.trim()
    if (!trimmed) throw new Error('Type a goal for the mission.')
    if (this.running) throw new Error('A mission is already running. Stop it first.')
    const folder = vscode.workspace.workspaceFolders?.[0]
    if (!folder) throw new Error('Open a folder first: missions work on a workspace folder.')
    const connection = await this.server.ensure(folder.uri.fsPath)
    this.#mission?.dispose()
    const mission = new Mission(
      { sessions: connection.sessions, events: connection.events, clock: systemClock, logger: this.log },
      { id: randomUUID(), goal: trimmed },
    )
    this.#mission = mission
    mission.onChange((s) => this.changes.emit(s))
    void vscode.commands.executeCommand('setContext', ContextKeys.missionRunning, true)
    const final = await mission.run()
    void vscode.commands.executeCommand('setContext', ContextKeys.missionRunning, false)
    return final
  }

  async stop(): Promise<void> {
    await this.#mission?.stop()
  }

  dispose(): void {
    void this.#mission?.stop()
    this.#mission?.dispose()
    this.changes.clear()
  }
}
