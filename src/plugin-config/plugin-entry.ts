// Our entry in an OpenCode config's `plugin` list, and how we recognise entries of ours.
import { fileURLToPath, pathToFileURL } from 'node:url'
import { PACKAGE_NAME } from '../shared/constants'

/** One item of OpenCode's `plugin` list: a specifier, or a `[specifier, options]` tuple. */
export type PluginSpec = string | [string, Record<string, unknown>]

/** The names of the package (and VS Code extension) that ships dist/plugin.js: the current one, then
 * the one builds before 0.1.0 used, whose config entries we still recognise and upgrade. */
export const PACKAGE_NAMES = [PACKAGE_NAME, 'opencode-orchestrator'] as const

/** Our entry: the file URL alone, or a tuple when options are given. */
export function pluginEntry(pluginUrl: string, options?: Record<string, unknown>): PluginSpec {
  return options && Object.keys(options).length > 0 ? [pluginUrl, options] : pluginUrl
}

/** `file://` URL of a plugin file path (absolute). */
export const pluginFileUrl = (file: string): string => pathToFileURL(file).href

export const specifierOf = (entry: unknown): string | undefined =>
  typeof entry === 'string'
    ? entry
    : Array.isArray(entry) && typeof entry[0] === 'string'
      ? entry[0]
      : undefined

/**
 * An entry is ours when its specifier is a `file:` URL of `dist/plugin.js` inside a folder named
 * for our package (either name): `…/opencode-orchestrator-vscode/dist/plugin.js` (npm install or a
 * checkout), `…/opencode-orchestrator-vscode-1.2.3/dist/plugin.js`, or VS Code's extension folder
 * `…/<publisher>.opencode-orchestrator-vscode-1.2.3/dist/plugin.js`. `extra` adds the URL being installed
 * and checkouts whose package.json names the package (the installer checks those on disk). npm
 * specifiers are never ours: `opencode-orchestrator@x` is the unrelated original npm plugin.
 */
export function isOurSpecifier(spec: string, extra: (url: string) => boolean = () => false): boolean {
  if (!spec.startsWith('file:')) return false
  if (extra(spec)) return true
  let path: string
  try {
    path = fileURLToPath(spec).replace(/\\/g, '/')
  } catch {
    return false
  }
  const m = /\/([^/]+)\/dist\/plugin\.js$/.exec(path)
  if (!m) return false
  const folder = m[1] as string
  return PACKAGE_NAMES.some(
    (name) =>
      folder === name ||
      new RegExp(`^(?:[^/]+\\.)?${name}-\\d[^/]*$`).test(folder) ||
      new RegExp(`^[^/]+\\.${name}$`).test(folder),
  )
}

/** Structural equality of two JSON values (order-sensitive for arrays, not for object keys). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false
    return a.every((x, i) => jsonEqual(x, b[i]))
  }
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false
  const ka = Object.keys(a)
  const kb = Object.keys(b)
  if (ka.length !== kb.length) return false
  return ka.every(
    (k) =>
      Object.hasOwn(b, k) && jsonEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]),
  )
}
