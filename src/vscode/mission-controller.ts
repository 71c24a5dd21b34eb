import { randomUUID } from 'node:crypto'
import { join } from 'node:path'
import * as vscode from 'vscode'
import { Emitter } from '../engine/emitter'
import { Mission } from '../engine/mission'
import { isTerminal, type MissionState } from '../engine/mission-state'
import { systemClock, type Logger } from '../engine/ports'
import { ContextKeys } from '../shared/constants'
import { JournalFile } from '../node/journal-file'
import { NodeWorkspace } from '../node/workspace'
import { missionSettings } from './config'
import type { ServerController } from './server-controller'

/** Starts and stops missions in the workspace and publishes their state; one mission at a time. */
export class MissionController implements vscode.Disposable {
  #mission: Mission | undefined
  readonly changes = new Emitter<MissionState>()

  constructor(
    private readonly server: ServerController,
    /** The extension's storage folder: journals live there, one file per mission. */
    private readonly storageDir: string,
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
    const dir = folder.uri.fsPath
    const connection = await this.server.ensure(dir)
    this.#mission?.dispose()
    const id = randomUUID()
    const mission = new Mission(
      {
        sessions: connection,
        events: connection,
        workspace: new NodeWorkspace(dir),
        journal: new JournalFile(join(this.storageDir, 'missions', `${id}.jsonl`)),
        clock: systemClock,
        logger: this.log,
      },
      { id, goal: trimmed, ...missionSettings() },
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

  pause(): void {
    this.#mission?.pause()
  }

  resume(): void {
    this.#mission?.resume()
  }

  replyPermission(requestId: string, reply: 'once' | 'always' | 'reject'): Promise<void> {
    if (!this.#mission) return Promise.reject(new Error('no mission'))
    return this.#mission.replyPermission(requestId, reply)
  }

  dispose(): void {
    void this.#mission?.stop()
    this.#mission?.dispose()
    this.changes.clear()
  }
}
