import { applyMissionDelta } from '../../src/shared/mission-delta'
import {
  PROTOCOL_VERSION,
  type DashboardSnapshot,
  type HostToWebview,
  type MissionView,
} from '../../src/shared/protocol'
import { isLive } from './agents'
import { announcement } from './announce'
import { MissionFields } from './mission-fields.svelte'

const TERMINAL = ['completed', 'failed', 'stopped']

/** Host-owned state, set by host messages only (through apply()). */
export class DashboardStore {
  /** The host message the state is at; a delta for another base means one was missed. */
  #seq: number | undefined
  /** A snapshot was asked for: deltas until it comes are dropped without asking again. */
  #resyncing = false
  /** The mission as plain data, what the next delta applies to; {@link mission} shows it. */
  #view: MissionView | undefined

  /**
   * @param resync asks the host for a whole snapshot (a missed delta, another mission).
   * @param applied is told the number of each host message once the state holds it.
   */
  constructor(
    private readonly resync: () => void = () => {},
    private readonly applied: (seq: number) => void = () => {},
  ) {}

  /** The server and whether missions can run here: only whole snapshots change them. */
  host = $state.raw<Omit<DashboardSnapshot, 'mission'> | undefined>(undefined)
  /** The mission, a signal per field: deltas wake only what reads the fields they change. */
  mission = $state.raw<MissionFields | undefined>(undefined)
  /** Set when the host speaks another protocol version (a view left open across an update). */
  outdated = $state(false)
  /** Rows the user expanded (webview-owned, by todo id or session id). */
  expanded = $state<Record<string, boolean>>({})
  /** The latest phase change and todo results, for the aria-live region; kept until the next one. */
  announced = $state('')
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
    if (msg.protocol !== PROTOCOL_VERSION) {
      // A message of another version has another shape: rendering it would throw.
      this.outdated = true
      this.host = undefined
      this.#show(undefined)
      return
    }
    this.outdated = false
    switch (msg.type) {
      case 'snapshot': {
        const { mission, ...host } = msg.state
        this.host = host
        this.#seq = msg.seq
        this.#resyncing = false
        this.#show(mission)
        break
      }
      case 'delta': {
        const view = this.#view
        if (!view || view.id !== msg.mission.id || this.#seq !== msg.base) {
          this.#seq = undefined
          if (!this.#resyncing) this.resync()
          this.#resyncing = true
          return
        }
        this.#seq = msg.seq
        this.#show(applyMissionDelta(view, msg.mission))
        break
      }
    }
    if (msg.seq !== undefined) this.applied(msg.seq)
  }

  toggle = (id: string): void => {
    this.expanded[id] = !this.expanded[id]
  }

  #show(next: MissionView | undefined): void {
    const prev = this.#view
    this.#view = next
    if (!next) this.mission = undefined
    else if (this.mission?.id === next.id) this.mission.assign(next)
    else {
      // Another mission: rows it shares ids with (todo "one" again) start closed.
      if (this.mission) this.expanded = {}
      this.mission = new MissionFields(next)
    }
    // Only a phase, pause, todo, check or question change has anything to say.
    if (
      prev &&
      next &&
      (prev.phase !== next.phase ||
        prev.paused !== next.paused ||
        prev.todos !== next.todos ||
        prev.checks !== next.checks ||
        prev.needsYou !== next.needsYou)
    ) {
      const said = announcement(prev, next)
      if (said) this.announced = said
    }
  }
}
