import { cutLine } from '../engine/util/cut-line'
import { scrubSecrets } from '../engine/util/scrub-secrets'

// The timeline tab's title. Pure (no vscode), so it is tested without an editor.

/** Longest mission name in the tab's title: a tab shows little more before it ellipsizes. */
const TAB_NAME_CHARS = 40

/** "Timeline: <the mission's short title, else its goal's first line>"; without a mission, the tab's name. */
export function timelineTitle(mission: { goal: string; title?: string } | undefined): string {
  if (!mission) return 'Orchestrator Timeline'
  // The planner's title is model output, scrubbed as the dashboard shows it.
  const name = (mission.title ?? mission.goal.split('\n', 1)[0] ?? '').trim()
  return name ? `Timeline: ${cutLine(scrubSecrets(name), TAB_NAME_CHARS)}` : 'Orchestrator Timeline'
}
