// The agents as the dashboard shows them: one AgentState per session of the mission, the list
// replaced (never mutated) on every change so that views can compare by identity, with the usage
// totals folded from the host's events and the count of model calls answered in full. Every status
// change passes withBusySpan, so each agent's busy time is kept whichever path changed it. An agent's
// last text is shown as a bounded excerpt (an answer can be 50 KB); the whole of it stays here, for
// the repeated-output breaker only.

import { foldAgentEvent, UsageLedger, withBusySpan } from './agent-fold'
import type { AgentState, AgentStatus } from './mission-state'
import type { HostEvent, ModelLimit } from '../ports'
import { excerpt } from '../util/excerpt'

/** The most of an agent's last text the published state carries. */
export const AGENT_TEXT_MAX_CHARS = 2_000

export class AgentRoster {
  #agents: AgentState[] = []
  /**
   * Each session's first agent's place in the list (agents are only ever added at its end): an event
   * finds its agent at once, however many the mission made.
   */
  readonly #at = new Map<string, number>()
  /** A session was added twice (a fake server reusing ids): a change then reaches each of its agents. */
  #twice = false
  /** The usage totals, summed again only when an agent's usage changed: every publish reads them. */
  #totals = { tokens: 0, cost: 0 }
  readonly #ledger = new UsageLedger()
  /** Assistant messages that completed with an answer: the model calls the mission paid for in full. */
  readonly #answered = new Set<string>()
  #callsBefore = 0
  /** The whole last text of agents whose text is shown cut. */
  readonly #fullText = new Map<string, string>()
  /** Context windows by `providerID/modelID`, once the server listed them. */
  #limits: Readonly<Record<string, ModelLimit>> = {}
  /** Set by {@link endAll}: what a session still being made at the end is; no agent is active after it. */
  #endedAs: AgentStatus | undefined

  /** Takes the server's model limits; agents get theirs from their next assistant message. */
  setLimits(limits: Readonly<Record<string, ModelLimit>>): void {
    this.#limits = limits
  }

  constructor(
    /** The mission's clock: stamps the busy spans of status changes that carry no time. */
    private readonly now: () => number,
  ) {}

  get list(): AgentState[] {
    return this.#agents
  }

  get tokens(): number {
    return this.#totals.tokens
  }

  get cost(): number {
    return this.#totals.cost
  }

  #sum(): void {
    this.#totals = {
      tokens: this.#agents.reduce((n, a) => n + a.tokens, 0),
      cost: this.#agents.reduce((n, a) => n + a.cost, 0),
    }
  }

  /** Model calls answered in full: those journaled before this instance, and those it saw. */
  get modelCalls(): number {
    return this.#callsBefore + this.#answered.size
  }

  /** A resumed mission counts on from the calls its journal holds. */
  seedModelCalls(journaled: number): void {
    this.#callsBefore = journaled
  }

  has(sessionId: string): boolean {
    return this.#at.has(sessionId)
  }

  /** Adds an agent; after the end, one whose session was being made then, cut like the working ones. */
  add(agent: AgentState): void {
    const ended = this.#endedAs && { ...agent, status: this.#endedAs, tool: undefined, retry: undefined }
    if (this.#at.has(agent.sessionId)) this.#twice = true
    else this.#at.set(agent.sessionId, this.#agents.length)
    const added = withBusySpan(ended || agent, this.now())
    this.#agents = [...this.#agents, added]
    // What the sum over the list would give: its last term added last.
    this.#totals = { tokens: this.#totals.tokens + added.tokens, cost: this.#totals.cost + added.cost }
  }

  /** Changes an agent; after the end its status stays what the end made it. */
  patch(sessionId: string, patch: Partial<AgentState>): void {
    const now = this.now()
    const changed = (a: AgentState) =>
      withBusySpan(
        this.#endedAs
          ? { ...a, ...patch, status: a.status, tool: a.tool, retry: a.retry }
          : { ...a, ...patch },
        now,
      )
    const i = this.#twice ? undefined : this.#at.get(sessionId)
    this.#agents =
      i === undefined
        ? this.#agents.map((a) => (a.sessionId === sessionId ? changed(a) : a))
        : this.#agents.with(i, changed(this.#agents[i] as AgentState))
    if (patch.tokens !== undefined || patch.cost !== undefined) this.#sum()
  }

  /** Folds a host event into the agent of its session; true when the agent changed. */
  fold(event: HostEvent, now: number): boolean {
    const i =
      'sessionId' in event && event.sessionId !== undefined ? this.#at.get(event.sessionId) : undefined
    const agent = i === undefined ? undefined : this.#agents[i]
    if (!agent || i === undefined) return false
    let folded = foldAgentEvent(agent, event, now, this.#ledger, this.#limits)
    if (folded === agent) return false
    // An aborted agent (its todo cancelled) stays aborted through the idle its abort brings.
    if (agent.status === 'aborted' && folded.status !== 'aborted') folded = { ...folded, status: 'aborted' }
    let next = withBusySpan(folded, now)
    if (next.text !== agent.text) {
      this.#fullText.delete(agent.sessionId)
      if (next.text !== undefined && next.text.length > AGENT_TEXT_MAX_CHARS) {
        this.#fullText.set(agent.sessionId, next.text)
        next = { ...next, text: excerpt(next.text, AGENT_TEXT_MAX_CHARS) }
      }
    }
    this.#agents = this.#agents.with(i, next)
    if (next.tokens !== agent.tokens || next.cost !== agent.cost) this.#sum()
    return true
  }

  answered(messageId: string): boolean {
    return this.#answered.has(messageId)
  }

  recordAnswer(messageId: string): void {
    this.#answered.add(messageId)
  }

  /** The last text the agent of a session wrote. */
  text(sessionId: string): string | undefined {
    const i = this.#at.get(sessionId)
    return this.#fullText.get(sessionId) ?? (i === undefined ? undefined : this.#agents[i]?.text)
  }

  /**
   * At the mission's end: the agents of `cut` sessions were working and are `status`, the rest done
   * (those aborted earlier, with their cancelled todo, stay aborted). Final: what arrives later (a
   * permission ask, a session whose creation was under way) makes no agent active again.
   */
  endAll(cut: ReadonlySet<string>, status: AgentStatus): void {
    this.#endedAs = status
    const now = this.now()
    this.#agents = this.#agents.map((a) =>
      withBusySpan(
        {
          ...a,
          status: a.status === 'aborted' ? 'aborted' : cut.has(a.sessionId) ? status : 'done',
          tool: undefined,
          retry: undefined,
        },
        now,
      ),
    )
  }
}
