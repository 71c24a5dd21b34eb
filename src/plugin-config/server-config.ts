// The plugin entry for a server the extension or the CLI spawns itself. It travels in the server's
// OPENCODE_CONFIG_CONTENT (merged last by OpenCode), so a user who never ran the install command gets
// the agents and tools without any file of theirs being changed.
import { isOurSpecifier, pluginEntry, pluginFileUrl, specifierOf, type PluginSpec } from './plugin-entry'

export interface ServerConfigOptions {
  /** Absolute path of the shipped dist/plugin.js. */
  pluginFile: string
  /** Options passed to the plugin (e.g. `{ models: { planner: 'provider/model' } }`). Default: none. */
  pluginOptions?: Record<string, unknown>
  /** Config to extend (providers, models…); not mutated. Default: {}. */
  base?: Record<string, unknown>
}

/**
 * `base` with our plugin entry appended to its `plugin` list; entries of ours already in `base` are
 * replaced, so the list holds our plugin once. OpenCode loads two different URLs of our plugin as
 * two plugins (one from a user's installed config, one from here); the config hook is idempotent and
 * the later plugin's tools replace the earlier ones, so that stays harmless.
 */
export function serverConfigWithPlugin(options: ServerConfigOptions): Record<string, unknown> {
  const base = options.base ?? {}
  const url = pluginFileUrl(options.pluginFile)
  const existing: unknown[] = Array.isArray(base.plugin) ? base.plugin : []
  const others = existing.filter((e) => {
    const spec = specifierOf(e)
    return spec === undefined || !isOurSpecifier(spec, (u) => u === url)
  })
  const plugin: PluginSpec[] = [...(others as PluginSpec[]), pluginEntry(url, options.pluginOptions)]
  return { ...base, plugin }
}
