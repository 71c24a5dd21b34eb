// Review Mission Changes for a mission that worked in the shared folder: every file that differs
// from the mission's base, by todo, with its lines added and removed. Picking a file opens its diff
// (the mission's start against now); each file's button puts it back as it was at the start, and the
// title bar puts back every file. Nothing is put back without a confirmation naming what goes.

import * as vscode from 'vscode'
import type { WorkspaceBase } from '../engine/ports'
import type { MissionState } from '../engine/record/mission-state'
import { errorMessage } from '../engine/util/error-message'
import { changesSinceBase, undoToBase, type BaseChange } from '../node/git-base'
import { openBaseDiff } from './base-diff'
import { sharedRows } from './shared-changes-rows'
import { toast } from './toast'

type Item = vscode.QuickPickItem & { path?: string }
type GitBase = Extract<WorkspaceBase, { kind: 'git' }>

/** Resolves when the review closes. */
export async function reviewSharedChanges(mission: MissionState, dir: string): Promise<void> {
  const base = mission.base
  if (base?.kind !== 'git')
    return void toast.info(`No changes to review: ${base ? base.reason : 'the mission recorded no base'}.`)
  const qp = vscode.window.createQuickPick<Item>()
  qp.ignoreFocusOut = true
  qp.matchOnDescription = true
  qp.keepScrollPosition = true
  qp.title = `Mission changes in ${dir}`
  const undoAll: vscode.QuickInputButton = {
    iconPath: new vscode.ThemeIcon('discard'),
    tooltip: 'Undo every change: put each file back as it was when the mission started',
  }
  const undoOne = { iconPath: new vscode.ThemeIcon('discard'), tooltip: 'Undo: put this file back as it was' }
  let changes: BaseChange[] = []

  const load = async () => {
    qp.busy = true
    try {
      changes = await changesSinceBase(dir, base)
    } catch (err) {
      void toast.error(`The mission's changes could not be read: ${errorMessage(err)}`)
      changes = []
    }
    qp.busy = false
    const active = qp.activeItems[0]?.path
    qp.placeholder = changes.length
      ? `${changes.length} ${changes.length === 1 ? 'file differs' : 'files differ'} from the mission's start. Pick one to see its diff.`
      : 'Every file is as it was when the mission started.'
    qp.buttons = changes.length ? [undoAll] : []
    qp.items = sharedRows(changes, mission.todos).map((r): Item =>
      r.kind === 'group'
        ? { label: r.label, kind: vscode.QuickPickItemKind.Separator }
        : { label: r.label, description: r.description, path: r.path, buttons: [undoOne] },
    )
    const again = qp.items.find((i) => i.path !== undefined && i.path === active)
    if (again) qp.activeItems = [again]
  }

  const undo = async (paths: string[]) => {
    const what = paths.length === 1 ? paths[0] : `all ${paths.length} files`
    const sure = await toast.warning(
      `Undo ${what}? It goes back to how it was when the mission started; later edits to it are lost.`,
      { modal: true },
      'Undo',
    )
    if (sure !== 'Undo') return
    const failed: string[] = []
    for (const path of paths)
      await undoToBase(dir, base as GitBase, path).catch((err: unknown) =>
        failed.push(`${path}: ${errorMessage(err)}`),
      )
    if (failed.length) void toast.error(`Not undone: ${failed.join('; ')}`)
    await load()
  }

  qp.onDidAccept(() => {
    const path = qp.activeItems[0]?.path
    if (path !== undefined) void openBaseDiff({ dir, path, base })
  })
  qp.onDidTriggerItemButton(({ item }) => {
    if (item.path !== undefined) void undo([item.path])
  })
  qp.onDidTriggerButton(() => void undo(changes.map((c) => c.path)))
  qp.show()
  await load()
  return new Promise((resolve) => {
    qp.onDidHide(() => {
      qp.dispose()
      resolve()
    })
  })
}
