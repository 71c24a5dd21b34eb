// Which config file an install targets, following OpenCode's own lookup.
import { existsSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'

export type InstallScope = { kind: 'project'; dir: string } | { kind: 'global' }

export interface LocateOptions {
  /** Environment to read OPENCODE_CONFIG_DIR, XDG_CONFIG_HOME and HOME from. Default: process.env. */
  env?: NodeJS.ProcessEnv
  /** Tells whether a file exists. Default: fs.existsSync. */
  exists?: (path: string) => boolean
}

export interface ConfigLocation {
  path: string
  /** False when the file does not exist yet and an install would create it. */
  exists: boolean
}

/** The global config folder: $OPENCODE_CONFIG_DIR, else $XDG_CONFIG_HOME/opencode, else ~/.config/opencode. */
export function globalConfigDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.OPENCODE_CONFIG_DIR) return env.OPENCODE_CONFIG_DIR
  if (env.XDG_CONFIG_HOME) return join(env.XDG_CONFIG_HOME, 'opencode')
  return join(env.HOME || homedir(), '.config', 'opencode')
}

/**
 * Project scope: the folder's opencode.jsonc, else opencode.json, else a new opencode.json.
 * Global scope: opencode.jsonc, else opencode.json in the global folder, else a new opencode.jsonc
 * (the name OpenCode itself creates there).
 */
export function locateConfig(scope: InstallScope, options: LocateOptions = {}): ConfigLocation {
  const exists = options.exists ?? existsSync
  const dir = scope.kind === 'project' ? scope.dir : globalConfigDir(options.env ?? process.env)
  for (const name of ['opencode.jsonc', 'opencode.json']) {
    const path = join(dir, name)
    if (exists(path)) return { path, exists: true }
  }
  return { path: join(dir, scope.kind === 'project' ? 'opencode.json' : 'opencode.jsonc'), exists: false }
}

/**
 * Where backups of a scope's config go, never where they could be committed (a config may hold API
 * keys): the project's `.opencode/orchestrator/backups/` (safeWrite puts a `.gitignore` of `*` there),
 * and for the global config the user's state folder ($XDG_STATE_HOME, else ~/.local/state), since the
 * global config folder itself is often a dotfiles repository.
 */
export function backupDirFor(scope: InstallScope, env: NodeJS.ProcessEnv = process.env): string {
  if (scope.kind === 'project') return join(scope.dir, '.opencode', 'orchestrator', 'backups')
  const state = env.XDG_STATE_HOME || join(env.HOME || homedir(), '.local', 'state')
  return join(state, 'opencode-orchestrator', 'backups')
}
