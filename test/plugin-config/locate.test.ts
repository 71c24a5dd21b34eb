import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { globalConfigDir, locateConfig } from '../../src/plugin-config/locate'

const existing =
  (...paths: string[]) =>
  (p: string) =>
    paths.includes(p)

describe('locateConfig', () => {
  it('project: opencode.jsonc, else opencode.json, else a new opencode.json', () => {
    const dir = '/w/p'
    const both = existing(join(dir, 'opencode.jsonc'), join(dir, 'opencode.json'))
    expect(locateConfig({ kind: 'project', dir }, { exists: both })).toEqual({
      path: join(dir, 'opencode.jsonc'),
      exists: true,
    })
    const json = existing(join(dir, 'opencode.json'))
    expect(locateConfig({ kind: 'project', dir }, { exists: json })).toEqual({
      path: join(dir, 'opencode.json'),
      exists: true,
    })
    expect(locateConfig({ kind: 'project', dir }, { exists: existing() })).toEqual({
      path: join(dir, 'opencode.json'),
      exists: false,
    })
  })

  it('global: OPENCODE_CONFIG_DIR, else XDG_CONFIG_HOME/opencode, else ~/.config/opencode', () => {
    expect(globalConfigDir({ OPENCODE_CONFIG_DIR: '/c', XDG_CONFIG_HOME: '/x', HOME: '/h' })).toBe('/c')
    expect(globalConfigDir({ XDG_CONFIG_HOME: '/x', HOME: '/h' })).toBe(join('/x', 'opencode'))
    expect(globalConfigDir({ HOME: '/h' })).toBe(join('/h', '.config', 'opencode'))
  })

  it('global: prefers .jsonc and creates .jsonc when there is none', () => {
    const env = { XDG_CONFIG_HOME: '/x' }
    const dir = join('/x', 'opencode')
    const both = existing(join(dir, 'opencode.jsonc'), join(dir, 'opencode.json'))
    expect(locateConfig({ kind: 'global' }, { env, exists: both }).path).toBe(join(dir, 'opencode.jsonc'))
    expect(locateConfig({ kind: 'global' }, { env, exists: existing(join(dir, 'opencode.json')) }).path).toBe(
      join(dir, 'opencode.json'),
    )
    expect(locateConfig({ kind: 'global' }, { env, exists: existing() })).toEqual({
      path: join(dir, 'opencode.jsonc'),
      exists: false,
    })
  })
})
