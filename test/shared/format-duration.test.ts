import { describe, expect, it } from 'vitest'
import { formatDuration } from '../../src/shared/format-duration'

describe('formatDuration', () => {
  it('reads short spans in milliseconds, so a column of a short mission is not "0.0 s"', () => {
    expect(formatDuration(0)).toBe('0 ms')
    expect(formatDuration(40.4)).toBe('40 ms')
    expect(formatDuration(999)).toBe('999 ms')
  })

  it('gives seconds with a decimal under a minute, minutes and padded seconds above', () => {
    expect(formatDuration(1000)).toBe('1.0 s')
    expect(formatDuration(12_340)).toBe('12.3 s')
    expect(formatDuration(65_000)).toBe('1m 05s')
    expect(formatDuration(3_725_000)).toBe('62m 05s')
  })
})
