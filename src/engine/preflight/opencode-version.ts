// The OpenCode versions this build drives: the `opencode-ai` line package.json pins (a unit test
// keeps the two in step). OpenCode 2 has another plugin API and server API: our companion plugin
// does not load there and the SDK cannot drive it, so a version outside the range is refused before
// a server is started or a mission runs on it. A version that is not a version at all (a build
// from source says `local`) cannot be judged: it is let through with a warning.

/** `install`: the version "Install OpenCode 1.x" puts in the extension's storage (package.json's pin). */
export const TESTED_OPENCODE = { min: '1.18.0', below: '2.0.0', install: '1.18.33' } as const

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

/** True when the text is a version (`1.18.33`, `v2.4.0-beta.1`) rather than a name such as `local`. */
export const isVersion = (version: string): boolean => parts(version) !== undefined

/** The version in a `--version` output (`1.18.33`, `opencode 2.4.0`, `v1.18.33`), or undefined. */
export function versionInOutput(output: string): string | undefined {
  return /(?:^|[\s v])(\d+\.\d+\.\d+(?:-[\w.]+)?)(?:\s|$)/.exec(output.trim())?.[1]
}

const WHY = 'OpenCode 2 changed the plugin and server APIs: the companion plugin does not load there'

/**
 * The message for an OpenCode this build cannot drive: the version found, where it was found (a
 * binary's path or a server's URL), and each fix, in the host's words.
 */
export function untestedOpencodeMessage(found: { version: string; where: string; fixes: string[] }): string {
  return (
    `OpenCode ${found.version} (${found.where}) is not a version this build can drive: it needs OpenCode ` +
    `${testedRangeText} (tested with ${TESTED_OPENCODE.install}; ${WHY}). Fix one: ${found.fixes.join('; or ')}.`
  )
}
