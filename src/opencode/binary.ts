// Where the `opencode` binary comes from: the user's path, the `opencode-ai` package, or PATH.
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { delimiter, dirname, join } from 'node:path'

/** Why no binary was found, phrased for the user; names every source and how to fix each. */
export class OpencodeNotFoundError extends Error {
  readonly reason = 'opencode-not-found'
  constructor(message: string) {
    super(message)
    this.name = 'OpencodeNotFoundError'
  }
}

export interface ResolveBinaryOptions {
  /** The user's explicit path (setting `orchestrator.opencodePath`, or `--opencode` in the CLI). */
  configured?: string
  /** Directories whose node_modules may hold the `opencode-ai` package (workspace, extension). */
  searchFrom?: string[]
  /** Default: process.env.PATH. */
  pathEnv?: string
  /** Name of the setting to mention in the error. Default: `orchestrator.opencodePath`. */
  settingName?: string
  /** A command that installs `opencode-ai` where `searchFrom` looks (the CLI names its own package). */
  reinstallHint?: string
}

/** The packages `opencode-ai` installs the binary from on this machine, preferred first. */
export function opencodePlatformPackages(): string[] {
  const base = `opencode-${process.platform === 'win32' ? 'windows' : process.platform}-${process.arch}`
  return [base, `${base}-baseline`]
}
const exe = process.platform === 'win32' ? 'opencode.exe' : 'opencode'

/** Setting → the `opencode-ai` package's platform binary → `opencode` on PATH. */
export function resolveOpencodeBinary(options: ResolveBinaryOptions = {}): string {
  const setting = options.settingName ?? 'orchestrator.opencodePath'
  if (options.configured) {
    if (existsSync(options.configured)) return options.configured
    throw new OpencodeNotFoundError(
      `The OpenCode binary set in "${setting}" does not exist: ${options.configured}. ` +
        `Point it at the opencode binary, or leave it empty to use the "opencode-ai" package or PATH.`,
    )
  }
  const searchFrom = options.searchFrom ?? []
  for (const from of searchFrom) {
    const found = fromPackage(from)
    if (found) return found
  }
  for (const dir of (options.pathEnv ?? process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue
    const candidate = join(dir, exe)
    if (existsSync(candidate)) return candidate
  }
  throw new OpencodeNotFoundError(
    `OpenCode was not found. Looked in three places: ` +
      `(1) the "opencode-ai" package, an optional dependency (not installed under ${searchFrom.join(', ') || 'any folder'}); ` +
      `(2) "${exe}" on PATH (not there); (3) "${setting}" (not set). ` +
      `Fix one: ${options.reinstallHint ? `${options.reinstallHint}, or ` : ''}` +
      `npm install -g opencode-ai@1 to put OpenCode 1.x on PATH, or set "${setting}" to the opencode binary.`,
  )
}

/** npm hoists the platform package next to `opencode-ai` or nests it inside; resolving from
 * `opencode-ai`'s own folder finds both. */
function fromPackage(from: string): string | undefined {
  const roots = [join(from, 'noop.js')]
  try {
    roots.push(createRequire(roots[0] as string).resolve('opencode-ai/package.json'))
  } catch {
    // no opencode-ai there; a platform package may still be installed on its own
  }
  for (const root of roots.reverse()) {
    const require = createRequire(root)
    for (const pkg of opencodePlatformPackages()) {
      try {
        const bin = join(dirname(require.resolve(`${pkg}/package.json`)), 'bin', exe)
        if (existsSync(bin)) return bin
      } catch {
        // not installed there
      }
    }
  }
  return undefined
}
