import type { LineCounts } from '../ports'

/** The lines of changes, summed (a binary file, with no counts, counts none). */
export function sumLines(changes: Iterable<{ added?: number; removed?: number }>): LineCounts {
  let added = 0
  let removed = 0
  for (const c of changes) {
    added += c.added ?? 0
    removed += c.removed ?? 0
  }
  return { added, removed }
}
