// The shape each journal entry type must have to be replayed. A stored line is read back only when
// its fields have the kinds the reducer and the readers of the state rely on: a line that names a
// known type with a wrong shape is skipped like a torn one, never applied (it would throw midway).
// Fields a later version adds are not checked: only what this version reads.

import { ROLES } from '../ports'

type Check = (v: unknown) => boolean

const str: Check = (v) => typeof v === 'string'
const num: Check = (v) => typeof v === 'number' && !Number.isNaN(v)
const int: Check = (v) => Number.isInteger(v)
const nullOr =
  (c: Check): Check =>
  (v) =>
    v === null || c(v)
const oneOf =
  (...values: readonly unknown[]): Check =>
  (v) =>
    values.includes(v)
const arrayOf =
  (c: Check): Check =>
  (v) =>
    Array.isArray(v) && v.every(c)
const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)
/** An object whose listed fields pass their checks; a field marked optional may be absent. */
const shape =
  (fields: Record<string, Check>, optional: Record<string, Check> = {}): Check =>
  (v) =>
    isRecord(v) &&
    Object.entries(fields).every(([k, c]) => c(v[k])) &&
    Object.entries(optional).every(([k, c]) => v[k] === undefined || c(v[k]))

const strings = arrayOf(str)
const role = oneOf(...ROLES)
const endStatus = oneOf('completed', 'failed', 'stopped')
const planTodo = shape({
  id: str,
  title: str,
  description: str,
  files: strings,
  dependsOn: strings,
  acceptance: strings,
})
const span: Check = (v) =>
  Array.isArray(v) && (v.length === 3 || (v.length === 4 && str(v[3]))) && str(v[0]) && num(v[1]) && num(v[2])
const base: Check = (v) =>
  shape({ kind: oneOf('git'), ref: str, untracked: strings })(v) ||
  shape({ kind: oneOf('none'), reason: str })(v)
const summary = shape(
  {
    goal: str,
    status: endStatus,
    reason: str,
    startedAt: num,
    endedAt: num,
    durationMs: num,
    todos: shape({ passed: num, total: num }),
    tokens: num,
    cost: num,
  },
  {
    title: str,
    files: num,
    lines: shape({ added: num, removed: num }),
    check: shape({ command: str, exitCode: nullOr(num) }),
    baseline: shape({ command: str, exitCode: nullOr(num), classification: str }),
  },
)

/** Fields each entry type requires besides `type` and `at`. */
export const ENTRY_SHAPES = {
  'mission.started': shape({ goal: str, options: isRecord }, { version: int }),
  'plan.accepted': shape({ iteration: num, todos: arrayOf(planTodo) }, { title: str }),
  'todo.dispatched': shape({ todoId: str, sessionId: str, attempt: num }),
  'todo.reported': shape(
    {
      todoId: str,
      status: oneOf('done', 'blocked', 'failed'),
      summary: str,
      filesChanged: strings,
    },
    { commit: str, from: str },
  ),
  'todo.verdict': shape(
    { todoId: str, verdict: oneOf('pass', 'fail'), findings: strings },
    {
      merge: shape(
        { result: oneOf('merged', 'conflict', 'rereview'), files: strings },
        { commit: str, from: str, hunks: (v) => isRecord(v) && Object.values(v).every(str) },
      ),
    },
  ),
  'todo.requeued': shape({ todoId: str, reason: str }),
  'todo.cancelled': shape({ todoId: str, reason: str }, { by: oneOf('user', 'policy') }),
  'todo.waiting': shape({ todoId: str, reason: str, delayMs: num }),
  'todo.unreviewed': shape({ todoId: str, reason: str }),
  'plan.rejected': shape({ reasons: strings }, { final: str }),
  'todo.retried': shape({ todoId: str }),
  'todo.failed': shape({ todoId: str, reason: str }),
  evidence: shape(
    { command: str, exitCode: nullOr(num), durationMs: num, outputTail: str },
    { source: str, cwd: str },
  ),
  'check.baseline': shape(
    {
      command: str,
      source: str,
      exitCode: nullOr(num),
      durationMs: num,
      outputTail: str,
      classification: oneOf('passes', 'fails', 'not-set-up'),
    },
    { cwd: str, diagnosis: str },
  ),
  'check.continued': shape({}),
  usage: shape(
    { sessionId: str, role, tokens: num, cost: num },
    { contextTokens: num, contextLimit: num, calls: num },
  ),
  'session.created': shape({ sessionId: str, role }, { todoId: str }),
  'mission.root': shape({ sessionId: str }),
  'session.spare': shape({ sessionId: str }),
  'session.removed': shape({ sessionId: str }),
  'mission.ended': shape({ status: endStatus, reason: str }),
  'mission.base': shape({ base }),
  timeline: shape({ sessionId: str, from: num, spans: arrayOf(span) }, { compactions: arrayOf(num) }),
  'mission.summary': shape({ summary }),
  'steering.queued': shape({ sessionId: str, id: str, text: str }),
  'steering.delivered': shape({ sessionId: str, ids: strings }),
  'steering.dropped': shape({ sessionId: str, ids: strings, note: str }),
  isolation: (v) =>
    shape({ mode: oneOf('worktree'), branch: str, dir: str, baseCommit: str })(v) ||
    shape({ mode: oneOf('shared'), reason: str })(v),
  'todo.worktree': shape({ todoId: str, dir: str, branch: str }),
  'todo.discarded': shape({ todoId: str, reason: str }),
  'isolation.closed': shape(
    { applied: strings, skipped: strings },
    { keptBranch: str, pending: oneOf(true) },
  ),
} satisfies Record<string, Check>

/** Whether a parsed line has `at` and the fields its type requires (false for an unknown type). */
export function hasEntryShape(v: unknown): boolean {
  if (!isRecord(v) || !num(v.at) || typeof v.type !== 'string' || !Object.hasOwn(ENTRY_SHAPES, v.type))
    return false
  return ENTRY_SHAPES[v.type as keyof typeof ENTRY_SHAPES](v)
}
