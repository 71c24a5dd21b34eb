// What a mission started with `/task` tells the user in the session they typed it in (pure): few
// notes, each said once (the plan, each todo's end, the end with its evidence), a bounded number of
// toasts (each time an agent waits for the user, the end, at most one per todo; the host adds the
// start), and the state `/mission` writes.

import { isTerminal, type MissionState, type TodoState } from '../../engine/record/mission-state'
import { checkRunLines } from '../../shared/check-lines'
import { formatDuration } from '../../shared/format-duration'
import { formatCost, formatTokens } from '../../shared/format-usage'

export interface Toast {
  message: string
  variant: 'info' | 'success' | 'warning' | 'error'
}

/** Todos named in a plan's note before "and n more". */
const PLAN_NAMES = 12

const TODO_ENDS = new Set(['passed', 'failed', 'cancelled', 'blocked', 'interrupted'])

const MARK: Record<string, string> = {
  passed: '✓',
  failed: '✗',
  cancelled: '⨯',
  blocked: '⊘',
  interrupted: '◌',
}

/** Follows a mission's states and says what is new, each thing once. */
export class MissionNotes {
  readonly #said = new Set<string>()
  #waiting = false

  /** Notes for the session, and toasts, that this state brings. */
  next(s: MissionState): { notes: string[]; toasts: Toast[] } {
    const notes: string[] = []
    const toasts: Toast[] = []
    const once = (key: string) => !this.#said.has(key) && this.#said.add(key) !== undefined
    if (s.todos.length > 0 && s.phase !== 'planning' && once(`plan:${s.iteration}`)) notes.push(planNote(s))
    for (const t of s.todos) {
      if (!TODO_ENDS.has(t.status) || !once(`todo:${t.id}:${t.status}`)) continue
      // A todo the mission's end left unfinished is told in the end's note.
      if (t.status === 'interrupted') continue
      notes.push(todoLine(t))
      if (once(`toast:${t.id}`)) toasts.push(todoToast(t))
    }
    const waiting = s.agents.some((a) => a.status === 'waiting') || s.needsYou !== undefined
    if (waiting && !this.#waiting)
      toasts.push({
        message: 'The mission needs you: an agent waits for your answer in this session.',
        variant: 'warning',
      })
    this.#waiting = waiting
    return { notes, toasts }
  }

  /**
   * The end, once the mission's run resolved (its work applied to the folder, its end journaled):
   * not at the terminal phase, which comes first.
   */
  end(s: MissionState): { notes: string[]; toasts: Toast[] } {
    return {
      notes: [endNote(s)],
      toasts: [
        {
          message: `Mission ${s.phase}: ${s.title ?? s.goal}`,
          variant: s.phase === 'completed' ? 'success' : s.phase === 'failed' ? 'error' : 'info',
        },
      ],
    }
  }
}

function planNote(s: MissionState): string {
  const names = s.todos.slice(0, PLAN_NAMES).map((t) => `${t.id} (${t.title})`)
  const more = s.todos.length > PLAN_NAMES ? `, and ${s.todos.length - PLAN_NAMES} more` : ''
  const round = s.iteration > 1 ? ` (round ${s.iteration})` : ''
  return `Orchestrator: plan accepted${round}: ${s.todos.length} todo${s.todos.length === 1 ? '' : 's'}: ${names.join(', ')}${more}.`
}

function todoLine(t: TodoState): string {
  const why =
    t.status === 'passed'
      ? ''
      : t.reason
        ? ` — ${t.reason}`
        : t.findings.length
          ? ` — ${t.findings.join('; ')}`
          : ''
  return `Orchestrator: ${MARK[t.status] ?? '·'} ${t.id} ${t.status}: ${t.title}${why}`
}

function todoToast(t: TodoState): Toast {
  return {
    message: `${t.id} ${t.status}: ${t.title}`,
    variant: t.status === 'passed' ? 'success' : t.status === 'failed' ? 'error' : 'warning',
  }
}

/** The end: how it ended and why, what it did, its evidence, and how to see it again. */
function endNote(s: MissionState): string {
  const passed = s.todos.filter((t) => t.status === 'passed').length
  const lines = [
    `Orchestrator: mission ${s.phase}${s.reason ? ` — ${s.reason}` : ''}`,
    `${passed}/${s.todos.length} todos passed · ${formatTokens(s.tokens)} tokens · ${formatCost(s.cost)}${s.endedAt !== undefined && s.startedAt !== undefined ? ` · ${formatDuration(s.endedAt - s.startedAt)}` : ''}`,
  ]
  for (const t of s.todos)
    if (t.status === 'interrupted') lines.push(todoLine(t).replace('Orchestrator: ', ''))
  if (s.result) lines.push('', s.result)
  const last = s.checks.at(-1)
  if (last) lines.push('', 'Evidence:', ...checkRunLines(last))
  else lines.push('', 'Evidence: no check ran.')
  if (s.isolation?.mode === 'worktree' && s.isolation.closed) {
    const { applied, skipped, keptBranch } = s.isolation.closed
    lines.push(
      `Worktrees: ${applied.length} file${applied.length === 1 ? '' : 's'} applied to your folder${skipped.length ? `, ${skipped.length} left as you changed them` : ''}${keptBranch ? `; the work is kept on ${keptBranch}` : ''}.`,
    )
  }
  return lines.join('\n')
}

/** What `/mission` writes: the phase, todos, running agents, usage and the latest evidence. */
export function missionStatus(s: MissionState | undefined, now = Date.now()): string {
  if (!s) return 'Orchestrator: no mission in this project. Start one with /task <goal>.'
  const passed = s.todos.filter((t) => t.status === 'passed').length
  const elapsed = (s.endedAt ?? now) - (s.startedAt ?? now)
  const lines = [
    `Orchestrator: ${s.title ?? s.goal}`,
    `Phase: ${s.phase}${s.paused ? ' (paused)' : ''}${s.reason ? ` — ${s.reason}` : ''} · ${passed}/${s.todos.length} todos passed · ${formatTokens(s.tokens)} tokens · ${formatCost(s.cost)} · ${formatDuration(Math.max(0, elapsed))}`,
  ]
  for (const t of s.todos) lines.push(`  ${MARK[t.status] ?? '·'} ${t.id} ${t.status}: ${t.title}`)
  const running = s.agents.filter(
    (a) => a.status === 'busy' || a.status === 'waiting' || a.status === 'retry',
  )
  if (running.length)
    lines.push(
      'Agents:',
      ...running.map(
        (a) => `  ${a.role}${a.todoId ? ` ${a.todoId}` : ''}: ${a.status}${a.tool ? ` (${a.tool})` : ''}`,
      ),
    )
  const last = s.checks.at(-1)
  if (last) lines.push('Evidence:', ...checkRunLines(last).map((l) => `  ${l}`))
  if (!isTerminal(s.phase)) lines.push('/stop stops it.')
  return lines.join('\n')
}
