// The journal's isolation entries (worktree mode), applied to a snapshot in place: the mode the
// mission runs in, each todo's worktree, what became of its branch after review, and the end. Like
// every entry (see replay.ts), they replace the todo records they change, never edit them.

import type { JournalEntry, MergeRecord, MissionSnapshot, TodoRecord } from './entries'

type IsolationEntry = Extract<
  JournalEntry,
  { type: 'isolation' | 'todo.worktree' | 'todo.discarded' | 'isolation.closed' }
>

export function applyIsolation(s: MissionSnapshot, e: IsolationEntry): void {
  switch (e.type) {
    case 'isolation': {
      const { type: _type, at: _at, ...record } = e
      s.isolation = record
      return
    }
    case 'todo.worktree': {
      const t = s.todos[e.todoId]
      if (t) s.todos[e.todoId] = { ...t, worktree: { dir: e.dir, branch: e.branch } }
      return
    }
    case 'todo.discarded': {
      const t = s.todos[e.todoId]
      if (!t) return
      const { worktree: _, ...rest } = t
      s.todos[e.todoId] = { ...rest, merge: { result: 'discarded', files: [], reason: e.reason } }
      return
    }
    case 'isolation.closed': {
      const { type: _type, at: _at, ...closed } = e
      s.isolationClosed = closed
      return
    }
  }
}

/**
 * A passing verdict in worktree mode: the todo passed only when its branch merged; a conflict sends
 * it back to its worker (the conflicts are what it must fix), overlapping work sends it to review again.
 * Sets the fields of `t`, the todo's fresh copy (see `editTodo` in replay.ts).
 */
export function mergeVerdict(t: TodoRecord, merge: MergeRecord): void {
  t.merge = { ...merge, files: [...merge.files] }
  if (merge.result === 'merged') return
  if (merge.result === 'rereview') {
    t.status = 'reported'
    if (t.worktree && merge.from !== undefined) t.worktree = { ...t.worktree, from: merge.from }
    return
  }
  t.status = 'failed'
  t.findings = conflictFindings(merge.files, merge.hunks)
}

/** What a worker is told about a merge conflict, one finding per file, with its marked regions. */
export function conflictFindings(files: readonly string[], hunks: Record<string, string> = {}): string[] {
  return files.map((f) => {
    const marked = hunks[f]
    return `merge conflict in ${f}: the integration branch changed it too; its changes are merged into your folder with conflict markers. Resolve them, keeping both sides' intent.${marked ? `\n${marked}` : ''}`
  })
}

/** What became of a todo's branch, in a few words (logs, the CLI, the dashboard). */
export function mergeWords(merge: NonNullable<TodoRecord['merge']>): string {
  const files = merge.files.join(', ')
  switch (merge.result) {
    case 'merged':
      return `merged into the integration branch${files ? ` (${files})` : ''}`
    case 'conflict':
      return `merge conflict in ${files}: sent back to its worker`
    case 'rereview':
      return `the integration branch changed ${files} too: reviewed again with it merged in`
    case 'discarded':
      return `worktree discarded: ${merge.reason}`
  }
}
