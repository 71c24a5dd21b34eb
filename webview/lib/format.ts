import type { MissionView } from '../../src/shared/protocol'

export { formatDuration } from '../../src/shared/format-duration'
export { formatCost, formatTokens } from '../../src/shared/format-usage'

/** The phase as the card shows it: a mission that completed without running a check says so. */
export function phaseLabel(m: Pick<MissionView, 'phase' | 'check'>): string {
  return m.phase === 'completed' && m.check?.command === null ? 'completed — no check ran' : m.phase
}

/** Which check gives the evidence, and why that one. */
export function checkLabel(check: NonNullable<MissionView['check']>): string {
  return check.command ? `check: ${check.command} (${check.source})` : `no check: ${check.source}`
}

/** Milliseconds → "0s", "42s", "4m 05s", "1h 02m": whole seconds, for live counters. */
export function formatElapsed(ms: number): string {
  const s = Math.floor(ms / 1000)
  if (s < 60) return `${s}s`
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`
}

/**
 * Why a mission meant for worktrees runs shared, in a few words: "worktree isolation is off: the
 * folder is not in a git repository (…); the agents work in the shared folder" → "the folder is not
 * in a git repository".
 */
export function sharedWhy(reason: string): string {
  return reason
    .replace(/^worktree isolation is off:\s*/, '')
    .replace(/;\s*the agents work in the shared folder\.?$/, '')
    .replace(/\s*\([^()]*\)$/, '')
}
