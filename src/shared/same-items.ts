/** The two lists hold the same objects in the same order: what keeps a list's identity, host and view. */
export const sameItems = <T>(a: readonly T[], b: readonly T[]): boolean =>
  a.length === b.length && a.every((x, i) => x === b[i])
