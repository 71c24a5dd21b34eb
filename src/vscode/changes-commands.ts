// The user's side of worktree mode's end: the toast that offers a mission's changes (Apply, Review
// Changes, Keep Branch, Discard), what each choice does and says, the diff editors between the
// mission's base and its branch (Review Changes: see changes-review.ts), and the three-way merge of
// a file Apply left because the user changed it. The dashboard's `changes.act` and `changes.merge`
// intents land here too. Changes still waiting from an earlier window (a reload, a closed toast) are
// offered again the same way: when the extension starts, and from "Review Pending Changes".

import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import * as vscode from 'vscode'
import type { Logger } from '../engine/ports'
import type { MissionState } from '../engine/record/mission-state'
import { Commands, Schemes, Views } from '../shared/constants'
import type { ChangesAction, ChangesView } from '../shared/protocol'
import { baseUri } from './base-diff'
import { applyLabel, leftFiles, outcomeWords, targetName } from '../shared/changes-words'
import { changesToast } from './changes-words'
import { reviewChanges } from './changes-review'
import { getConfig } from './config'
import type { DisposableStore } from './disposable'
import { guardedBy } from './guarded'
import type { MissionChanges, MissionChangeSet } from './mission-changes'
import type { MissionController } from './mission-controller'
import { shouldNotify } from './notification-policy'
import { pendingMissions } from './pending-changes'
import { toast } from './toast'

export interface ChangesActions {
  /**
   * A mission ended: when it left its changes for the user, they are offered (a toast when `toast`,
   * and the dashboard). True when they were: the toast then stands in for the mission's end toast.
   */
  ended(final: MissionState, toast: boolean): Promise<boolean>
  act(action: ChangesAction): Promise<void>
  /** Opens the three-way merge of a file Apply left (a path from the repository's top). */
  merge(path: string): Promise<void>
}

type PendingOffer = { kind: 'offered' | 'none' } | { kind: 'running'; goal: string }

const BUTTONS = { review: 'Review Changes', keep: 'Keep Branch', discard: 'Discard' } as const

