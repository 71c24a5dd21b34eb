// OpenCode's config folders (`.opencode`) and the install OpenCode runs in each of them. At every
// instance boot (one per folder the server serves) OpenCode 1.18 installs its plugin package into each
// config folder it finds from the instance's folder up to the top of its worktree, unless that folder
// already counts as installed (`installComplete`). It writes a `.gitignore` there that ignores
// `node_modules`, `package.json` and `package-lock.json`, so a fresh git worktree has none of them and
// its first request waits for an install: a download, or npm's retries (about 70 s) with no network.

/** The name of OpenCode's project config folder. */
export const CONFIG_FOLDER = '.opencode'

/** The files of a config folder's install besides `node_modules`. */
export const INSTALL_FILES = ['package.json', 'package-lock.json'] as const

/** The package OpenCode adds to every config folder's install. */
const PLUGIN_PACKAGE = '@opencode-ai/plugin'

const DEPENDENCY_FIELDS = ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies']

/**
 * The config folders OpenCode reads for an instance of the folder `within` a repository's top
 * (`''` at the top; `/`-separated): one in the top and one in each folder down to `within`.
 */
export function configFolders(within: string): string[] {
  const parts = within ? within.split('/') : []
  return [CONFIG_FOLDER, ...parts.map((_, i) => [...parts.slice(0, i + 1), CONFIG_FOLDER].join('/'))]
}

/**
 * OpenCode's rule for skipping a config folder's install (its `Npm.install`, checked against 1.18.33),
 * given that `node_modules` is there: every dependency `package.json` names, and the plugin package,
 * is among the dependencies `package-lock.json` records for the folder itself. A file that is missing
 * or is not JSON counts as empty.
 */
export function installComplete(packageJson: string | undefined, packageLock: string | undefined): boolean {
  const wanted = new Set([...dependencyNames(parse(packageJson)), PLUGIN_PACKAGE])
  const packages = field(parse(packageLock), 'packages')
  const locked = new Set(dependencyNames(field(packages, '')))
  return [...wanted].every((name) => locked.has(name))
}

function parse(text: string | undefined): unknown {
  try {
    return text === undefined ? undefined : (JSON.parse(text) as unknown)
  } catch {
    return undefined
  }
}

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined
}

function dependencyNames(manifest: unknown): string[] {
  return DEPENDENCY_FIELDS.flatMap((f) => {
    const deps = field(manifest, f)
    return typeof deps === 'object' && deps !== null ? Object.keys(deps) : []
  })
}
