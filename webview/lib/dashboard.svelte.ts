import { PROTOCOL_VERSION, type DashboardSnapshot, type HostToWebview } from '../../src/shared/protocol'

/** Host-owned state, replaced whole on every snapshot; only apply() writes it. */
export class DashboardStore {
  snapshot = $state.raw<DashboardSnapshot | undefined>(undefined)
  /** Set when the host speaks another protocol version (a stale view after an update). */
  stale = $state(false)
  mission = $derived(this.snapshot?.mission)
  running = $derived(
    this.mission !== undefined && !['completed', 'failed', 'stopped'].includes(this.mission.phase),
  )

  apply = (msg: HostToWebview): void => {
    switch (msg.type) {
      case 'snapshot':
        this.stale = msg.protocol !== PROTOCOL_VERSION
        this.snapshot = msg.state
        return
    }
  }
}
