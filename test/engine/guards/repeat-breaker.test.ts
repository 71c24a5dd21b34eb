import { describe, expect, it } from 'vitest'
import { RepeatBreaker } from '../../../src/engine/guards/repeat-breaker'

describe('RepeatBreaker', () => {
  it('trips on the same text three turns running', () => {
    const b = new RepeatBreaker()
    expect(b.record('s', 'I will now fix the test.')).toBe(false)
    expect(b.record('s', 'I will now fix the test.')).toBe(false)
    expect(b.record('s', 'I will now fix the test.')).toBe(true)
    expect(b.tripped('s')).toBe(true)
  })

  it('compares with whitespace normalised', () => {
    const b = new RepeatBreaker()
    b.record('s', 'Done.\nAll  good.')
    b.record('s', '  Done. All good.  ')
    expect(b.record('s', 'Done.\t\tAll\ngood.')).toBe(true)
  })

  it('needs the repeats to be consecutive', () => {
    const b = new RepeatBreaker()
    b.record('s', 'A')
    b.record('s', 'A')
    b.record('s', 'B')
    expect(b.record('s', 'A')).toBe(false)
    expect(b.record('s', 'A')).toBe(false)
    expect(b.record('s', 'A')).toBe(true)
  })

  it('ignores turns without text', () => {
    const b = new RepeatBreaker()
    b.record('s', 'A')
    b.record('s', '   ')
    b.record('s', 'A')
    expect(b.record('s', '')).toBe(false)
    expect(b.record('s', 'A')).toBe(true)
  })

  it('keeps sessions apart, stays tripped, and resets on request', () => {
    const b = new RepeatBreaker({ repeats: 2 })
    b.record('a', 'x')
    expect(b.record('b', 'x')).toBe(false)
    expect(b.record('a', 'x')).toBe(true)
    expect(b.record('a', 'y')).toBe(true)
    expect(b.tripped('b')).toBe(false)
    b.reset('a')
    expect(b.tripped('a')).toBe(false)
    expect(b.record('a', 'x')).toBe(false)
  })

  it('validates options eagerly', () => {
    expect(() => new RepeatBreaker({ repeats: 1 })).toThrow(
      new TypeError('Expected `repeats` to be an integer >= 2, got 1'),
    )
  })
})
