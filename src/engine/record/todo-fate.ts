// What became of each todo, as the report and the dashboard tell it: why a failed todo failed, which
// failed or cancelled dependency keeps a pending one from ever starting, which never started, and
// which the mission's end cut short while it was in flight.

import type { MissionEndStatus, TodoRecord, TodoStatus } from './entries'

type Lookup = (id: string) => TodoRecord | undefined

/**
 * The failed or cancelled todos a todo waits on, directly or through dependencies that wait on them,
 * in the order found. Passed dependencies block nothing; a failed one (or one its worker reported
 * blocked) blocks until a plan reopens it (or the user retries it), a cancelled one until the user
 * retries it.
 */
export function failedDependencies(todo: TodoRecord, lookup: Lookup): string[] {
  const failed = new Set<string>()
  const seen = new Set<string>([todo.id])
  const visit = (t: TodoRecord) => {
    for (const id of t.dependsOn) {
      if (seen.has(id)) continue
      seen.add(id)
      const dep = lookup(id)
      if (!dep || dep.status === 'passed') continue
      if (dep.status === 'failed' || dep.status === 'blocked' || dep.status === 'cancelled') failed.add(id)
      else visit(dep)
    }
  }
  visit(todo)
  return [...failed]
}

/**
 * A todo's status as told: the journal's, or `interrupted` for a todo the mission's end found in
 * flight (working, reported, in review or waiting for the provider), which nothing will finish.
 */
export type FateStatus = TodoStatus | 'interrupted'

/** What an in-flight todo was doing, as said after "while it was". */
const IN_FLIGHT: Partial<Record<TodoStatus, string>> = {
  running: 'being worked on',
  reported: 'waiting for its review',
  reviewing: 'in review',
  waiting: 'waiting for the provider',
}

const ENDED: Record<MissionEndStatus, string> = {
  stopped: 'was stopped',
  failed: 'failed',
  completed: 'ended',
}

export interface TodoFate {
  /**
   * The journal's status, except that a pending todo behind a failed dependency is `blocked`, and one
   * in flight when the mission ended is `interrupted`.
   */
  status: FateStatus
  /** Why the todo is where it is, when that is not plain progress. */
  reason?: string
  /** The failed or cancelled todos that keep this one from starting. */
  blockedBy?: string[]
}

/**
 * What became of a todo so far; once the mission ended (`end`), what happened to it: one in flight
 * then was interrupted, never "in progress".
 */
export function todoFate(todo: TodoRecord, lookup: Lookup, end?: MissionEndStatus): TodoFate {
  const doing = IN_FLIGHT[todo.status]
  if (end && doing)
    return { status: 'interrupted', reason: `the mission ${ENDED[end]} while it was ${doing}` }
  switch (todo.status) {
    case 'failed':
      return { status: 'failed', reason: failReason(todo) }
    case 'pending':
    case 'ready': {
      const blockedBy = failedDependencies(todo, lookup)
      if (blockedBy.length) return { status: 'blocked', reason: blockedReason(blockedBy, lookup), blockedBy }
      if (todo.attempts === 0) return { status: todo.status, reason: 'never started' }
      return { status: todo.status, ...(todo.requeueReason && { reason: todo.requeueReason }) }
    }
    case 'blocked':
      return { status: 'blocked', ...(todo.summary && { reason: todo.summary }) }
    case 'waiting':
      return {
        status: 'waiting',
        ...(todo.waitReason && { reason: `waiting for the provider: ${todo.waitReason}` }),
      }
    case 'cancelled':
      return { status: 'cancelled', reason: todo.cancelReason ?? 'cancelled by the user' }
    default:
      return { status: todo.status }
  }
}

function failReason(todo: TodoRecord): string {
  if (todo.failReason) return todo.failReason
  if (todo.findings.length) return `review failed: ${todo.findings.join('; ')}`
  return todo.requeueReason ?? 'failed'
}

/** "blocked by failed a, b", "blocked by cancelled c", or both, in that order. */
function blockedReason(blockedBy: string[], lookup: Lookup): string {
  const cancelled = blockedBy.filter((id) => lookup(id)?.status === 'cancelled')
  const failed = blockedBy.filter((id) => !cancelled.includes(id))
  const parts = [
    ...(failed.length ? [`failed ${failed.join(', ')}`] : []),
    ...(cancelled.length ? [`cancelled ${cancelled.join(', ')}`] : []),
  ]
  return `blocked by ${parts.join(', ')}`
}
