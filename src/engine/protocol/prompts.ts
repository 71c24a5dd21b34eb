import { TOOL_PLAN, TOOL_REPORT, TOOL_VERDICT, type PlanTodo } from './mission-protocol'

// The briefs the engine sends. Minimal by design: the todo, its files, its checks and the summaries
// of its dependencies; never another agent's raw tool output. The first line of each brief names
// its kind, so logs (and the scripted test model) can tell them apart.

export const BRIEF = {
  plan: 'Mission goal:',
  replan: 'The mission needs a revised plan.',
  planRetry: 'Your plan was not accepted.',
  work: 'todoId:',
  review: 'Review todoId:',
  nudge: 'You ended your turn without calling',
} as const

/**
 * The first plan's brief; `baseline`: the check's failure on the mission's base, when it was known
 * before the planner started.
 */
export function planBrief(goal: string, projectFiles: string[], baseline?: CheckFailure): string {
  const files = projectFiles.length ? `\nProject files (top level): ${projectFiles.join(', ')}` : ''
  return `${BRIEF.plan} ${goal}${files}
${baseline ? `\n${baselineLines(baseline).join('\n')}\n` : ''}
Split the goal into todos and call ${TOOL_PLAN} once, with a title of a few words for the mission. Give
each todo a short unique id, the files it owns (relative paths), the ids it depends on, and acceptance
checks. Todos that own no common file
run in parallel. ${CANNOT_PLAN_HINT}`
}

/** How a planner says that no plan can reach the goal, instead of answering in text. */
const CANNOT_PLAN_HINT = `If no change to the project can reach the goal (e.g. the check fails for a cause outside the project), call ${TOOL_PLAN} with "todos": [] and "cannotPlan": "<why>".`

/** What the planner is told of the check's run on the mission's base, when it failed. */
function baselineLines(baseline: CheckFailure): string[] {
  return [
    `Before the mission changed anything, the check command \`${baseline.command}\` already failed (exit ${baseline.exitCode ?? 'timeout'}). Output tail:`,
    '```',
    baseline.outputTail.trim(),
    '```',
  ]
}

/**
 * Why a plan turn gave no plan when the planner made no tool call at all: models often write the plan
 * as Markdown instead. The engine never reads a plan out of prose (it could not check it), so the
 * retry says plainly that only the tool call counts.
 */
export const NO_PLAN_CALL = `no ${TOOL_PLAN} tool call was made: a plan written as text or Markdown is not read, only the tool call's arguments are`

export function planRetryBrief(reasons: string[]): string {
  return `${BRIEF.planRetry}\n${reasons.map((r) => `- ${r}`).join('\n')}\nCall ${TOOL_PLAN} again with a corrected plan.`
}

export interface CheckFailure {
  command: string
  exitCode: number | null
  outputTail: string
}

/**
 * The planner's brief for a new round. `blamed` (worktree mode): the merged todos a failing check
 * points at, with the files of theirs its output names.
 */
export function replanBrief(
  iteration: number,
  failure: CheckFailure | undefined,
  failedTodos: string[],
  baseline?: CheckFailure,
  blamed: readonly { id: string; named: readonly string[] }[] = [],
): string {
  const lines = [`${BRIEF.replan} Iteration ${iteration}.`]
  if (baseline) lines.push(...baselineLines(baseline))
  if (failure)
    lines.push(
      `The check command \`${failure.command}\` failed (exit ${failure.exitCode ?? 'timeout'}). Output tail:`,
      '```',
      failure.outputTail.trim(),
      '```',
    )
  if (failure && blamed.length) {
    const named = blamed.some((b) => b.named.length)
    const list = blamed.map((b) => (b.named.length ? `${b.id} (${b.named.join(', ')})` : b.id)).join(', ')
    lines.push(
      named
        ? `The check ran on the merged work only; its output names files of these merged todos: ${list}.`
        : `The check ran on the merged work only; merged in this round: ${list}.`,
    )
  }
  if (failedTodos.length) lines.push(`Todos that failed their attempts: ${failedTodos.join(', ')}.`)
  lines.push(
    `Call ${TOOL_PLAN} with the todos to add, or to reopen (reuse an id to reopen it). ${CANNOT_PLAN_HINT}`,
  )
  return lines.join('\n')
}

export interface DependencySummary {
  id: string
  summary: string
}

export function workBrief(todo: PlanTodo, deps: DependencySummary[], findings: string[]): string {
  const lines = [`${BRIEF.work} ${todo.id}`, `Todo: ${todo.title}`]
  if (todo.description) lines.push(todo.description)
  lines.push(`Files you own: ${todo.files.length ? todo.files.join(', ') : '(none)'}`)
  if (todo.acceptance.length) lines.push('Acceptance checks:', ...todo.acceptance.map((a) => `- ${a}`))
  if (deps.length) lines.push('Done before you:', ...deps.map((d) => `- ${d.id}: ${d.summary}`))
  if (findings.length) lines.push('The reviewer found:', ...findings.map((f) => `- ${f}`))
  lines.push(`When you are done, call ${TOOL_REPORT} with todoId "${todo.id}".`)
  return lines.join('\n')
}

/**
 * A reviewer's brief; in worktree mode (`worktree`) its folder is the todo's own worktree, and the
 * brief says how to see the todo's diff against its base.
 */
export function reviewBrief(
  todo: PlanTodo,
  summary: string,
  filesChanged: string[],
  worktree?: { branch: string; integration: string },
): string {
  return [
    `${BRIEF.review} ${todo.id}`,
    `Todo: ${todo.title}`,
    `Files: ${todo.files.join(', ') || '(none)'}`,
    ...(todo.acceptance.length ? ['Acceptance checks:', ...todo.acceptance.map((a) => `- ${a}`)] : []),
    `The worker reported: ${summary}`,
    `Files changed: ${filesChanged.join(', ') || '(none)'}`,
    ...(worktree
      ? [
          `Your folder is this todo's worktree; its work is committed on ${worktree.branch}. See its diff: git diff ${worktree.integration}...HEAD`,
        ]
      : []),
    `Check the work, then call ${TOOL_VERDICT} with todoId "${todo.id}".`,
  ].join('\n')
}

/**
 * A user's steering message, sent as the next prompt of an agent whose turn ended without its
 * result, with a one-line reminder of what it is on and the tool that closes its turn.
 */
export function steerBrief(text: string, tool: string, todoId?: string): string {
  const on = todoId !== undefined ? ` You are still on todoId "${todoId}";` : ''
  return `Message from the user: ${text.trim()}\n\n(${on.trimStart() || 'Carry on;'} finish by calling ${tool}.)`
}

export function nudgeBrief(tool: string, todoId: string): string {
  return `${BRIEF.nudge} ${tool}. Call ${tool} now for todoId "${todoId}".`
}
