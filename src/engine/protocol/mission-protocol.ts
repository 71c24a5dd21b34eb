// The mission protocol: the arguments of the three tools the companion plugin registers, and the
// semantic checks that both the plugin (to answer the model with a tool error) and the engine (to
// trust nothing it did not check itself) run on them. Names are a contract: see product.md.
// Real models are lenient about shapes: unknown keys are ignored, and every field but a todo's `id`
// and `title` (and a report's or verdict's own required ones) has a default.

import { excerpt } from '../util/excerpt'
import { scrubSecrets } from '../util/scrub-secrets'

export const TOOL_PLAN = 'orchestrator_plan'
export const TOOL_REPORT = 'orchestrator_report'
export const TOOL_VERDICT = 'orchestrator_verdict'
export const MISSION_TOOLS = [TOOL_PLAN, TOOL_REPORT, TOOL_VERDICT] as const

export interface PlanTodo {
  id: string
  title: string
  description: string
  files: string[]
  dependsOn: string[]
  acceptance: string[]
}
export interface PlanArgs {
  todos: PlanTodo[]
  /** A short title of the whole mission (a few words), shown where the goal is too long to. */
  title?: string
  /**
   * The planner's reason for giving no plan (e.g. the check fails for a cause outside the project):
   * then `todos` is empty, and the mission ends as failed with this reason.
   */
  cannotPlan?: string
}
export type ReportStatus = 'done' | 'blocked' | 'failed'
export interface ReportArgs {
  todoId: string
  status: ReportStatus
  summary: string
  filesChanged: string[]
}
export type Verdict = 'pass' | 'fail'
export interface VerdictArgs {
  todoId: string
  verdict: Verdict
  findings: string[]
}

/**
 * The most of a report summary (and of one review finding) that the mission keeps: it is journaled,
 * copied into the briefs of dependents and reviewers, and shown on the dashboard.
 */
export const SUMMARY_MAX_CHARS = 2_000
export const FINDING_MAX_CHARS = 1_000

/**
 * Todo ids are slugs. An id with spaces is refused, not rewritten: a slug the engine made up would
 * differ from the id the planner's own `dependsOn` lists use and from the id the model sees in its
 * earlier messages, and every report and verdict must name the id verbatim. The error names the slug
 * to use, so the planner fixes it in one call.
 */
const TODO_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/

/**
 * Slugs that name a member every plain object has (`constructor`, `toString`, …): todos are keyed by
 * id in plain objects (the journal's snapshot, the published state), where such an id would find the
 * member instead of its todo. They are refused with another id to use.
 */
const isReservedId = (id: string): boolean => Object.hasOwn(Object.prototype, id)

/**
 * Slugs that read as a secret key (`sk-learn-pipeline-upgrade` looks like an API key): everything the
 * mission writes (journal, published state, notes) is scrubbed of secrets, which would turn such an id
 * into `[redacted]`, lost to its reports, verdicts and dependents. They are refused with a slug to use.
 */
const readsAsSecret = (id: string): boolean => scrubSecrets(id) !== id

/** The first of a few spellings of `id` that does not read as a secret key, else `todo-<n>`. */
const unsecretId = (id: string, i: number): string =>
  [id.replace(/-/g, '_'), id.replace(/[-_]/g, '.')].find((t) => !readsAsSecret(t)) ?? `todo-${i + 1}`

/** The slug a planner could use instead of `id` (for the error message). */
export function suggestedId(id: string): string {
  return (
    id
      .trim()
      .toLowerCase()
      .replace(/[^a-z0-9._-]+/g, '-')
      .replace(/^[^a-z0-9]+|-+$/g, '') || 'todo-1'
  )
}

export type Checked<T> = { ok: true; value: T } | { ok: false; errors: string[] }

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)
const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string')

