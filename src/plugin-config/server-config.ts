// The config of a server the extension or the CLI spawns itself for missions. It travels in the
// server's OPENCODE_CONFIG_CONTENT (merged last by OpenCode), so a user who never ran the install
// command gets the agents and tools without any file of theirs being changed.
import { isOurSpecifier, pluginEntry, pluginFileUrl, specifierOf, type PluginSpec } from './plugin-entry'

export interface ServerConfigOptions {
  /** Absolute path of the shipped dist/plugin.js. */
  pluginFile: string
  /** Options passed to the plugin (e.g. `{ models: { planner: 'provider/model' } }`). Default: none. */
  pluginOptions?: Record<string, unknown>
  /** Config to extend (providers, models…); not mutated. Its own `snapshot` wins. Default: {}. */
  base?: Record<string, unknown>
  /**
   * Keep OpenCode's per-step snapshots (its undo history of each session). Default: false. They cost
   * a git pass over the worktree before and after every model step, on the mission's critical path
   * (~3 s of a 7 s benchmark mission here, more on big trees); a mission's changes stay in the
   * working tree for the user's own version control to review.
   */
  snapshots?: boolean
}

/**
 * `base` with our plugin entry appended to its `plugin` list, and snapshots off unless asked for;
 * entries of ours already in `base` are replaced, so the list holds our plugin once. OpenCode loads
 * two different URLs of our plugin as two plugins (one from a user's installed config, one from here);
 * the config hook is idempotent and the later plugin's tools replace the earlier ones, so that stays
 * harmless.
 */
export function missionServerConfig(options: ServerConfigOptions): Record<string, unknown> {
  const base = options.base ?? {}
  const url = pluginFileUrl(options.pluginFile)
  const existing: unknown[] = Array.isArray(base.plugin) ? base.plugin : []
  const others = existing.filter((e) => {
    const spec = specifierOf(e)
    return spec === undefined || !isOurSpecifier(spec, (u) => u === url)
  })
  const plugin: PluginSpec[] = [...(others as PluginSpec[]), pluginEntry(url, options.pluginOptions)]
  return { ...(!options.snapshots && { snapshot: false }), ...base, plugin }
}
