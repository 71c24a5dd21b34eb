import type { MissionView } from '../../src/shared/protocol'

/**
 * The mission the view shows, one signal per field. A delta changes a few fields (the agents, a lane,
 * the totals); what reads only the others (the todo list, the header) is not woken, and a field set
 * to the value it holds (the same object, for the parts the host left alone) wakes nothing either.
 */
export class MissionFields implements MissionView {
  readonly id: string
  goal = $state.raw('')
  title = $state.raw<string | undefined>()
  phase = $state.raw('')
  iteration = $state.raw(0)
  paused = $state.raw(false)
  startedAt = $state.raw(0)
  endedAt = $state.raw<number | undefined>()
  result = $state.raw<string | undefined>()
  reason = $state.raw<string | undefined>()
  check = $state.raw<MissionView['check']>()
  tokens = $state.raw(0)
  cost = $state.raw(0)
  folder = $state.raw<string | undefined>()
  agents = $state.raw<MissionView['agents']>([])
  todos = $state.raw<MissionView['todos']>([])
  inbox = $state.raw<MissionView['inbox']>([])
  needsYou = $state.raw<MissionView['needsYou']>()
  checks = $state.raw<MissionView['checks']>()
  budgets = $state.raw<MissionView['budgets']>()
  timeline = $state.raw<MissionView['timeline']>()
  isolation = $state.raw<MissionView['isolation']>()
  changes = $state.raw<MissionView['changes']>()
  runsIn = $state.raw<string | undefined>()

  constructor(view: MissionView) {
    this.id = view.id
    this.assign(view)
  }

  /** Takes every field of `view`, a view of this mission. */
  assign(view: MissionView): void {
    this.goal = view.goal
    this.title = view.title
    this.phase = view.phase
    this.iteration = view.iteration
    this.paused = view.paused
    this.startedAt = view.startedAt
    this.endedAt = view.endedAt
    this.result = view.result
    this.reason = view.reason
    this.check = view.check
    this.tokens = view.tokens
    this.cost = view.cost
    this.folder = view.folder
    this.agents = view.agents
    this.todos = view.todos
    this.inbox = view.inbox
    this.needsYou = view.needsYou
    this.checks = view.checks
    this.budgets = view.budgets
    this.timeline = view.timeline
    this.isolation = view.isolation
    this.changes = view.changes
    this.runsIn = view.runsIn
  }
}
