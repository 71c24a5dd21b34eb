import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { delimiter, dirname, join } from 'node:path'

/** Why no binary was found, phrased for the user; names the setting that fixes it. */
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
}

const platformPackage = () =>
  `opencode-${process.platform === 'win32' ? 'windows' : process.platform}-${process.arch}`
const exe = process.platform === 'win32' ? 'opencode.exe' : 'opencode'

/** Setting → the `opencode-ai` package's platform binary → `opencode` on PATH. */
export function resolveOpencodeBinary(options: ResolveBinaryOptions = {}): string {
  const setting = options.settingName ?? 'orchestrator.opencodePath'
  if (options.configured) {
    if (existsSync(options.configured)) return options.configured
    throw new OpencodeNotFoundError(
      `The OpenCode binary set in "${setting}" does not exist: ${options.configured}`,
    )
  }
  for (const from of options.searchFrom ?? []) {
    const found = fromPackage(from)
    if (found) return found
  }
  for (const dir of (options.pathEnv ?? process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue
    const candidate = join(dir, exe)
    if (existsSync(candidate)) return candidate
  }
  throw new OpencodeNotFoundError(
    `OpenCode was not found. Install it (npm i -g opencode-ai) or set "${setting}" to the opencode binary.`,
  )
}

function fromPackage(from: string): string | undefined {
  const require = createRequire(join(from, 'noop.js'))
  for (const pkg of [platformPackage(), `${platformPackage()}-baseline`]) {
    try {
      const bin = join(dirname(require.resolve(`${pkg}/package.json`)), 'bin', exe)
      if (existsSync(bin)) return bin
    } catch {
      // not installed there
    }
  }
  return undefined
}
