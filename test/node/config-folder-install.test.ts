import { describe, expect, it } from 'vitest'
import { configFolders, installComplete } from '../../src/node/config-folder-install'

const lock = (deps: Record<string, string>) =>
  JSON.stringify({ lockfileVersion: 3, packages: { '': { dependencies: deps } } })

describe("OpenCode's config folders and its rule for skipping their install", () => {
  it('lists the config folders from the top down to the folder within the repository', () => {
    expect(configFolders('')).toEqual(['.opencode'])
    expect(configFolders('packages/app')).toEqual([
      '.opencode',
      'packages/.opencode',
      'packages/app/.opencode',
    ])
  })

  it('counts an install complete when the lock lists every dependency and the plugin package', () => {
    const pkg = JSON.stringify({ dependencies: { a: '1' }, devDependencies: { b: '2' } })
    expect(installComplete(pkg, lock({ a: '1', b: '2', '@opencode-ai/plugin': '*' }))).toBe(true)
    expect(installComplete(undefined, lock({ '@opencode-ai/plugin': '1.18.33' }))).toBe(true)
    expect(installComplete(pkg, lock({ a: '1', '@opencode-ai/plugin': '*' }))).toBe(false)
    expect(installComplete(pkg, lock({ a: '1', b: '2' }))).toBe(false)
    expect(installComplete(undefined, undefined)).toBe(false)
    expect(installComplete('not json', 'not json either')).toBe(false)
  })
})
