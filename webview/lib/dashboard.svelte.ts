import { applyMissionDelta } from '../../src/shared/mission-delta'
import { PROTOCOL_VERSION, type DashboardSnapshot, type HostToWebview } from '../../src/shared/protocol'
import { isLive } from './agents'
import { announcement } from './announce'

const TERMINAL = ['completed', 'failed', 'stopped']

/** Host-owned state, replaced on every message (parts a delta leaves alone are kept); only apply() writes it. */
export class DashboardStore {
  /** The host message the state is at; a delta for another base means one was missed. */
  #seq: number | undefined
  /** A snapshot was asked for: deltas until it comes are dropped without asking again. */
  #resyncing = false

  /** @param resync asks the host for a whole snapshot (a missed delta, another mission). */
  constructor(private readonly resync: () => void = () => {}) {}

  snapshot = $state.raw<DashboardSnapshot | undefined>(undefined)
  /** Set when the host speaks another protocol version (a view left open across an update). */
  outdated = $state(false)
  /** Rows the user expanded (webview-owned, by todo id or session id). */
  expanded = $state<Record<string, boolean>>({})
  /** The latest phase change and todo results, for the aria-live region; kept until the next one. */
  announced = $state('')
  mission = $derived(this.snapshot?.mission)
  running = $derived(this.mission !== undefined && !TERMINAL.includes(this.mission.phase))
  /** Some agent's elapsed time is growing: the only time the view needs a ticking clock. */
  live = $derived(this.running && (this.mission?.agents.some(isLive) ?? false))
  /** Agents shown above the plan: planners, and any agent whose todo the plan does not (yet) hold. */
  topAgents = $derived.by(() => {
    const m = this.mission
    if (!m) return []
    const ids = m.todos.map((t) => t.id)
    return m.agents.filter((a) => a.todoId === undefined || !ids.includes(a.todoId))
  })
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
        {
          const prev = this.snapshot?.mission
          this.snapshot = this.outdated ? undefined : msg.state
          this.#seq = msg.seq
          this.#resyncing = false
          const said = announcement(prev, this.snapshot?.mission)
          if (said) this.announced = said
        }
        return
      case 'delta': {
        if (msg.protocol !== PROTOCOL_VERSION) {
          this.outdated = true
          this.snapshot = undefined
          return
        }
        const snap = this.snapshot
        if (!snap?.mission || snap.mission.id !== msg.mission.id || this.#seq !== msg.base) {
          this.#seq = undefined
          if (!this.#resyncing) this.resync()
          this.#resyncing = true
          return
        }
        this.#seq = msg.seq
        this.snapshot = { ...snap, mission: applyMissionDelta(snap.mission, msg.mission) }
        return
      }
    }
  }

  toggle = (id: string): void => {
    this.expanded[id] = !this.expanded[id]
  }
}
