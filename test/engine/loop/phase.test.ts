import { describe, expect, it } from 'vitest'
import { Phase, TRANSITIONS, type EndStatus } from '../../../src/engine/loop/phase'
import type { MissionPhase } from '../../../src/engine/record/mission-state'

type Running = keyof typeof TRANSITIONS
const RUNNING: Running[] = ['starting', 'planning', 'working', 'checking']
const ENDS: EndStatus[] = ['completed', 'failed', 'stopped']

/** A phase walked to `at` through legal moves, and the phases it reported. */
function phaseAt(at: Running): { phase: Phase; seen: MissionPhase[] } {
  const seen: MissionPhase[] = []
  const phase = new Phase((p) => seen.push(p))
  const path: Record<Running, Running[]> = {
    starting: [],
    planning: ['planning'],
    working: ['planning', 'working'],
    checking: ['planning', 'working', 'checking'],
  }
  for (const p of path[at]) phase.move(p)
  seen.length = 0
  return { phase, seen }
}

describe('the phase table', () => {
  it('lists exactly these moves', () => {
    expect(TRANSITIONS).toEqual({
      starting: ['planning', 'working'],
      planning: ['planning', 'working'],
      working: ['checking', 'planning'],
      checking: ['planning'],
    })
  })

  const legal = RUNNING.flatMap((from) => TRANSITIONS[from].map((to) => [from, to] as const))
  it.each(legal)('%s → %s moves and reports it', (from, to) => {
    const { phase, seen } = phaseAt(from)
    phase.move(to)
    expect([phase.now, phase.over, seen]).toEqual([to, false, [to]])
  })

  // Staying put is no move, except planning again (a new plan attempt is reported).
  const illegal = RUNNING.flatMap((from) =>
    RUNNING.filter((to) => to !== from && !TRANSITIONS[from].includes(to)).map((to) => [from, to] as const),
  )
  it.each(illegal)('%s → %s throws and leaves the phase alone', (from, to) => {
    const { phase, seen } = phaseAt(from)
    expect(() => phase.move(to)).toThrow(`the mission cannot go from ${from} to ${to}`)
    expect([phase.now, seen]).toEqual([from, []])
  })

  const stays: [Running, MissionPhase[]][] = [
    ['starting', []],
    ['planning', ['planning']],
    ['working', []],
    ['checking', []],
  ]
  it.each(stays)('%s → itself reports %j', (at, reported) => {
    const { phase, seen } = phaseAt(at)
    phase.move(at)
    expect([phase.now, seen]).toEqual([at, reported])
  })

  it('starts in starting, not over', () => {
    const phase = new Phase(() => undefined)
    expect([phase.now, phase.over]).toEqual(['starting', false])
  })

  const ends = RUNNING.flatMap((from) => ENDS.map((status) => [from, status] as const))
  it.each(ends)('%s ends as %s once; a second end is false and keeps the first', (from, status) => {
    const { phase, seen } = phaseAt(from)
    expect(phase.end(status)).toBe(true)
    expect([phase.now, phase.over]).toEqual([status, true])
    const other = ENDS.find((s) => s !== status) ?? 'failed'
    expect([phase.end(status), phase.end(other), phase.now]).toEqual([false, false, status])
    // The end is published by the caller with its reason, not through `changed`.
    expect(seen).toEqual([])
  })

  const frozen = ENDS.flatMap((status) => RUNNING.map((to) => [status, to] as const))
  it.each(frozen)('an ended (%s) mission never moves, not even to %s', (status, to) => {
    const { phase, seen } = phaseAt('working')
    phase.end(status)
    expect(() => phase.move(to)).not.toThrow()
    expect([phase.now, seen]).toEqual([status, []])
  })
})
