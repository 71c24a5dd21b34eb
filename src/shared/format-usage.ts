// Tokens and cost as people read them, in the dashboard and in the history alike:
// "142.4k tokens · $0", never "142411 tokens · $0.0000".

/** 1234 → "1.2k", 2_500_000 → "2.5M"; keeps small numbers exact. */
export function formatTokens(n: number): string {
  if (n < 1000) return String(n)
  if (n < 1_000_000) return `${(n / 1000).toFixed(1)}k`
  return `${(n / 1_000_000).toFixed(1)}M`
}

/** 0 → "$0", 0.004 → "<$0.01", 12.345 → "$12.35". */
export function formatCost(usd: number): string {
  return usd === 0 ? '$0' : usd < 0.01 ? '<$0.01' : `$${usd.toFixed(2)}`
}
