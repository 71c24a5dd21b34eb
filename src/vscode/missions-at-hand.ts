// The missions of the workspace the dashboard keeps at hand besides the one on screen: the
// interrupted one (offered in a toast when the window opens, and on the dashboard until it is resumed
// or discarded), the list read from the journals, and, when a window opens with nothing to resume,
// the newest mission that ended here, on screen again as it ended.

import { join, resolve } from 'node:path'
import * as vscode from 'vscode'
import type { MissionState } from '../engine/record/mission-state'
import type { Logger } from '../engine/ports'
import type { InterruptedMission } from '../node/interrupted-missions'
import { MissionHistory, type HistoryItem } from '../node/mission-history'
import type { DashboardSnapshot, MissionListItem } from '../shared/protocol'
import { lastFinishedMission } from './last-mission'
import type { MissionController } from './mission-controller'
import { missionList } from './mission-list'
import { finishedIn } from './pending-changes'
import { toast } from './toast'

/** Runs (here: resumes) a mission; `answer` is told once whether it got under way. */
export type RunMission = (
  goal: string,
  opts: { resumeId: string; directory?: string; answer?: (accepted: boolean) => void },
) => Promise<void>

export class MissionsAtHand {
  #interrupted: InterruptedMission | undefined
  #items: MissionListItem[] = []
  /** The journals as the last refresh read them, newest first. */
  #journals: HistoryItem[] = []
  readonly #history: MissionHistory

  constructor(
    private readonly missions: MissionController,
    private readonly deps: {
      run: RunMission
      render: () => void
      log: Logger
      /** Puts a mission's changes that wait for the user on the dashboard again (no toast). */
      offerChanges?: (state: MissionState) => Promise<unknown>
    },
  ) {
    this.#history = new MissionHistory(missions.journalDir, deps.log)
  }

  /** What the dashboard's snapshot carries of them. */
  get view(): Pick<DashboardSnapshot, 'interrupted' | 'missions'> {
    const interrupted = !this.missions.running ? this.#interrupted : undefined
    return {
      ...(interrupted && { interrupted }),
      ...(this.#items.length > 0 && { missions: this.#items }),
    }
  }

  /** An interrupted mission waits for the user (the view's badge counts it). */
  get waiting(): boolean {
    return this.#interrupted !== undefined && !this.missions.running
  }

  /**
   * A window opens (or the workspace becomes trusted): the interrupted mission is offered; else the
   * newest mission that ended here is on screen again.
   */
  async atStart(): Promise<void> {
    this.#interrupted = await this.missions.interrupted().catch(() => undefined)
    await this.refresh()
    const found = this.#interrupted
    if (found) return this.#offer(found)
    await this.#showLast()
  }

  /** Reads the list again from the journals (a mission started or ended, one was discarded). */
  async refresh(): Promise<void> {
    const items = await this.#history.list().catch(() => [])
    this.#journals = items
    const current = this.missions.current
    this.#items = missionList(items, {
      ...(this.missions.running && current && { running: current.id }),
      ...(this.#interrupted && { interrupted: this.#interrupted.id }),
    })
    this.deps.render()
  }

  /** Resumes the interrupted mission `id` (looked up again first); refused, it is offered again. */
  async resume(id: string): Promise<void> {
    const found = await this.missions.interrupted().catch(() => undefined)
    if (found?.id !== id) {
      this.#interrupted = found
      this.deps.render()
      return void toast.info('That mission is no longer interrupted.')
    }
    this.#interrupted = undefined
    this.deps.render()
    await this.deps.run(found.goal, {
      resumeId: found.id,
      ...(found.directory !== undefined && { directory: found.directory }),
      answer: (accepted) => {
        if (accepted) return
        this.#interrupted = found
        void this.refresh()
      },
    })
  }

  /** Marks the interrupted mission `id` stopped: it is offered no more. */
  async discard(id: string): Promise<void> {
    if (this.#interrupted?.id === id) this.#interrupted = undefined
    await this.missions.discard(id)
    await this.refresh()
  }

  /** Shows a finished mission of the list on the dashboard, as its journal ended it. */
  async open(id: string): Promise<void> {
    if (this.missions.running)
      return void toast.info(
        'A mission is running: earlier ones can be opened once it ends (their reports: Orchestrator: Show History).',
      )
    const interrupted = this.#interrupted
    if (id === interrupted?.id)
      return void toast.info(
        `"${interrupted.goal}" was interrupted: resume or discard it from the dashboard.`,
      )
    const folders = vscode.workspace.workspaceFolders ?? []
    const found = await finishedIn(
      join(this.missions.journalDir, `${id}.jsonl`),
      id,
      new Set(folders.map((f) => resolve(f.uri.fsPath))),
    ).catch(() => undefined)
    const folder = found && folders.find((f) => resolve(f.uri.fsPath) === resolve(found.directory))
    if (!found || !folder)
      return void toast.info(
        'That mission did not end in a folder open in this window: its report is in Orchestrator: Show History.',
      )
    // Its changes, when they still wait on their branch, come back with it: the row said it waits for you.
    if (this.missions.restore(found.state, folder) && found.state.isolation?.closed?.pending)
      await this.deps
        .offerChanges?.(found.state)
        .catch((err: unknown) =>
          this.deps.log.warn(`the changes of mission ${id} were not offered again: ${String(err)}`),
        )
  }

  async #offer(found: InterruptedMission): Promise<void> {
    const choice = await toast.info(`A mission was interrupted: ${found.goal}`, 'Resume', 'Discard')
    if (choice === 'Resume') await this.resume(found.id)
    else if (choice === 'Discard') await this.discard(found.id)
  }

  async #showLast(): Promise<void> {
    const folders = vscode.workspace.workspaceFolders ?? []
    const found = await lastFinishedMission(
      this.missions.journalDir,
      this.#journals,
      folders.map((f) => f.uri.fsPath),
      this.deps.log,
    )
    const folder = found && folders.find((f) => resolve(f.uri.fsPath) === resolve(found.directory))
    // Changes waiting for the user may have put their mission on screen meanwhile: that one stays.
    if (found && folder && !this.missions.current) this.missions.restore(found.state, folder)
  }
}
