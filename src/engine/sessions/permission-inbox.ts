// The permission requests of the mission's sessions and of the children spawned inside them, waiting
// for the user. A tree (a mission session and its children) is asking while any of its requests is
// open, and its agent shows as waiting meanwhile; abort does not cascade to children, so the requests
// left in a tree whose root went idle are stale and dropped. The list is replaced, never mutated, as
// the mission state publishes it.

import type { AgentRoster } from '../record/agent-roster'
import type { MissionSessions } from './mission-sessions'
import type { PermissionAsk } from '../record/mission-state'
import type { HostEvent } from '../ports'

export interface PermissionInboxDeps {
  sessions: MissionSessions
  roster: AgentRoster
  /** Publishes the mission state. */
  publish: () => void
}

export class PermissionInbox {
  #asks: PermissionAsk[] = []

  constructor(private readonly d: PermissionInboxDeps) {}

  get asks(): PermissionAsk[] {
    return this.#asks
  }

  find(requestId: string): PermissionAsk | undefined {
    return this.#asks.find((a) => a.requestId === requestId)
  }

  /** A session of the tree under `rootId` asked: its agent waits on the user. */
  asked(e: Extract<HostEvent, { type: 'permission.asked' }>, rootId: string): void {
    const live = this.d.sessions.live.get(rootId)
    if (!live || this.#asks.some((a) => a.requestId === e.requestId)) return
    const todoId = live.turn?.todoId
    this.#asks = [
      ...this.#asks,
      {
        requestId: e.requestId,
        sessionId: e.sessionId,
        role: live.role,
        permission: e.permission,
        patterns: e.patterns,
        ...(todoId !== undefined && { todoId }),
      },
    ]
    // The agent waits on the user, whether it asked itself or a child of its did.
    this.d.roster.patch(rootId, { status: 'waiting' })
    this.d.publish()
  }

  /** Removes an answered request; its agent works again once no other request of its tree is open. */
  answered(requestId: string, rootId: string): void {
    this.#asks = this.#asks.filter((a) => a.requestId !== requestId)
    const stillAsking = this.#asks.some((a) => this.d.sessions.inTree(a.sessionId, rootId))
    if (!stillAsking && this.d.sessions.live.get(rootId)?.busy)
      this.d.roster.patch(rootId, { status: 'busy' })
    this.d.publish()
  }

  /** Drops the requests of a tree whose root went idle. */
  dropTree(rootId: string): void {
    const stale = this.#asks.filter((a) => this.d.sessions.inTree(a.sessionId, rootId))
    if (stale.length) this.#asks = this.#asks.filter((a) => !stale.includes(a))
  }
}
