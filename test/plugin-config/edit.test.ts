import { describe, expect, it } from 'vitest'
import { addPluginEntry, newConfigText, pluginList, removePluginEntries } from '../../src/plugin-config/edit'
import { isOurSpecifier } from '../../src/plugin-config/plugin-entry'

const URL = 'file:///opt/ext/opencode-orchestrator/dist/plugin.js'
const OLD =
  'file:///home/u/.vscode/extensions/opencode-orchestrator.opencode-orchestrator-0.0.9/dist/plugin.js'
const owns = (spec: string) => isOurSpecifier(spec)

function add(text: string | undefined, entry: Parameters<typeof addPluginEntry>[1] = URL): string {
  const r = addPluginEntry(text, entry, owns)
  if (!r.ok) throw new Error(JSON.stringify(r.error))
  return r.text
}
function remove(text: string): string {
  const r = removePluginEntries(text, owns)
  if (!r.ok) throw new Error(JSON.stringify(r.error))
  return r.text
}

const COMMENTED = [
  '{',
  '  // my config',
  '  "model": "a/b", // default model',
  '  /* block */',
  '  "plugin": [',
  '    "some-plugin@1.0.0", // keep',
  '    ["other", { "x": 1 }],',
  '  ],',
  '}',
  '',
].join('\n')

describe('addPluginEntry', () => {
  it('writes a new file with the schema and our entry', () => {
    expect(add(undefined)).toBe(
      `{\n  "$schema": "https://opencode.ai/config.json",\n  "plugin": [\n    "${URL}"\n  ]\n}\n`,
    )
    expect(newConfigText(URL, '\r\n')).toContain('\r\n  "plugin": [\r\n')
  })

  it('appends to a list with comments, trailing commas, string and tuple entries, keeping every byte', () => {
    expect(add(COMMENTED)).toBe(
      [
        '{',
        '  // my config',
        '  "model": "a/b", // default model',
        '  /* block */',
        '  "plugin": [',
        '    "some-plugin@1.0.0", // keep',
        '    ["other", { "x": 1 }],',
        `    "${URL}",`,
        '  ],',
        '}',
        '',
      ].join('\n'),
    )
  })

  it('adds the entry as a tuple when options are given', () => {
    const out = add(COMMENTED, [URL, { models: { planner: 'p/m' } }])
    expect(out).toContain(`    ["other", { "x": 1 }],\n    ["${URL}", {"models": {"planner": "p/m"}}],\n  ],`)
  })

  it('keeps CRLF line ends, tabs and the BOM', () => {
    const text = '\uFEFF{\r\n\t"model": "a/b" // m\r\n}\r\n'
    expect(add(text)).toBe(
      `\uFEFF{\r\n\t"model": "a/b", // m\r\n\t"plugin": [\r\n\t\t"${URL}"\r\n\t]\r\n}\r\n`,
    )
  })

  it('keeps a one-line list on one line', () => {
    expect(add('{"plugin": ["a"], "model": "m"}')).toBe(`{"plugin": ["a", "${URL}"], "model": "m"}`)
  })

  it('puts the comma after the last entry and the new entry after its comment', () => {
    const text = '{\n  "plugin": [\n    "a" // the a plugin\n  ]\n}\n'
    expect(add(text)).toBe(`{\n  "plugin": [\n    "a", // the a plugin\n    "${URL}"\n  ]\n}\n`)
  })

  it('is idempotent: the second run changes nothing', () => {
    const once = add(COMMENTED)
    const again = addPluginEntry(once, URL, owns)
    expect(again).toEqual({ ok: true, text: once, changed: false })
  })

  it('replaces an older entry of ours in place instead of adding a second', () => {
    const text = `{\n  "plugin": [\n    "a",\n    "${OLD}", // ours, old\n    "b"\n  ]\n}\n`
    expect(add(text)).toBe(`{\n  "plugin": [\n    "a",\n    "${URL}", // ours, old\n    "b"\n  ]\n}\n`)
  })

  it('upgrades a string entry to a tuple and back', () => {
    const text = add(`{\n  "plugin": ["${OLD}"]\n}\n`, [URL, { models: { worker: 'p/w' } }])
    expect(pluginList(text)).toEqual({ ok: true, plugins: [[URL, { models: { worker: 'p/w' } }]] })
    expect(pluginList(add(text))).toEqual({ ok: true, plugins: [URL] })
  })

  it('collapses several entries of ours into one', () => {
    const text = `{\n  "plugin": [\n    "${OLD}",\n    "x",\n    "${URL}"\n  ]\n}\n`
    expect(add(text)).toBe(`{\n  "plugin": [\n    "${URL}",\n    "x"\n  ]\n}\n`)
  })

  it('reports where a malformed file is broken', () => {
    const r = addPluginEntry('{\n  "a": 1\n  "b": 2\n}\n', URL, owns)
    expect(r).toEqual({
      ok: false,
      error: { reason: 'parse-error', message: 'comma expected', line: 3, column: 3 },
    })
  })

  it('refuses a config whose plugin key is not a list, or whose top level is not an object', () => {
    expect(addPluginEntry('{"plugin": "x"}', URL, owns)).toEqual({
      ok: false,
      error: { reason: 'invalid-config', message: '"plugin" must be a list' },
    })
    expect(addPluginEntry('[1]', URL, owns)).toMatchObject({ ok: false, error: { reason: 'invalid-config' } })
  })

  it('does not take an npm entry named like our package for ours', () => {
    const text = '{\n  "plugin": ["opencode-orchestrator@1.2.0"]\n}\n'
    expect(pluginList(add(text))).toEqual({ ok: true, plugins: ['opencode-orchestrator@1.2.0', URL] })
  })
})

describe('removePluginEntries', () => {
  it('removes only our entry and keeps siblings and comments', () => {
    const installed = add(COMMENTED)
    expect(remove(installed)).toBe(COMMENTED)
    const middle = `{\n  // plugins\n  "plugin": [\n    "a", // a\n    "${OLD}",\n    ["b", {}] /* b */\n  ]\n}\n`
    expect(remove(middle)).toBe(
      `{\n  // plugins\n  "plugin": [\n    "a", // a\n    ["b", {}] /* b */\n  ]\n}\n`,
    )
  })

  it('gives back the original bytes after install then uninstall', () => {
    const originals = [
      '{\n  "$schema": "https://opencode.ai/config.json",\n  "model": "a/b" // trailing\n}\n',
      '\uFEFF{\r\n\t"plugin": ["x"]\r\n}\r\n',
      '{"plugin": ["a",], "model": "m"}',
      '{\n  "plugin": [\n    "a" // the a plugin\n  ],\n  "x": [1, 2],\n}\n',
      '{}',
    ]
    for (const original of originals) expect(remove(add(original))).toBe(original)
  })

  it('drops the plugin key when only our entry was in it', () => {
    const text = `{\n  "model": "m",\n  "plugin": [\n    "${OLD}"\n  ]\n}\n`
    expect(remove(text)).toBe('{\n  "model": "m"\n}\n')
  })

  it('changes nothing when no entry of ours is there', () => {
    expect(removePluginEntries(COMMENTED, owns)).toEqual({ ok: true, text: COMMENTED, changed: false })
  })

  it('reports a malformed file instead of editing it', () => {
    expect(removePluginEntries('{ "plugin": [ }', owns)).toMatchObject({
      ok: false,
      error: { reason: 'parse-error', line: 1 },
    })
  })
})
