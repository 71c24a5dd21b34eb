// Branch and folder names of a mission's worktrees, made from ids a model may have written.

import { createHash } from 'node:crypto'

/** The integration branch's last path part; a todo id that would take it gets a suffix. */
export const INTEGRATION = 'integration'

/**
 * A branch and folder name part from an id that may come from a model: letters, digits, `-` and `_`
 * only, never empty, never `integration`; an id that had to change gets a short hash of itself, so two
 * ids never share a name.
 */
export function namePart(id: string): string {
  const plain = id
    .replace(/[^A-Za-z0-9_-]/g, '-')
    .replace(/^[-_]+/, '')
    .slice(0, 48)
  if (plain === id && plain !== '' && plain !== INTEGRATION) return plain
  const hash = createHash('sha256').update(id).digest('hex').slice(0, 8)
  return `${plain || 'todo'}-${hash}`
}