function requireString(o: Record<string, unknown>, key: string, where: string, errors: string[]): string {
  const v = o[key]
  if (typeof v !== 'string' || v.trim() === '') errors.push(`${where}: "${key}" must be a non-empty string`)
  return typeof v === 'string' ? v : ''
}
function optionalStrings(o: Record<string, unknown>, key: string, where: string, errors: string[]): string[] {
  return o[key] === undefined || o[key] === null ? [] : requireStrings(o, key, where, errors)
}
function requireStrings(o: Record<string, unknown>, key: string, where: string, errors: string[]): string[] {
  const v = o[key]
  if (!isStringArray(v)) errors.push(`${where}: "${key}" must be an array of strings`)
  return isStringArray(v) ? v : []
}

/** The most of a mission's title that is kept: a title is a few words, not the goal again. */
export const MISSION_TITLE_MAX_CHARS = 80

/** The planner's title for the mission, on one line and bounded; none when it gave none usable. */
function missionTitle(raw: unknown): string | undefined {
  if (typeof raw !== 'string') return undefined
  const line = raw.replace(/\s+/g, ' ').trim()
  return line ? excerpt(line, MISSION_TITLE_MAX_CHARS) : undefined
}

/** The most of a planner's reason for not planning that the mission keeps. */
export const CANNOT_PLAN_MAX_CHARS = 2_000

function checkCannotPlan(input: Record<string, unknown>): Checked<PlanArgs> {
  const reason = input.cannotPlan
  if (typeof reason !== 'string' || reason.trim() === '')
    return { ok: false, errors: ['"cannotPlan" must be a non-empty string: why no plan can be given'] }
  if (Array.isArray(input.todos) && input.todos.length > 0)
    return { ok: false, errors: ['give either todos or "cannotPlan" (with "todos": []), not both'] }
  return { ok: true, value: { todos: [], cannotPlan: excerpt(reason.trim(), CANNOT_PLAN_MAX_CHARS) } }
}

/** Options for {@link checkPlan}. */
export interface PlanCheckOptions {
  /** Reject absolute paths and paths that climb out of the workspace. Default: true. */
  relativeFilesOnly?: boolean
  /** Todos of earlier plans that dependencies may name (a revised plan builds on them). Default: none. */
  knownIds?: ReadonlySet<string>
}

/**
 * Shape and graph checks of a plan: unique ids, known deps, no cycle, at least one todo, relative
 * files; or no todos and a `cannotPlan` reason.
 */
export function checkPlan(input: unknown, options: PlanCheckOptions = {}): Checked<PlanArgs> {
  const errors: string[] = []
  if (isObject(input) && input.cannotPlan !== undefined && input.cannotPlan !== null)
    return checkCannotPlan(input)
  if (!isObject(input) || !Array.isArray(input.todos))
    return { ok: false, errors: ['"todos" must be an array'] }
  if (input.todos.length === 0) return { ok: false, errors: ['the plan is empty: give at least one todo'] }
  const todos: PlanTodo[] = []
  input.todos.forEach((raw: unknown, i: number) => {
    const where = `todos[${i}]`
    if (!isObject(raw)) {
      errors.push(`${where}: must be an object`)
      return
    }
    const todo: PlanTodo = {
      id: requireString(raw, 'id', where, errors),
      title: requireString(raw, 'title', where, errors),
      description: typeof raw.description === 'string' ? raw.description : '',
      files: optionalStrings(raw, 'files', where, errors),
      dependsOn: optionalStrings(raw, 'dependsOn', where, errors),
      acceptance: optionalStrings(raw, 'acceptance', where, errors),
    }
    if (todo.id.trim() !== '' && !TODO_ID.test(todo.id))
      errors.push(
        `${where}: id "${todo.id}" must be a slug (letters, digits, ".", "_", "-"; no spaces): use "${suggestedId(todo.id)}", and the same in dependsOn`,
      )
    else if (isReservedId(todo.id))
      errors.push(`${where}: id "${todo.id}" is reserved: use "${todo.id}-todo", and the same in dependsOn`)
    else if (readsAsSecret(todo.id))
      errors.push(
        `${where}: id "${todo.id}" reads as a secret key and would be hidden from every record: use "${unsecretId(todo.id, i)}", and the same in dependsOn`,
      )
    if (options.relativeFilesOnly !== false) {
      for (const f of todo.files)
        if (!isRelativeInside(f)) errors.push(`${where}: file "${f}" must be relative to the workspace`)
    }
    todos.push(todo)
  })
  const ids = new Set<string>()
  for (const t of todos) {
    if (t.id && ids.has(t.id)) errors.push(`duplicate todo id "${t.id}"`)
    ids.add(t.id)
  }
  for (const t of todos)
    for (const d of t.dependsOn) {
      if (!ids.has(d) && !options.knownIds?.has(d))
        errors.push(`todo "${t.id}" depends on unknown todo "${d}"`)
      else if (d === t.id) errors.push(`todo "${t.id}" depends on itself`)
    }
  if (errors.length === 0) {
    const cycle = findCycle(todos)
    if (cycle) errors.push(`dependency cycle: ${cycle.join(' -> ')}`)
  }
  const title = missionTitle(input.title)
  return errors.length ? { ok: false, errors } : { ok: true, value: { todos, ...(title && { title }) } }
}

