// The mission's phase and its legal moves, in one table. A mission starts, plans, works, checks and
// re-plans until it ends; an ended mission never moves again. Pause and a lost server are flags, not
// phases: the phase says where the mission is in its story, the flags whether it may go on now.

import { isTerminal, type MissionPhase } from '../record/mission-state'

export type EndStatus = 'completed' | 'failed' | 'stopped'
type Running = Exclude<MissionPhase, EndStatus>

/** Where each running phase may go next (any of them may also end). */
export const TRANSITIONS: Readonly<Record<Running, readonly Running[]>> = {
  // A new mission plans; a resumed one goes back to where its journal left it.
  starting: ['planning', 'working'],
  // A plan is accepted, or the planner tries again.
  planning: ['planning', 'working'],
  // Every todo passed: the check; nothing else can progress: a new plan.
  working: ['checking', 'planning'],
  // The check failed: a new plan (its pass ends the mission).
  checking: ['planning'],
}

export class Phase {
  #now: MissionPhase = 'starting'

  constructor(private readonly changed: (phase: MissionPhase) => void) {}

  get now(): MissionPhase {
    return this.#now
  }

  get over(): boolean {
    return isTerminal(this.#now)
  }

  /** Moves a running mission on; a move the table does not allow is a bug in the engine. */
  move(to: Running): void {
    if (this.over) return
    const from = this.#now as Running
    if (from === to && to !== 'planning') return
    if (!TRANSITIONS[from].includes(to)) throw new Error(`the mission cannot go from ${from} to ${to}`)
    this.#now = to
    this.changed(to)
  }

  /**
   * Ends the mission; false when it had ended already (so the closing work runs once). The caller
   * publishes the end together with its reason.
   */
  end(status: EndStatus): boolean {
    if (this.over) return false
    this.#now = status
    return true
  }
}
