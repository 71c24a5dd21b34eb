// Text-to-text edits of an OpenCode config (opencode.json / opencode.jsonc): add our plugin entry,
// or remove it. Pure functions: no fs. Everything but our entry keeps its bytes (comments,
// formatting, trailing commas, CRLF, BOM); each result is re-parsed and checked before it is
// returned, so a caller never writes a file whose meaning changed in any other way.
import {
  appendChild,
  applyEdits,
  detectEol,
  detectStyle,
  getNodeValue,
  inlineJson,
  parseJsonc,
  removeChild,
  replaceNode,
  splitBom,
  type Edit,
  type Node,
  type TextStyle,
} from './jsonc-edits'
import { jsonEqual, specifierOf, type PluginSpec } from './plugin-entry'

export type ConfigEditError =
  | { reason: 'parse-error'; message: string; line: number; column: number }
  | { reason: 'invalid-config'; message: string }

export type EditOutcome = { ok: true; text: string; changed: boolean } | { ok: false; error: ConfigEditError }

/** Tells whether a plugin specifier is one of ours (see isOurSpecifier). */
export type OwnsSpecifier = (spec: string) => boolean

const SCHEMA_URL = 'https://opencode.ai/config.json'

/** The text of a config file we create: the schema and our entry. */
export function newConfigText(entry: PluginSpec, eol = '\n'): string {
  return [
    '{',
    `  "$schema": ${JSON.stringify(SCHEMA_URL)},`,
    '  "plugin": [',
    `    ${inlineJson(entry)}`,
    '  ]',
    '}',
    '',
  ].join(eol)
}

type Parsed = { root: Node; style: TextStyle; plugin?: { prop: Node; index: number; list: Node } }

function parseConfig(body: string): { ok: true; value: Parsed } | { ok: false; error: ConfigEditError } {
  const parsed = parseJsonc(body)
  if (!parsed.ok) {
    const { message, line, column } = parsed.error
    return { ok: false, error: { reason: 'parse-error', message, line, column } }
  }
  const root = parsed.root
  if (!root || root.type !== 'object')
    return { ok: false, error: { reason: 'invalid-config', message: 'the top level must be an object' } }
  const style = detectStyle(body, root)
  const props = root.children ?? []
  // Like JSON.parse, the last duplicate key wins.
  for (let index = props.length - 1; index >= 0; index--) {
    const prop = props[index] as Node
    if (prop.children?.[0]?.value !== 'plugin') continue
    const list = prop.children[1]
    if (!list || list.type !== 'array')
      return { ok: false, error: { reason: 'invalid-config', message: '"plugin" must be a list' } }
    return { ok: true, value: { root, style, plugin: { prop, index, list } } }
  }
  return { ok: true, value: { root, style } }
}

const oursIn = (list: Node, owns: OwnsSpecifier): number[] =>
  (list.children ?? []).flatMap((child, i) => {
    const spec = specifierOf(getNodeValue(child))
    return spec !== undefined && owns(spec) ? [i] : []
  })

/** Applies one step at a time (each computed on freshly parsed text) until `step` has nothing left. */
function iterate(body: string, step: (p: Parsed, body: string) => Edit[] | undefined): EditOutcome | string {
  for (let guard = 0; guard < 1000; guard++) {
    const parsed = parseConfig(body)
    if (!parsed.ok) return { ok: false, error: parsed.error }
    const edits = step(parsed.value, body)
    if (!edits) return body
    body = applyEdits(body, edits)
  }
  throw new Error('config edit did not converge')
}

function semantic(
  body: string,
  owns: OwnsSpecifier,
): { rest: Record<string, unknown>; others: unknown[]; ours: unknown[] } {
  const parsed = parseConfig(body)
  if (!parsed.ok) throw new Error(`edited config does not parse: ${parsed.error.message}`)
  const value = getNodeValue(parsed.value.root) as Record<string, unknown>
  const { plugin, ...rest } = value
  const list = Array.isArray(plugin) ? plugin : []
  const mine = (e: unknown) => {
    const spec = specifierOf(e)
    return spec !== undefined && owns(spec)
  }
  return { rest, others: list.filter((e) => !mine(e)), ours: list.filter(mine) }
}

function verified(before: string, after: string, owns: OwnsSpecifier, expectOurs: unknown[]): EditOutcome {
  const a = semantic(before, owns)
  const b = semantic(after, owns)
  if (!jsonEqual(a.rest, b.rest) || !jsonEqual(a.others, b.others) || !jsonEqual(b.ours, expectOurs))
    throw new Error('config edit changed more than our plugin entry')
  return { ok: true, text: after, changed: after !== before }
}

/**
 * Adds `entry` to the config text's `plugin` list, or replaces an older entry of ours in place
 * (extra entries of ours are removed). `text` undefined or blank means a new file. Idempotent.
 */
export function addPluginEntry(
  text: string | undefined,
  entry: PluginSpec,
  owns: OwnsSpecifier,
): EditOutcome {
  const { bom, body } = splitBom(text ?? '')
  if (body.trim() === '')
    return { ok: true, text: bom + newConfigText(entry, detectEol(body)), changed: true }
  const result = iterate(body, ({ root, style, plugin }) => {
    if (!plugin) {
      const item = (indent: string | undefined) =>
        indent === undefined
          ? `"plugin": [${inlineJson(entry)}]`
          : `"plugin": [${style.eol}${indent}${style.unit}${inlineJson(entry)}${style.eol}${indent}]`
      return appendChild(body, root, item, style)
    }
    const ours = oursIn(plugin.list, owns)
    if (ours.length > 1) return removeChild(body, plugin.list, ours[ours.length - 1] as number)
    const first = ours[0]
    if (first === undefined) return appendChild(body, plugin.list, () => inlineJson(entry), style)
    const node = plugin.list.children?.[first] as Node
    return jsonEqual(getNodeValue(node), entry) ? undefined : replaceNode(node, inlineJson(entry))
  })
  if (typeof result !== 'string') return result
  const out = verified(body, result, owns, [entry])
  return out.ok ? { ...out, text: bom + out.text } : out
}

/** Removes every entry of ours from the `plugin` list; drops the list when nothing else is left in it. */
export function removePluginEntries(text: string, owns: OwnsSpecifier): EditOutcome {
  const { bom, body } = splitBom(text)
  if (body.trim() === '') return { ok: true, text, changed: false }
  const result = iterate(body, ({ root, plugin }) => {
    if (!plugin) return undefined
    const ours = oursIn(plugin.list, owns)
    const last = ours[ours.length - 1]
    if (last === undefined) return undefined
    if (ours.length < (plugin.list.children?.length ?? 0)) return removeChild(body, plugin.list, last)
    // Only entries of ours: remove the whole "plugin" property (the inverse of adding it).
    if ((root.children?.length ?? 0) > 1) return removeChild(body, root, plugin.index)
    return replaceNode(root, '{}')
  })
  if (typeof result !== 'string') return result
  const out = verified(body, result, owns, [])
  return out.ok ? { ...out, text: bom + out.text } : out
}

/** The `plugin` list of a config text, for callers that only read. */
export function pluginList(
  text: string,
): { ok: true; plugins: unknown[] } | { ok: false; error: ConfigEditError } {
  const parsed = parseConfig(splitBom(text).body)
  if (!parsed.ok) return parsed
  const list = parsed.value.plugin?.list
  return { ok: true, plugins: list ? (getNodeValue(list) as unknown[]) : [] }
}
