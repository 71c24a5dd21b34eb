// A past mission as a read-only Markdown report, from its replayed journal: the outcome, every todo
// with its report and review (and each attempt when there were several), every run of the check, and
// what each agent did over time.
// Journal text is already scrubbed.

import { formatDuration } from '../../shared/format-duration'
import { formatCost, formatTokens } from '../../shared/format-usage'
import type { AttemptRecord, MissionSnapshot } from './entries'
import { checkSection } from './check-report'
import { timelineMarkdown } from './timeline-markdown'
import { steeringSection } from './steering-report'

const when = (ms: number | undefined) =>
  ms === undefined ? '?' : new Date(ms).toISOString().replace('T', ' ').slice(0, 19)

/** One attempt in a line: what the worker reported, what the review found, why it went back. */
function attemptLine(a: AttemptRecord): string {
  const parts = [a.report ? `${a.report.status}: ${a.report.summary}` : 'no report']
  if (a.review)
    parts.push(
      `review ${a.review.verdict === 'pass' ? 'passed' : 'failed'}` +
        (a.review.findings.length ? `: ${a.review.findings.join('; ')}` : ''),
    )
  if (a.requeued) parts.push(`back to the queue: ${a.requeued}`)
  if (a.cancelled) parts.push(a.cancelled)
  return `  - ${a.attempt} (worker \`${a.sessionId}\`): ${parts.join(' · ')}`
}

/**
 * The mission's state in words: its end and why, or, for a journal with no end, that it did not
 * finish (a window or terminal that went away; or it runs elsewhere right now).
 */
function statusWords(snap: MissionSnapshot): string {
  if (snap.status === 'new' || snap.status === 'running')
    return '**not finished**: its window or terminal went away while it ran (resume it from the dashboard or with `orchestrator run --resume`), or it is running elsewhere'
  // A completed mission without evidence must not read as a checked success.
  const unchecked = snap.status === 'completed' && snap.evidence.length === 0 ? ' (no check ran)' : ''
  return `**${snap.status}**${unchecked}${snap.reason ? ` — ${snap.reason}` : ''}`
}

/** Renders a mission's report (pure). */
export function missionReport(id: string, snap: MissionSnapshot): string {
  const todos = snap.todoOrder.map((t) => snap.todos[t]).filter((t) => t !== undefined)
  const passed = todos.filter((t) => t.status === 'passed').length
  const out = [`# ${snap.title ?? (snap.goal || `Mission ${id}`)}`, '']
  if (snap.title !== undefined && snap.goal) out.push(`> ${snap.goal.replace(/\n/g, '\n> ')}`, '')
  out.push(`- Status: ${statusWords(snap)}`)
  out.push(`- Started: ${when(snap.startedAt)} UTC`)
  if (snap.startedAt !== undefined && snap.endedAt !== undefined)
    out.push(`- Duration: ${formatDuration(snap.endedAt - snap.startedAt)}`)
  out.push(`- Todos: ${passed}/${todos.length} passed · iterations: ${snap.iteration}`)
  out.push(`- Tokens: ${formatTokens(snap.tokens)} · cost: ${formatCost(snap.cost)}`)
  if (snap.base)
    out.push(
      `- Base: ${snap.base.kind === 'git' ? `git \`${snap.base.ref.slice(0, 12)}\`${snap.base.leftOut ? ` (${snap.base.leftOut})` : ''}` : `unknown (${snap.base.reason})`}`,
    )
  out.push('', '## Todos')
  if (todos.length === 0) out.push('', '_No plan was accepted._')
  for (const t of todos) {
    out.push('', `### ${t.title} (\`${t.id}\`): ${t.status}`, '')
    out.push(`- Attempts: ${t.attempts}`)
    if (t.dependsOn.length) out.push(`- Depends on: ${t.dependsOn.join(', ')}`)
    if (t.files.length) out.push(`- Owns: ${t.files.join(', ')}`)
    if (t.filesChanged.length) out.push(`- Changed: ${t.filesChanged.join(', ')}`)
    if (t.summary) out.push(`- Report: ${t.summary}`)
    if (t.findings.length) out.push(`- Review findings:`, ...t.findings.map((f) => `  - ${f}`))
    if (t.history.length > 1) out.push('- Every attempt:', ...t.history.map(attemptLine))
  }
  out.push(...steeringSection(snap))
  out.push(...checkSection(snap))
  out.push('', ...timelineMarkdown(snap))
  return `${out.join('\n')}\n`
}
