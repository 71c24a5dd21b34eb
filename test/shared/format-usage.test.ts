import { describe, expect, it } from 'vitest'
import { formatCost, formatTokens } from '../../src/shared/format-usage'

// Tokens and cost as the dashboard and the history both say them.

describe('formatTokens', () => {
  it('keeps small counts exact and shortens large ones to one decimal', () => {
    expect(formatTokens(0)).toBe('0')
    expect(formatTokens(999)).toBe('999')
    expect(formatTokens(1234)).toBe('1.2k')
    expect(formatTokens(142_411)).toBe('142.4k')
    expect(formatTokens(2_500_000)).toBe('2.5M')
  })
})

describe('formatCost', () => {
  it('says a free run as $0, a fraction of a cent as <$0.01, and cents otherwise', () => {
    expect(formatCost(0)).toBe('$0')
    expect(formatCost(0.004)).toBe('<$0.01')
    expect(formatCost(0.5)).toBe('$0.50')
    expect(formatCost(12.345)).toBe('$12.35')
  })
})
