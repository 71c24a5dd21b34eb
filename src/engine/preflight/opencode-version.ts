// The OpenCode versions this build is tested against: the `opencode-ai` line package.json pins
// (a unit test keeps the two in step). Outside it, missions may still work: preflight only warns.

export const TESTED_OPENCODE = { min: '1.18.0', below: '2.0.0' } as const

export const testedRangeText = `>=${TESTED_OPENCODE.min} <${TESTED_OPENCODE.below}`

/** Numeric parts of `1.18.33` (a pre-release or build suffix is ignored); undefined when not a version. */
function parts(version: string): number[] | undefined {
  const m = /^v?(\d+)\.(\d+)\.(\d+)/.exec(version.trim())
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined
}

function compare(a: number[], b: number[]): number {
  for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) - (b[i] ?? 0)
  return 0
}

/** True when the version is in the tested range; false for one outside it or not a version at all. */
export function isTestedVersion(version: string): boolean {
  const v = parts(version)
  const min = parts(TESTED_OPENCODE.min)
  const below = parts(TESTED_OPENCODE.below)
  return !!v && !!min && !!below && compare(v, min) >= 0 && compare(v, below) < 0
}
