import { describe, expect, it } from 'vitest'
import { isOurSpecifier, pluginEntry } from '../../src/plugin-config/plugin-entry'
import { missionServerConfig } from '../../src/plugin-config/server-config'

describe('isOurSpecifier', () => {
  it('recognises our plugin file in the folders it ships in', () => {
    for (const url of [
      'file:///usr/lib/node_modules/opencode-orchestrator-vscode/dist/plugin.js',
      'file:///home/me/.vscode/extensions/opencode-orchestrator.opencode-orchestrator-vscode-0.1.0/dist/plugin.js',
      'file:///home/me/.vscode-server/extensions/opencode-orchestrator.opencode-orchestrator-vscode-1.2.3-linux-x64/dist/plugin.js',
      'file:///tmp/opencode-orchestrator-vscode-0.1.0/dist/plugin.js',
      // the name builds before 0.1.0 used
      'file:///usr/lib/node_modules/opencode-orchestrator/dist/plugin.js',
      'file:///home/me/.vscode/extensions/opencode-orchestrator.opencode-orchestrator-0.1.0/dist/plugin.js',
      'file:///home/me/.vscode-server/extensions/opencode-orchestrator.opencode-orchestrator-1.2.3-linux-x64/dist/plugin.js',
      'file:///tmp/opencode-orchestrator-0.1.0/dist/plugin.js',
    ])
      expect(isOurSpecifier(url), url).toBe(true)
  })

  it('leaves everything else alone', () => {
    for (const spec of [
      'opencode-orchestrator',
      'opencode-orchestrator@1.0.0',
      'opencode-orchestrator-vscode',
      'file:///home/me/opencode-orchestrator-vscode-fork/dist/plugin.js',
      'file:///home/me/my-orchestrator/dist/plugin.js',
      'file:///home/me/opencode-orchestrator/dist/other.js',
      'file:///home/me/opencode-orchestrator-fork/src/plugin.js',
      './plugins/opencode-orchestrator.js',
    ])
      expect(isOurSpecifier(spec), spec).toBe(false)
  })

  it('accepts extra URLs through the predicate (the one being installed, a checkout)', () => {
    const dev = 'file:///work/main/dist/plugin.js'
    expect(isOurSpecifier(dev)).toBe(false)
    expect(isOurSpecifier(dev, (u) => u === dev)).toBe(true)
  })
})

describe('pluginEntry', () => {
  it('is the URL alone, or a tuple when options are given', () => {
    expect(pluginEntry('file:///p.js')).toBe('file:///p.js')
    expect(pluginEntry('file:///p.js', {})).toBe('file:///p.js')
    expect(pluginEntry('file:///p.js', { models: { planner: 'a/b' } })).toEqual([
      'file:///p.js',
      { models: { planner: 'a/b' } },
    ])
  })
})

describe('missionServerConfig', () => {
  const pluginFile = '/opt/x/opencode-orchestrator/dist/plugin.js'

  it('adds our entry to the config content and leaves the base object alone', () => {
    const base = {
      model: 'fake/m',
      plugin: ['other', ['file:///old/opencode-orchestrator/dist/plugin.js', {}]],
    }
    const copy = structuredClone(base)
    const config = missionServerConfig({
      pluginFile,
      base,
      pluginOptions: { models: { worker: 'fake/w' } },
    })
    expect(config).toEqual({
      snapshot: false,
      model: 'fake/m',
      plugin: [
        'other',
        ['file:///opt/x/opencode-orchestrator/dist/plugin.js', { models: { worker: 'fake/w' } }],
      ],
    })
    expect(base).toEqual(copy)
  })

  it('works without a base config', () => {
    expect(missionServerConfig({ pluginFile })).toEqual({
      snapshot: false,
      plugin: ['file:///opt/x/opencode-orchestrator/dist/plugin.js'],
    })
  })

  it("turns OpenCode's snapshots off unless asked for or set in the base config", () => {
    expect(missionServerConfig({ pluginFile, snapshots: true })).not.toHaveProperty('snapshot')
    expect(missionServerConfig({ pluginFile, base: { snapshot: true } })).toMatchObject({ snapshot: true })
  })
})