export function registerChanges(
  store: DisposableStore,
  deps: { missions: MissionController; changes: MissionChanges; log: Logger },
): ChangesActions {
  const { missions, changes, log } = deps
  const guarded = guardedBy(log)
  const snapshots = new SnapshotDocuments()
  store.add(vscode.workspace.registerTextDocumentContentProvider(Schemes.snapshot, snapshots))

  /** The changes of the mission on screen, or a message saying there are none. */
  const current = (): MissionChangeSet | undefined => {
    const set = changes.of(missions.current?.id)
    if (!set) void toast.info('The mission has no changes waiting for you.')
    return set
  }

  /** Says how an action ended; a partial apply offers the merge of what was left. */
  const tell = (view: ChangesView | undefined) => {
    if (!view) return
    if (view.error) return void toast.error(`The mission's changes: ${view.error}`)
    const words = outcomeWords(view)
    if (view.status !== 'partial') return void toast.info(words)
    const merge = 'Open Merge Editor'
    void toast.warning(words, merge, 'Discard Branch').then((c) => {
      if (c === merge) void pickMerge()
      else if (c === 'Discard Branch') void act('discard')
    })
  }

  const pickMerge = guarded('Merge', async () => {
    const set = current()
    const left = set ? leftFiles(set.view) : []
    const path =
      left.length > 1
        ? await vscode.window.showQuickPick(left, {
            title: 'Orchestrator: Merge a File You Changed',
            placeHolder: `Yours against the mission's version on ${set?.view.branch ?? ''}`,
          })
        : left[0]
    if (path) await merge(path)
  })

  const act = guarded('The mission’s changes', async (action: ChangesAction) => {
    const set = current()
    if (!set) return
    switch (action) {
      case 'apply':
        return tell(await changes.apply())
      case 'review':
        return review(set)
      case 'keep':
        return tell(await changes.keep())
      case 'discard': {
        const sure = await toast.warning(
          `Discard the mission's changes? ${set.view.branch} is removed with what it holds and was not applied.`,
          { modal: true },
          'Discard',
        )
        if (sure === 'Discard') tell(await changes.discard())
        return
      }
    }
  })

  /** Every changed file in one diff editor: the mission's base against its branch. */
  const openAll = async (set: MissionChangeSet) => {
    const list = set.view.files.flatMap((f) => {
      const uris = diffUris(set, f.path)
      return uris ? [[uris.file, uris.base, uris.mission]] : []
    })
    await vscode.commands.executeCommand('vscode.changes', `Mission changes on ${set.view.branch}`, list)
  }

  /** One file's diff, the mission's base against its branch; the review keeps the focus. */
  const openDiff = async (set: MissionChangeSet, path: string) => {
    const uris = diffUris(set, path)
    if (!uris) return void toast.warning(`${path} is outside ${set.view.target.folder}.`)
    await vscode.commands.executeCommand(
      'vscode.diff',
      uris.base,
      uris.mission,
      `${path} (mission start ↔ ${set.view.branch})`,
      { preview: true, preserveFocus: true },
    )
  }

  const review = (set: MissionChangeSet) =>
    reviewChanges({
      changes,
      set,
      openDiff: guarded('Open diff', (path: string) => openDiff(set, path)),
      openAll: guarded('Open diff', () => openAll(set)),
      merge: (path) => merge(path),
      tell,
    })

  const merge = guarded('Merge', async (path: string) => {
    const set = current()
    const left = set?.view.files.find((f) => f.path === path && f.fate === 'skipped')
    if (!set || !left) return void toast.warning(`${path} is not a file Apply left.`)
    const uris = diffUris(set, path)
    if (!uris) return void toast.warning(`${path} is outside ${set.view.target.folder}.`)
    if (!existsSync(uris.file.fsPath)) {
      void toast.warning(
        `You deleted ${path} since the mission started: here is the mission's version to take or leave.`,
      )
      return void (await vscode.commands.executeCommand(
        'vscode.diff',
        uris.base,
        uris.mission,
        `${path} (mission start ↔ ${set.view.branch})`,
      ))
    }
    const yours = snapshots.put(uris.rel, readFileSync(uris.file.fsPath, 'utf8'))
    try {
      await vscode.commands.executeCommand('_open.mergeEditor', {
        base: uris.base,
        input1: { uri: yours, title: 'Yours', description: targetName(set.view.target) },
        input2: { uri: uris.mission, title: 'Mission', description: set.view.branch },
        output: uris.file,
      })
    } catch (err) {
      // No merge editor in this build: the next best is a diff of the two versions.
      log.warn(`the merge editor did not open: ${String(err)}`)
      void toast.info(
        `The merge editor is not available here: showing your ${path} against the mission's version.`,
      )
      await vscode.commands.executeCommand(
        'vscode.diff',
        uris.file,
        uris.mission,
        `${path} (yours ↔ ${set.view.branch})`,
      )
    }
  })

  const ended = async (final: MissionState, toast: boolean): Promise<boolean> => {
    const dir = missions.directory
    const folder = missions.folder
    if (!dir || !folder) return false
    const set = await changes.ended(final, dir, folder)
    if (!set) return false
    if (toast) offer(final, set)
    return true
  }

  /** The toast of a mission's changes: Apply, Review Changes, Keep Branch, Discard. */
  const offer = (final: MissionState, set: MissionChangeSet) => {
    const { level, text } = changesToast(final, set.view)
    const apply = applyLabel(set.view.target)
    const items = [apply, BUTTONS.review, BUTTONS.keep, BUTTONS.discard]
    void toast[level](text, ...items).then((choice) => {
      // A toast answered after the mission was replaced does nothing.
      if (changes.of(missions.current?.id) !== set) return
      if (choice === apply) void act('apply')
      else if (choice === BUTTONS.review) void act('review')
      else if (choice === BUTTONS.keep) void act('keep')
      else if (choice === BUTTONS.discard) void act('discard')
    })
  }

  /**
   * Offers the changes that wait for the user again: those of the mission on screen, else those of the
   * newest mission of the workspace's folders whose branch is still there, brought back to the
   * dashboard from its journal as it ended. Says what it found.
   */
  const findPending = async (toast: boolean): Promise<PendingOffer> => {
    const onScreen = missions.current
    const shown = changes.of(onScreen?.id)
    if (onScreen && shown?.view.status === 'pending') {
      if (toast) offer(onScreen, shown)
      return { kind: 'offered' }
    }
    const folders = vscode.workspace.workspaceFolders ?? []
    const [found] = await pendingMissions(
      missions.journalDir,
      folders.map((f) => f.uri.fsPath),
      log,
      { limit: 1 },
    )
    const folder = found && folders.find((f) => resolve(f.uri.fsPath) === resolve(found.directory))
    if (!found || !folder) return { kind: 'none' }
    // The mission on screen stays as it is (with its agents); an earlier one comes back from its journal.
    const final = found.state.id === onScreen?.id ? onScreen : found.state
    if (final !== onScreen && !missions.restore(final, folder)) return { kind: 'running', goal: final.goal }
    log.info(`mission ${final.id} left changes that wait for the user: offered again`)
    return { kind: (await ended(final, toast)) ? 'offered' : 'none' }
  }
  // One look at a time: a second one (the command right after the start) finds the first's on screen.
  let looking: Promise<unknown> = Promise.resolve()
  const offerPending = (toast: boolean): Promise<PendingOffer> => {
    const next = looking.then(() => findPending(toast))
    looking = next.catch(() => undefined)
    return next
  }

  // When the extension starts (a reload, a new window) and when the workspace becomes trusted: git
  // runs in the folders only then.
  const offerAtStart = () => {
    if (!vscode.workspace.isTrusted) return
    const toast = shouldNotify('needsYou', getConfig('notifications'), false)
    offerPending(toast).catch((err: unknown) =>
      log.warn(`waiting changes were not looked for: ${String(err)}`),
    )
  }
  offerAtStart()
  store.add(vscode.workspace.onDidGrantWorkspaceTrust(offerAtStart))

  store.add(
    vscode.commands.registerCommand(
      Commands.reviewPendingChanges,
      guarded('Review Pending Changes', async () => {
        if (!vscode.workspace.isTrusted)
          return void toast.warning("This workspace is not trusted: its missions' changes are not read.")
        const found = await offerPending(true)
        if (found.kind === 'offered') return void vscode.commands.executeCommand(`${Views.dashboard}.focus`)
        void toast.info(
          found.kind === 'running'
            ? `A mission is running: the changes of "${found.goal}" can be reviewed once it ends.`
            : 'No mission has changes waiting for you in this workspace.',
        )
      }),
    ),
  )

  return { ended, act, merge }
}

/**
 * A file's sides, for a path from the repository's top: the user's file, and its content at the
 * mission's base and on its branch (served from git by the base documents). Undefined for a file
 * outside the workspace folder.
 */
function diffUris(
  set: MissionChangeSet,
  path: string,
): { rel: string; file: vscode.Uri; base: vscode.Uri; mission: vscode.Uri } | undefined {
  if (!path.startsWith(set.prefix)) return undefined
  const rel = path.slice(set.prefix.length)
  const at = (ref: string) => baseUri(set.dir, rel, { kind: 'git', ref, untracked: [] })
  return { rel, file: vscode.Uri.file(join(set.dir, rel)), base: at(set.baseCommit), mission: at(set.tip) }
}

/** Read-only copies of files as they were at a moment (the merge editor's "yours"). */
class SnapshotDocuments implements vscode.TextDocumentContentProvider {
  readonly #texts = new Map<string, string>()
  #next = 0

  put(path: string, text: string): vscode.Uri {
    const key = String(++this.#next)
    this.#texts.set(key, text)
    return vscode.Uri.from({ scheme: Schemes.snapshot, path: `/${path}`, query: key })
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.#texts.get(uri.query) ?? ''
  }
}