export function checkReport(input: unknown, knownTodoIds?: ReadonlySet<string>): Checked<ReportArgs> {
  const errors: string[] = []
  if (!isObject(input)) return { ok: false, errors: ['arguments must be an object'] }
  const todoId = requireString(input, 'todoId', 'report', errors)
  const status = input.status
  if (status !== 'done' && status !== 'blocked' && status !== 'failed')
    errors.push('report: "status" must be one of done, blocked, failed')
  const summary = requireString(input, 'summary', 'report', errors)
  const filesChanged = optionalStrings(input, 'filesChanged', 'report', errors)
  if (todoId && knownTodoIds && !knownTodoIds.has(todoId)) errors.push(`unknown todo id "${todoId}"`)
  return errors.length
    ? { ok: false, errors }
    : {
        ok: true,
        value: {
          todoId,
          status: status as ReportStatus,
          summary: excerpt(summary, SUMMARY_MAX_CHARS),
          filesChanged,
        },
      }
}

export function checkVerdict(input: unknown, knownTodoIds?: ReadonlySet<string>): Checked<VerdictArgs> {
  const errors: string[] = []
  if (!isObject(input)) return { ok: false, errors: ['arguments must be an object'] }
  const todoId = requireString(input, 'todoId', 'verdict', errors)
  const verdict = input.verdict
  if (verdict !== 'pass' && verdict !== 'fail') errors.push('verdict: "verdict" must be pass or fail')
  const findings = optionalStrings(input, 'findings', 'verdict', errors).map((f) =>
    excerpt(f, FINDING_MAX_CHARS),
  )
  if (todoId && knownTodoIds && !knownTodoIds.has(todoId)) errors.push(`unknown todo id "${todoId}"`)
  return errors.length
    ? { ok: false, errors }
    : { ok: true, value: { todoId, verdict: verdict as Verdict, findings } }
}

function isRelativeInside(file: string): boolean {
  if (file === '' || file.startsWith('/') || file.startsWith('\\') || /^[a-zA-Z]:/.test(file)) return false
  let depth = 0
  for (const seg of file.split(/[\\/]+/)) {
    if (seg === '..') depth--
    else if (seg !== '.' && seg !== '') depth++
    if (depth < 0) return false
  }
  return true
}

/** Depth-first search for a cycle; returns the ids on it (first id repeated at the end) or undefined. */
function findCycle(todos: readonly PlanTodo[]): string[] | undefined {
  const deps = new Map<string, readonly string[]>(todos.map((t) => [t.id, t.dependsOn]))
  const state = new Map<string, 'visiting' | 'done'>()
  const stack: string[] = []
  const visit = (id: string): string[] | undefined => {
    const s = state.get(id)
    if (s === 'done') return undefined
    if (s === 'visiting') return [...stack.slice(stack.indexOf(id)), id]
    state.set(id, 'visiting')
    stack.push(id)
    for (const d of deps.get(id) ?? []) {
      const c = visit(d)
      if (c) return c
    }
    stack.pop()
    state.set(id, 'done')
    return undefined
  }
  for (const t of todos) {
    const c = visit(t.id)
    if (c) return c
  }
  return undefined
}
