import * as vscode from 'vscode'
import type { Logger } from '../engine/ports'
import { Commands, ContextKeys, Views } from '../shared/constants'
import type { DashboardSnapshot } from '../shared/protocol'
import type { DisposableStore } from './disposable'
import { TimelinePanel } from './timeline-panel'
import { timelineTitle } from './timeline-title'
import { toast } from './toast'

export interface TimelineDeps {
  extensionUri: vscode.Uri
  /** The dashboard's state, which the tab shows the timeline of. */
  snapshot: () => DashboardSnapshot
  /** The mission on screen (running, or the last one as it ended), if any. */
  mission: () => { goal: string; title?: string } | undefined
  log: Logger
}

/**
 * "Orchestrator: Open Timeline" and its editor tab. The palette offers it while a mission is on
 * screen (`orchestrator.missionShown`); run without one (from a keybinding, say) it says so. A tab
 * left open comes back after a window reload.
 * @returns `changed`, to be told of every change the dashboard is told of.
 */
export function registerTimeline(store: DisposableStore, deps: TimelineDeps): { changed(): void } {
  const panel = store.add(
    new TimelinePanel({
      extensionUri: deps.extensionUri,
      state: deps.snapshot,
      title: () => timelineTitle(deps.mission()),
      log: deps.log,
    }),
  )
  store.add(
    vscode.commands.registerCommand(Commands.openTimeline, () => {
      if (!deps.mission()) return void toast.info('No mission to show yet.')
      panel.show()
    }),
  )
  // A tab left open comes back after a window reload, showing the mission then on screen.
  store.add(
    vscode.window.registerWebviewPanelSerializer(Views.timeline, {
      deserializeWebviewPanel: (restored) => Promise.resolve(panel.adopt(restored)),
    }),
  )
  let shown: boolean | undefined
  return {
    changed() {
      const has = deps.mission() !== undefined
      if (has !== shown)
        void vscode.commands.executeCommand('setContext', ContextKeys.missionShown, (shown = has))
      panel.changed()
    },
  }
}
