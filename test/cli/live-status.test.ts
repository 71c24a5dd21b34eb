import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { LiveStatus, statusBlock } from '../../src/cli/live-status'
import type { TodoState } from '../../src/engine/record/mission-state'
import { agentState, missionState, todoState } from '../fixtures/mission-state'

/** Enough of a terminal to replay what the status block writes: text, \n, \r, ESC[nA, ESC[0J, ESC[2K. */
class Screen {
  lines: string[] = ['']
  row = 0
  col = 0
  write = (text: string) => {
    // eslint-disable-next-line no-control-regex -- the escape sequences are what is under test
    const re = /\x1b\[(\d*)([AJK])|\r|\n|[^\x1b\r\n]+/g
    for (const m of text.matchAll(re)) {
      const [tok, n, op] = m
      if (op === 'A') this.row = Math.max(0, this.row - Number(n || 1))
      else if (op === 'J') {
        this.lines.splice(this.row + 1)
        this.lines[this.row] = ''
      } else if (op === 'K') this.lines[this.row] = ''
      else if (tok === '\r') this.col = 0
      else if (tok === '\n') {
        this.row++
        this.col = 0
        if (this.lines.length <= this.row) this.lines.push('')
      } else {
        const line = this.lines[this.row] ?? ''
        this.lines[this.row] = line.slice(0, this.col) + tok + line.slice(this.col + tok.length)
        this.col += tok.length
      }
    }
  }
  get text() {
    return this.lines.filter((l, i) => l !== '' || i < this.row).join('\n')
  }
}

const todo = (id: string, status: TodoState['status']) => todoState(id, status, { title: `do ${id}` })
const agent = agentState
const state = missionState

describe('LiveStatus (terminal progress)', () => {
  beforeEach(() => void vi.useFakeTimers())
  afterEach(() => void vi.useRealTimers())

  it('redraws one block in place and leaves one permanent line per todo result above it', () => {
    const screen = new Screen()
    const live = new LiveStatus({ write: screen.write, columns: () => 100, now: () => 65_000 })
    const a = agent('s1', { todoId: 'api', tool: 'edit' })
    const b = agent('s2', { todoId: 'ui' })
    live.update(state({ todos: [todo('api', 'running'), todo('ui', 'running')], agents: [a, b] }))
    vi.advanceTimersByTime(100)
    live.update(state({ todos: [todo('api', 'passed'), todo('ui', 'running')], agents: [b], tokens: 1200 }))
    vi.advanceTimersByTime(100)
    // The same result again must not print a second line.
    live.update(state({ todos: [todo('api', 'passed'), todo('ui', 'running')], agents: [b], tokens: 1500 }))
    vi.advanceTimersByTime(100)

    expect(screen.text.split('\n')).toEqual([
      '✓ api passed: do api',
      'working · 1/2 todos · 1500 tokens · $0.00 · 1:05',
      '  worker ui · thinking',
    ])
  })

  it('says once of each todo the mission left unfinished when it stopped, with what it was doing', () => {
    const screen = new Screen()
    const live = new LiveStatus({ write: screen.write, columns: () => 120, now: () => 0 })
    const cut = todoState('ui', 'interrupted', {
      title: 'do ui',
      reason: 'the mission stopped while it was being worked on',
    })
    live.update(state({ phase: 'stopped', todos: [todo('api', 'passed'), cut] }))
    vi.advanceTimersByTime(100)
    live.update(state({ phase: 'stopped', todos: [todo('api', 'passed'), cut], tokens: 5 }))
    vi.advanceTimersByTime(100)
    const lines = screen.text.split('\n')
    expect(lines.filter((l) => l.startsWith('◌ ui interrupted: do ui'))).toEqual([
      '◌ ui interrupted: do ui — the mission stopped while it was being worked on',
    ])
  })

  it("shows a model's control characters instead of sending them, and keeps its block in place", () => {
    const screen = new Screen()
    const writes: string[] = []
    const live = new LiveStatus({
      write: (t) => (writes.push(t), screen.write(t)),
      columns: () => 120,
      now: () => 0,
    })
    // A title over two lines that would clear its line, and a report that writes over itself.
    const hostile = todoState('api', 'running', { title: 'do api\nnext line\x1b[2K' })
    live.update(state({ todos: [hostile], agents: [agent('s1', { todoId: 'api' })] }))
    vi.advanceTimersByTime(100)
    live.print('report: all good\rfailed\x1b]0;title\x07')
    live.update(state({ todos: [{ ...hostile, status: 'passed' }], agents: [] }))
    vi.advanceTimersByTime(100)
    expect(screen.text.split('\n')).toEqual([
      'report: all good^Mfailed^[]0;title^G',
      '✓ api passed: do api next line^[[2K',
      'working · 1/1 todos · 0 tokens · $0.00 · 0:00',
    ])
    // The only escape sequences written are the block's own: up, clear below, clear line.
    // eslint-disable-next-line no-control-regex -- the escape sequences are what is under test
    const sequences = writes.join('').match(/\x1b[^a-zA-Z]*[a-zA-Z]/g) ?? []
    expect(sequences.length).toBeGreaterThan(0)
    // eslint-disable-next-line no-control-regex -- the escape sequences are what is under test
    for (const seq of sequences) expect(seq).toMatch(/^\x1b\[(\d+A|0J|2K)$/)
  })

  it('coalesces a burst of updates into one redraw per frame', () => {
    const writes: string[] = []
    const live = new LiveStatus({ write: (t) => void writes.push(t), columns: () => 80, now: () => 0 })
    for (let i = 0; i < 50; i++) live.update(state({ tokens: i }))
    expect(writes).toHaveLength(0)
    vi.advanceTimersByTime(100)
    expect(writes).toHaveLength(1)
    expect(writes[0]).toContain('49 tokens')
    live.update(state({ phase: 'completed', tokens: 50 }))
    vi.advanceTimersByTime(10_000)
    expect(writes).toHaveLength(2) // ended: nothing pending while nothing changes
  })

  it('ticks the clock once a second while the mission runs', () => {
    let now = 0
    const screen = new Screen()
    const live = new LiveStatus({ write: screen.write, columns: () => 80, now: () => now })
    live.update(state({}))
    vi.advanceTimersByTime(100)
    expect(screen.text).toContain('0:00')
    now = 3_000
    vi.advanceTimersByTime(3_000)
    expect(screen.text).toBe('working · 0 tokens · $0.00 · 0:03')
    live.finish()
    now = 9_000
    vi.advanceTimersByTime(9_000)
    expect(screen.text).toContain('0:03')
  })

  it('prints log lines above the block and takes the block away while a question is asked', () => {
    const screen = new Screen()
    const live = new LiveStatus({ write: screen.write, columns: () => 80, now: () => 0 })
    live.update(state({ agents: [agent('s1', { todoId: 'api', status: 'waiting' })] }))
    vi.advanceTimersByTime(100)
    live.print('[warn] something happened')
    expect(screen.text.split('\n')).toEqual([
      '[warn] something happened',
      'working · 0 tokens · $0.00 · 0:00',
      '  worker api · waiting for permission',
    ])
    const resume = live.suspend()
    expect(screen.text.split('\n')).toEqual(['[warn] something happened'])
    live.update(state({}))
    vi.advanceTimersByTime(100)
    expect(screen.text.split('\n')).toEqual(['[warn] something happened'])
    resume()
    expect(screen.text.split('\n')).toEqual([
      '[warn] something happened',
      'working · 0 tokens · $0.00 · 0:00',
    ])
  })

  it('cuts lines to the terminal width so a redraw moves up one row per line', () => {
    const screen = new Screen()
    const live = new LiveStatus({ write: screen.write, columns: () => 30, now: () => 0 })
    const long = agent('s1', { todoId: 'a-very-long-todo-id-that-overflows', tool: 'bash' })
    live.update(state({ agents: [long] }))
    vi.advanceTimersByTime(100)
    live.update(state({ agents: [long], tokens: 7 }))
    vi.advanceTimersByTime(100)
    const lines = screen.text.split('\n')
    expect(lines).toHaveLength(2)
    for (const l of lines) expect(l.length).toBeLessThan(30)
    expect(lines[0]).toContain('7 tokens')
  })

  it('shows the budgets next to what the mission used, and provider retries on the agent line', () => {
    const s = state({
      tokens: 52_000,
      cost: 1.5,
      agents: [
        agent('s1', {
          status: 'retry',
          todoId: 'api',
          provider: 'anthropic',
          retry: { attempt: 3, message: 'Overloaded', next: 95_000 },
        }),
      ],
    })
    const lines = statusBlock(s, { maxTokens: 200_000, maxCostUsd: 5, maxWallMs: 3_600_000 }, 90_000)
    expect(lines[0]).toBe('working · 52k/200k tokens · $1.50/$5.00 · 1:30/60:00')
    expect(lines[1]).toBe('  worker api · waiting on anthropic: Overloaded — retry 3 in 5 s')
  })
})
