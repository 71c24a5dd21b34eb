import { PROTOCOL_VERSION, type DashboardSnapshot, type HostToWebview } from '../../src/shared/protocol'
import { isLive } from './agents'

const TERMINAL = ['completed', 'failed', 'stopped']

/** Host-owned state, replaced whole on every snapshot; only apply() writes it. */
export class DashboardStore {
  snapshot = $state.raw<DashboardSnapshot | undefined>(undefined)
  /** Set when the host speaks another protocol version (a view left open across an update). */
  outdated = $state(false)
  mission = $derived(this.snapshot?.mission)
  running = $derived(this.mission !== undefined && !TERMINAL.includes(this.mission.phase))
  /** Some agent's elapsed time is growing: the only time the view needs a ticking clock. */
  live = $derived(this.running && (this.mission?.agents.some(isLive) ?? false))
  progress = $derived.by(() => {
    const todos = this.mission?.todos ?? []
    let done = 0
    let failed = 0
    for (const t of todos) {
      if (t.status === 'passed') done++
      else if (t.status === 'failed') failed++
    }
    return { done, failed, total: todos.length }
  })

  apply = (msg: HostToWebview): void => {
    switch (msg.type) {
      case 'snapshot':
        // A snapshot of another version has another shape: rendering it would throw.
        this.outdated = msg.protocol !== PROTOCOL_VERSION
        this.snapshot = this.outdated ? undefined : msg.state
        return
    }
  }
}
