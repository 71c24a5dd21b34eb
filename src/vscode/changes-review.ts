// Review Changes: the mission's changes by todo and by file in a quick pick that stays open while the
// user looks. Picking a file opens its diff (the mission's base against its branch); each file's
// button applies it to the folder, naming the folder and branch; the title bar applies the rest or
// opens every file in one diff editor. After the last file the branch goes (MissionChanges does that).

import * as vscode from 'vscode'
import { applyLabel, filesWord, outcomeWords, remaining, targetName } from '../shared/changes-words'
import type { ChangesView } from '../shared/protocol'
import { reviewRows } from './changes-words'
import type { MissionChanges, MissionChangeSet } from './mission-changes'

export interface ReviewDeps {
  changes: MissionChanges
  set: MissionChangeSet
  /** Opens one file's diff, leaving the focus in the review. */
  openDiff(path: string): Promise<void>
  /** Opens every changed file in one diff editor. */
  openAll(): Promise<void>
  merge(path: string): Promise<void>
  /** Says how the changes ended up, once the review has nothing left to apply. */
  tell(view: ChangesView): void
}

type FileItem = vscode.QuickPickItem & { path?: string; action?: 'apply' | 'merge' }

/** Resolves when the review closes. */
export function reviewChanges(deps: ReviewDeps): Promise<void> {
  const { changes, set } = deps
  const qp = vscode.window.createQuickPick<FileItem>()
  qp.ignoreFocusOut = true
  qp.matchOnDescription = true
  qp.keepScrollPosition = true
  const applyAll: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('check-all'), tooltip: '' }
  const openAll: vscode.QuickInputButton = {
    iconPath: new vscode.ThemeIcon('diff-multiple'),
    tooltip: 'Open every changed file in one diff editor',
  }

  const render = (view: ChangesView) => {
    const target = targetName(view.target)
    qp.title = `Review Changes: ${view.branch} → ${target}`
    qp.placeholder = `${outcomeWords(view)} Pick a file to see its diff.`
    const left = remaining(view).length
    qp.buttons =
      view.status === 'pending' && left > 0
        ? [{ ...applyAll, tooltip: `${applyLabel(view.target)}: the ${filesWord(left)} left` }, openAll]
        : [openAll]
    const active = qp.activeItems[0]?.path
    qp.items = reviewRows(set.todos, view).map((r): FileItem =>
      r.kind === 'todo'
        ? { label: r.label, kind: vscode.QuickPickItemKind.Separator }
        : {
            label: r.label,
            description: r.description,
            path: r.path,
            ...(r.button && {
              action: r.button.action,
              buttons: [
                {
                  iconPath: new vscode.ThemeIcon(r.button.action === 'apply' ? 'check' : 'git-merge'),
                  tooltip: r.button.tooltip,
                },
              ],
            }),
          },
    )
    const again = qp.items.find((i) => i.path !== undefined && i.path === active)
    if (again) qp.activeItems = [again]
  }

  /** After an apply: the view again, or, with nothing left to apply, the outcome and the end of the review. */
  const applied = (view: ChangesView | undefined) => {
    if (!view) return
    if (view.error || view.status !== 'pending') {
      qp.hide()
      deps.tell(view)
      return
    }
    render(view)
  }

  const offChanges = changes.changes.on((view) => {
    if (changes.of(set.missionId) === set) render(view)
  })
  qp.onDidAccept(() => {
    const path = qp.activeItems[0]?.path
    if (path !== undefined) void deps.openDiff(path)
  })
  qp.onDidTriggerItemButton(({ item }) => {
    if (item.path === undefined) return
    if (item.action === 'merge') void deps.merge(item.path)
    else void changes.apply([item.path]).then(applied)
  })
  qp.onDidTriggerButton((button) => {
    if (button === openAll) void deps.openAll()
    else void changes.apply().then(applied)
  })
  render(set.view)
  qp.show()
  return new Promise((resolve) => {
    qp.onDidHide(() => {
      offChanges()
      qp.dispose()
      resolve()
    })
  })
}
