import { describe, expect, it } from 'vitest'
import { boundedJson } from '../../../src/engine/util/bounded-json'

// What a log line keeps of a message it cannot use (the dashboard's unknown webview messages): a
// bounded JSON head, read no further than it writes.

/** An array of `length` items that counts how many of them are read. */
function countedArray(length: number): { items: unknown[]; reads: () => number } {
  let reads = 0
  const items = new Proxy(new Array<number>(length).fill(7), {
    get(target, key, receiver) {
      if (typeof key === 'string' && /^\d+$/.test(key)) reads++
      return Reflect.get(target, key, receiver) as unknown
    },
  })
  return { items, reads: () => reads }
}

describe('bounded JSON', () => {
  it('writes a small value as JSON.stringify does', () => {
    for (const v of [
      { type: 'mission.begin', goal: 'Add "x"\n', n: [1, 2.5, null, true], o: {} },
      [],
      'text',
      0,
      null,
    ])
      expect(boundedJson(v, 200)).toBe(JSON.stringify(v))
    expect(boundedJson(undefined, 200)).toBe('undefined')
  })

  it('cuts a huge string at the bound without writing it whole', () => {
    const line = boundedJson({ type: 'x', goal: 'g'.repeat(5_000_000) }, 200)
    expect(line).toBe(`{"type":"x","goal":"${'g'.repeat(200 - 20)}…`)
    expect(boundedJson('a'.repeat(200), 200)).toBe(`"${'a'.repeat(199)}…`)
    expect(boundedJson('a'.repeat(198), 200)).toBe(`"${'a'.repeat(198)}"`)
  })

  it('reads no more of a huge array than it writes', () => {
    const { items, reads } = countedArray(1_000_000)
    const line = boundedJson({ type: 'x', items }, 200)
    expect(line).toHaveLength(201)
    expect(line.startsWith('{"type":"x","items":[7,7,7')).toBe(true)
    expect(reads()).toBeLessThanOrEqual(100)
  })

  it('never throws: deep nesting, cycles, values JSON has no text for', () => {
    let deep: unknown = 'bottom'
    for (let i = 0; i < 100_000; i++) deep = [deep]
    expect(boundedJson(deep, 200)).toBe(`${'['.repeat(200)}…`)
    const cyclic: Record<string, unknown> = { type: 'x' }
    cyclic.self = cyclic
    expect(boundedJson(cyclic, 200)).toBe('{"type":"x","self":"[cycle]"}')
    expect(boundedJson({ big: 10n, f: () => 1 }, 200)).toBe('{"big":10,"f":[function]}')
  })
})
