import type { WorktreePort } from '../../src/engine/ports'

/** One call of the worktree port: which, on what (a todo, a base, paths), when it started, how long it took. */
export interface WorktreeCall {
  method: keyof WorktreePort
  arg: string
  at: number
  ms: number
}

/**
 * The worktree port as the mission sees it, every call timed (`Date.now()` before and after); calls
 * that overlap each count whole, so `total()` is git's work, not a span of wall-clock time.
 */
export function timedWorktrees(port: WorktreePort): {
  port: WorktreePort
  calls: WorktreeCall[]
  total: () => number
} {
  const calls: WorktreeCall[] = []
  const timed = async <R>(method: keyof WorktreePort, arg: string, call: () => Promise<R>): Promise<R> => {
    const at = Date.now()
    try {
      return await call()
    } finally {
      calls.push({ method, arg, at, ms: Date.now() - at })
    }
  }
  const timedPort: WorktreePort = {
    prepare: (baseTree, options) =>
      timed('prepare', baseTree.slice(0, 8), () => port.prepare(baseTree, options)),
    expectAtOnce: (todos) => port.expectAtOnce?.(todos),
    open: (todoId) => timed('open', todoId, () => port.open(todoId)),
    commit: (todoId, message) => timed('commit', todoId, () => port.commit(todoId, message)),
    changedSince: (from) => timed('changedSince', from.slice(0, 8), () => port.changedSince(from)),
    merge: (todoId, message) => timed('merge', todoId, () => port.merge(todoId, message)),
    refresh: (todoId) => timed('refresh', todoId, () => port.refresh(todoId)),
    discard: (todoId) => timed('discard', todoId, () => port.discard(todoId)),
    changes: () => timed('changes', '', () => port.changes()),
    apply: (paths) => timed('apply', `${paths.length} paths`, () => port.apply(paths)),
    close: (options) => timed('close', options?.keepIntegration ? 'keep' : '', () => port.close(options)),
  }
  return { port: timedPort, calls, total: () => calls.reduce((n, c) => n + c.ms, 0) }
}
