// A worktree mission's changes at the end, as the host reads and offers them (pure): each changed
// file with the todos whose merged work holds it, the files grouped by todo for review, and the toast
// that offers them.

import type { WorktreeChange } from '../engine/ports'
import type { MissionState, TodoState } from '../engine/record/mission-state'
import { filesWord, targetName } from '../shared/changes-words'
import type { ChangedFileView, ChangesView } from '../shared/protocol'
import { missionEndToast } from './notification-policy'

/**
 * The files the mission changed, each with the merged todos whose work holds it (a file two todos
 * changed is under both); in the order git listed them.
 */
export function changedFiles(
  todos: readonly Pick<TodoState, 'id' | 'merge'>[],
  changes: readonly WorktreeChange[],
): ChangedFileView[] {
  return changes.map((c) => ({
    path: c.path,
    status: c.status,
    todos: todos
      .filter((t) => t.merge?.result === 'merged' && t.merge.files.includes(c.path))
      .map((t) => t.id),
  }))
}

export interface ChangeGroup {
  /** Absent: changes no merged todo names (e.g. a conflict's resolution). */
  todoId?: string
  title: string
  files: ChangedFileView[]
}

/** The changes by todo, in plan order, then those no todo names. */
export function changesByTodo(
  todos: readonly Pick<TodoState, 'id' | 'title'>[],
  files: readonly ChangedFileView[],
): ChangeGroup[] {
  const groups: ChangeGroup[] = []
  for (const t of todos) {
    const mine = files.filter((f) => f.todos.includes(t.id))
    if (mine.length) groups.push({ todoId: t.id, title: t.title, files: mine })
  }
  const others = files.filter((f) => f.todos.length === 0)
  if (others.length) groups.push({ title: 'Other changes', files: others })
  return groups
}

/**
 * The toast that offers the changes at the end: how the mission ended, then what it changed and
 * where. It stands in for the mission's end toast.
 */
export function changesToast(
  state: MissionState,
  view: ChangesView,
): { level: 'info' | 'warning' | 'error'; text: string } {
  const end = missionEndToast(state) ?? { level: 'info' as const, text: 'Mission ended' }
  const what = `It changed ${filesWord(view.files.length)} on ${view.branch}, not yet in ${targetName(view.target)}.`
  return { level: end.level, text: `${end.text.replace(/[.!?…]+$/, '')}. ${what}` }
}

/** One row of the review: a todo's heading, or a file with what can be done with it. */
export type ReviewRow =
  | { kind: 'todo'; label: string }
  | {
      kind: 'file'
      path: string
      label: string
      description: string
      /** The row's button: apply the file (its tooltip names the target), or merge one Apply left. */
      button?: { action: 'apply' | 'merge'; tooltip: string }
    }

const STATUS_WORD = { added: 'added', modified: 'modified', deleted: 'deleted' } as const

/** The review's rows: the changes by todo, each file with its status, fate and button. */
export function reviewRows(
  todos: readonly Pick<TodoState, 'id' | 'title'>[],
  view: ChangesView,
): ReviewRow[] {
  const target = targetName(view.target)
  const open = view.status === 'pending'
  return changesByTodo(todos, view.files).flatMap((g): ReviewRow[] => [
    { kind: 'todo', label: g.todoId ? `${g.todoId}: ${g.title}` : g.title },
    ...g.files.map((f): ReviewRow => {
      const fate =
        f.fate === 'applied'
          ? ' · applied'
          : f.fate === 'skipped'
            ? ' · left: you changed it since the start'
            : ''
      const button =
        f.fate === 'skipped'
          ? { action: 'merge' as const, tooltip: `Merge ${f.path}: yours against the mission's version` }
          : f.fate === undefined && open
            ? { action: 'apply' as const, tooltip: `Apply ${f.path} to ${target}` }
            : undefined
      return {
        kind: 'file',
        path: f.path,
        label: f.path,
        description: `${STATUS_WORD[f.status]}${fate}`,
        ...(button && { button }),
      }
    }),
  ])
}
