import type { MissionState } from '../engine/mission-state'
import type { DashboardSnapshot, MissionView } from '../shared/protocol'
import type { ServerState } from './server-controller'

export function toMissionView(m: MissionState): MissionView {
  return {
    id: m.id,
    goal: m.goal,
    phase: m.phase,
    startedAt: m.startedAt,
    ...(m.endedAt !== undefined && { endedAt: m.endedAt }),
    ...(m.result !== undefined && { result: m.result }),
    ...(m.reason !== undefined && { reason: m.reason }),
    tokens: m.tokens,
    cost: m.cost,
    agents: m.agents.map((a) => ({
      sessionId: a.sessionId,
      role: a.role,
      title: a.title,
      status: a.status,
      tokens: a.tokens,
      cost: a.cost,
      startedAt: a.startedAt,
      lastActivityAt: a.lastActivityAt,
      ...(a.tool !== undefined && { tool: a.tool }),
      ...(a.text !== undefined && { text: a.text }),
      ...(a.error !== undefined && { error: a.error }),
    })),
  }
}

export function buildSnapshot(
  server: ServerState,
  mission: MissionState | undefined,
  blocked: string | undefined,
): DashboardSnapshot {
  return {
    server: { status: server.status, ...(server.url && { url: server.url }), ...(server.error && { error: server.error }) },
    ...(mission && { mission: toMissionView(mission) }),
    ...(blocked && { blocked }),
  }
}
