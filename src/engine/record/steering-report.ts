// The "Steering" section of a past mission's report: what the user told which agent, and whether it
// reached the agent. Missions nobody steered have no such section.

import type { MissionSnapshot } from './entries'

/** The section's lines (none when no agent was steered), each message on one line. */
export function steeringSection(snap: MissionSnapshot): string[] {
  const lines: string[] = []
  for (const s of Object.values(snap.sessions)) {
    const who = `${s.role[0]?.toUpperCase()}${s.role.slice(1)}${s.todoId ? ` on \`${s.todoId}\`` : ''}`
    for (const m of s.steering ?? []) {
      const note = m.note ? ` (${m.note})` : ''
      lines.push(`- ${who}: **${m.status}**${note} — ${m.text.replace(/\s+/g, ' ').trim()}`)
    }
  }
  return lines.length ? ['', '## Steering', '', ...lines] : []
}
