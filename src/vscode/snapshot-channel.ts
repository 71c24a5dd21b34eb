// What the dashboard host posts: a whole snapshot when the view needs one, else the delta of the
// mission since the last message. Pure (no vscode), so the render benchmark sends what the view does.

import { missionDelta } from '../shared/mission-delta'
import { PROTOCOL_VERSION, type DashboardSnapshot, type HostToWebview } from '../shared/protocol'

export class SnapshotChannel {
  #last: DashboardSnapshot | undefined
  #seq = 0

  /** A whole snapshot: on `ready`, on becoming visible. Later deltas build on it. */
  full(state: DashboardSnapshot): HostToWebview {
    this.#last = state
    return { type: 'snapshot', protocol: PROTOCOL_VERSION, seq: ++this.#seq, state }
  }

  /** The message that brings the view from the last one to `state`; undefined when nothing changed. */
  next(state: DashboardSnapshot): HostToWebview | undefined {
    const last = this.#last
    if (
      !last?.mission ||
      !state.mission ||
      last.mission.id !== state.mission.id ||
      last.blocked !== state.blocked ||
      last.starting?.goal !== state.starting?.goal ||
      last.starting?.step !== state.starting?.step ||
      last.interrupted?.id !== state.interrupted?.id ||
      last.missions !== state.missions ||
      last.server.status !== state.server.status ||
      last.server.url !== state.server.url ||
      last.server.error !== state.server.error
    )
      return this.full(state)
    const delta = missionDelta(last.mission, state.mission)
    this.#last = state
    if (!delta) return undefined
    const base = this.#seq
    return { type: 'delta', protocol: PROTOCOL_VERSION, seq: ++this.#seq, base, mission: delta }
  }
}
