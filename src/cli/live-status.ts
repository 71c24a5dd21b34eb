import {
  isTerminal,
  type AgentState,
  type MissionState,
  type TodoState,
} from '../engine/record/mission-state'
import type { BudgetLimits } from '../engine/guards/budgets'
import { METERED_KINDS, type MeteredKind } from '../shared/budget-kinds'
import { METER_USE } from '../shared/budget-meters'
import { waitingText } from '../shared/waiting'
import { terminalLine, terminalText } from '../shared/terminal-text'

// The CLI's progress on a terminal: one status block (phase, n/m, the running agents with their todo
// and tool, the budgets) redrawn in place, and one permanent line per todo result above it. Other
// output (warnings, permission questions) goes through `print`, so it lands above the block instead
// of inside it. Redraws are coalesced to one per frame, and the clock in the block ticks once a second
// while the mission runs.

/** A todo outcome worth a permanent line. */
const RESULT_STATUSES: ReadonlySet<TodoState['status']> = new Set([
  'passed',
  'failed',
  'blocked',
  'cancelled',
  // Left unfinished when the mission stopped or failed: said once, with what it was doing.
  'interrupted',
])
const RUNNING_AGENTS: ReadonlySet<AgentState['status']> = new Set(['starting', 'busy', 'retry', 'waiting'])
const FRAME_MS = 80
const TICK_MS = 1_000

const ESC = '\x1b['
const clearLine = `${ESC}2K`
const up = (n: number) => (n > 0 ? `${ESC}${n}A` : '')

export interface LiveStatusOptions {
  write: (text: string) => void
  /** Terminal width; lines are cut to it so that a redraw moves up exactly one row per line. */
  columns: () => number
  /** The mission's limits, shown next to what it used. */
  budgets?: BudgetLimits
  now?: () => number
}

export class LiveStatus {
  #height = 0
  #suspended = false
  #state: MissionState | undefined
  #timer: ReturnType<typeof setTimeout> | undefined
  #tick: ReturnType<typeof setInterval> | undefined
  readonly #reported = new Map<string, string>()
  readonly #o: LiveStatusOptions

  constructor(options: LiveStatusOptions) {
    this.#o = options
  }

  /** Takes the mission's latest state; the block follows within a frame. */
  update(state: MissionState): void {
    this.#state = state
    if (isTerminal(state.phase)) this.#stopTicking()
    else this.#tick ??= setInterval(() => this.#render(), TICK_MS).unref()
    this.#timer ??= setTimeout(() => {
      this.#timer = undefined
      this.#render()
    }, FRAME_MS)
  }

  /** Prints text above the block (it stays in the scrollback). */
  print(text: string): void {
    const shown = terminalText(text)
    const line = shown.endsWith('\n') ? shown : `${shown}\n`
    if (this.#suspended) return this.#o.write(line)
    this.#o.write(`${this.#erase()}${line}${this.#block()}`)
  }

  /** Takes the block off the screen until the returned function is called (e.g. while a question is asked). */
  suspend(): () => void {
    this.#o.write(this.#erase())
    this.#suspended = true
    return () => {
      this.#suspended = false
      this.#render()
    }
  }

  /** Draws the last state at once and leaves the block in the scrollback as it is. */
  finish(): void {
    this.#stopTicking()
    if (this.#timer) clearTimeout(this.#timer)
    this.#timer = undefined
    this.#render()
    this.#height = 0
  }

  #stopTicking(): void {
    if (this.#tick) clearInterval(this.#tick)
    this.#tick = undefined
  }

  #render(): void {
    if (this.#suspended) return
    this.#o.write(`${this.#erase()}${this.#results()}${this.#block()}`)
  }

  /** Moves to the block's first line and clears it and everything below. */
  #erase(): string {
    const height = this.#height
    this.#height = 0
    return height ? `${up(height)}\r${ESC}0J` : ''
  }

  /** One line per todo whose result is new (or changed, when a re-plan reopened it). */
  #results(): string {
    let out = ''
    for (const t of this.#state?.todos ?? []) {
      if (!RESULT_STATUSES.has(t.status) || this.#reported.get(t.id) === t.status) continue
      this.#reported.set(t.id, t.status)
      out += `${this.#fit(todoResultLine(t))}\n`
    }
    return out
  }

  #block(): string {
    const s = this.#state
    if (!s) return ''
    const lines = statusBlock(s, this.#o.budgets, (this.#o.now ?? Date.now)()).map((l) => this.#fit(l))
    this.#height = lines.length
    return lines.map((l) => `${clearLine}${l}\n`).join('')
  }

  /** One line of the block: control characters shown, cut to the terminal's width. */
  #fit(text: string): string {
    const line = terminalLine(text)
    const width = Math.max(20, this.#o.columns())
    return line.length < width ? line : `${line.slice(0, width - 2)}…`
  }
}

