// What the status bar item says about a mission (pure, so it is tested without a workbench).

import { excerpt } from '../engine/util/excerpt'
import { isTerminal, type MissionState } from '../engine/record/mission-state'
import { scrubSecrets } from '../engine/util/scrub-secrets'

const PHASE_ICON: Record<MissionState['phase'], string> = {
  starting: '$(loading~spin)',
  planning: '$(loading~spin)',
  working: '$(loading~spin)',
  checking: '$(loading~spin)',
  completed: '$(pass)',
  failed: '$(error)',
  stopped: '$(debug-stop)',
}

/** Whether the mission's latest check run failed; undefined when none ran. */
function lastCheckFailed(m: MissionState): boolean | undefined {
  const run = m.checks.at(-1)
  if (run) return !run.passed
  const evidence = m.evidence.at(-1)
  return evidence && evidence.exitCode !== 0
}

/**
 * The item's text and tooltip, in the dashboard's words. A question to the user says so first; a
 * paused mission says paused, with no spinner (its running agents only finish their turn); a mission
 * whose every todo passed but whose check failed says the check failed, never "failed 5/5" (which
 * reads as the todos); a completion without a check never reads as a verified success.
 */
export function missionStatusText(m: MissionState): { text: string; tooltip: string } {
  const passed = m.todos.filter((t) => t.status === 'passed').length
  const total = m.todos.length
  const count = total ? ` ${passed}/${total}` : ''
  // The planner's short title first when there is one; the goal may be paragraphs long.
  const lines = m.title ? [m.title, excerpt(m.goal, 300)] : [excerpt(m.goal, 300)]
  if (m.reason) lines.push(scrubSecrets(m.reason))
  if (m.inbox.length) lines.push(`${m.inbox.length} permission request(s) waiting`)
  let text: string
  const over = isTerminal(m.phase)
  if (m.needsYou && !over) {
    text = '$(bell-dot) Orchestrator: needs you'
    lines.push(`The mission needs you: ${scrubSecrets(m.needsYou.reason)}`)
  } else if (m.paused && !over) {
    text = `$(debug-pause) Orchestrator: paused${count}`
    lines.push(`Paused while ${m.phase}: no new work starts; running agents finish their turn.`)
  } else if (m.phase === 'failed' && total > 0 && passed === total && lastCheckFailed(m)) {
    text = `${PHASE_ICON.failed} Orchestrator: check failed`
    lines.push(`Every todo passed (${passed}/${total}); the check failed.`)
  } else if (m.phase === 'completed' && m.check?.command === null)
    text = `$(warning) Orchestrator: completed${count} — no check ran`
  else text = `${PHASE_ICON[m.phase]} Orchestrator: ${m.phase}${count}`
  return { text, tooltip: lines.join('\n') }
}
