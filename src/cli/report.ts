import type { MissionState } from '../engine/mission-state'

/** The `--json` report (a contract: product.md). */
export interface MissionReport {
  status: 'completed' | 'failed' | 'stopped'
  reason: string | null
  todos: { id: string; status: string; attempts: number; evidence: unknown[] }[]
  iterations: number
  tokens: number
  cost: number
  durationMs: number
  modelCalls: number
}

export function toReport(s: MissionState): MissionReport {
  return {
    status: s.phase === 'completed' ? 'completed' : s.phase === 'stopped' ? 'stopped' : 'failed',
    reason: s.reason ?? null,
    todos: [],
    iterations: 1,
    tokens: s.tokens,
    cost: s.cost,
    durationMs: (s.endedAt ?? s.startedAt) - s.startedAt,
    modelCalls: s.modelCalls,
  }
}

/** One stderr line per visible change of the mission. */
export function progressLine(s: MissionState): string {
  const agents = s.agents.map((a) => `${a.role}:${a.status}${a.tool ? `(${a.tool})` : ''}`).join(' ')
  return `[${s.phase}] ${agents}${s.tokens ? ` · ${s.tokens} tokens` : ''}`
}