export function todoResultLine(t: TodoState): string {
  const mark =
    t.status === 'passed'
      ? '✓'
      : t.status === 'failed'
        ? '✗'
        : t.status === 'cancelled'
          ? '⨯'
          : t.status === 'interrupted'
            ? '◌'
            : '⊘'
  const tries = t.attempts > 1 ? ` (${t.attempts} attempts)` : ''
  const note =
    t.status === 'passed'
      ? ''
      : t.status === 'cancelled' || t.status === 'interrupted' || t.blockedBy?.length
        ? ` — ${t.reason ?? t.status}`
        : t.findings.length
          ? ` — ${t.findings.join('; ')}`
          : ''
  return `${mark} ${t.id} ${t.status}${tries}: ${t.title}${note}`
}

/** The block's lines: the mission, then one line per running agent. */
export function statusBlock(s: MissionState, budgets: BudgetLimits | undefined, now: number): string[] {
  const passed = s.todos.filter((t) => t.status === 'passed').length
  const head = [
    `${s.phase}${s.paused ? ' (paused)' : ''}${s.iteration > 1 ? ` · round ${s.iteration}` : ''}`,
    ...(s.todos.length ? [`${passed}/${s.todos.length} todos`] : []),
    ...METERED_KINDS.map((k) => {
      const { fmt, suffix } = STATUS_UNITS[k.unit]
      const limit = budgets?.[k.option]
      return `${fmt(METER_USE[k.reason](s, now))}${limit ? `/${fmt(limit)}` : ''}${suffix}`
    }),
  ].join(' · ')
  const agents = s.agents.filter((a) => RUNNING_AGENTS.has(a.status)).map((a) => `  ${agentLine(a, now)}`)
  return [head, ...agents]
}

function agentLine(a: AgentState, now: number): string {
  const what = a.todoId ? ` ${a.todoId}` : ''
  const doing =
    a.status === 'retry' && a.retry
      ? waitingText(a, now)
      : a.status === 'waiting'
        ? 'waiting for permission'
        : a.tool
          ? `running ${a.tool}`
          : a.status === 'starting'
            ? 'starting'
            : 'thinking'
  return `${a.role}${what} · ${doing}`
}

/** How the status line shows each metered unit: `52k/200k tokens · $1.50/$5.00 · 1:30/60:00`. */
const STATUS_UNITS: { readonly [U in MeteredKind['unit']]: StatusUnit } = {
  tokens: { fmt: (n) => formatTokens(n), suffix: ' tokens' },
  usd: { fmt: (n) => `$${n.toFixed(2)}`, suffix: '' },
  ms: { fmt: (n) => formatMinutes(n), suffix: '' },
}

interface StatusUnit {
  fmt: (n: number) => string
  suffix: string
}

const formatTokens = (n: number) => (n >= 10_000 ? `${Math.round(n / 1000)}k` : String(n))

function formatMinutes(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000))
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`
}
