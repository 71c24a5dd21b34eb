import { describe, expect, it } from 'vitest'
import { Coalescer } from '../../../src/engine/util/coalesce'
import { FakeClock } from '../../fixtures/fake-clock'

function setup<T>(options: { frameMs?: number; key?: (item: T) => string } = {}) {
  const clock = new FakeClock()
  const batches: { at: number; batch: T[] }[] = []
  const c = new Coalescer<T>({
    clock,
    flush: (batch) => batches.push({ at: clock.now(), batch }),
    ...options,
  })
  return { clock, c, batches }
}

describe('Coalescer', () => {
  it('keeps no timer while idle', () => {
    const { clock, c } = setup<number>()
    expect(clock.pending).toBe(0)
    c.push(1)
    expect(clock.pending).toBe(1)
    clock.advance(16)
    expect(clock.pending).toBe(0)
    clock.advance(10_000)
    expect(clock.pending).toBe(0)
  })

  it('sends the first burst after a quiet spell at once, and the next one at the end of its frame', () => {
    const { clock, c, batches } = setup<number>()
    for (let i = 0; i < 100; i++) c.push(i)
    expect(batches).toEqual([]) // never from inside push: the burst of this turn goes out together
    clock.advance(0)
    expect(batches).toEqual([{ at: 0, batch: Array.from({ length: 100 }, (_, i) => i) }])
    clock.advance(5)
    c.push(100)
    c.push(101)
    clock.advance(10)
    expect(batches).toHaveLength(1)
    clock.advance(1)
    expect(batches[1]).toEqual({ at: 16, batch: [100, 101] })
  })

  it('flushes at most once per frame under a steady stream', () => {
    const { clock, c, batches } = setup<number>({ frameMs: 16 })
    let n = 0
    for (let t = 0; t < 1000; t++) {
      c.push(n++)
      clock.advance(1)
    }
    clock.advance(16)
    const times = batches.map((b) => b.at)
    for (let i = 1; i < times.length; i++)
      expect((times[i] ?? 0) - (times[i - 1] ?? 0)).toBeGreaterThanOrEqual(16)
    expect(batches.length).toBeLessThanOrEqual(Math.ceil(1000 / 16) + 1)
    expect(batches.flatMap((b) => b.batch)).toEqual(Array.from({ length: 1000 }, (_, i) => i))
  })

  it('keeps the latest item per key at its first position', () => {
    const { clock, c, batches } = setup<{ id: string; v: number }>({ key: (x) => x.id })
    c.push({ id: 'a', v: 1 })
    c.push({ id: 'b', v: 1 })
    c.push({ id: 'a', v: 2 })
    expect(c.size).toBe(2)
    clock.advance(16)
    expect(batches[0]?.batch).toEqual([
      { id: 'a', v: 2 },
      { id: 'b', v: 1 },
    ])
    c.push({ id: 'a', v: 3 })
    clock.advance(16)
    expect(batches[1]?.batch).toEqual([{ id: 'a', v: 3 }])
  })

  it('flushes what is left on dispose, then drops later pushes', () => {
    const { clock, c, batches } = setup<number>()
    c.push(1)
    c.push(2)
    c.dispose()
    expect(batches).toEqual([{ at: 0, batch: [1, 2] }])
    expect(clock.pending).toBe(0)
    c.push(3)
    clock.advance(100)
    expect(batches).toHaveLength(1)
    expect(clock.pending).toBe(0)
  })

  it('flushNow flushes at once and never flushes an empty batch', () => {
    const { clock, c, batches } = setup<number>()
    c.flushNow()
    c.push(1)
    c.flushNow()
    expect(clock.pending).toBe(0)
    clock.advance(100)
    expect(batches).toEqual([{ at: 0, batch: [1] }])
  })

  it('validates options eagerly', () => {
    const clock = new FakeClock()
    expect(() => new Coalescer({ clock, flush: () => {}, frameMs: -1 })).toThrow(
      new TypeError('Expected `frameMs` to be a finite number >= 0, got -1'),
    )
  })
})
