import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { APPLY_CHANGES, ISOLATIONS } from '../../src/engine/mission-options'

interface SettingSchema {
  type: string
  default: unknown
  enum?: string[]
}

const pkg = JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8')) as {
  contributes: { configuration: { properties: Record<string, SettingSchema> } }
}
const properties = pkg.contributes.configuration.properties

describe('the isolation settings', () => {
  it('offer the modes the engine knows, worktrees by default', () => {
    const isolation = properties['orchestrator.isolation']
    expect(isolation?.type).toBe('string')
    expect([...(isolation?.enum ?? [])].sort()).toEqual([...ISOLATIONS].sort())
    expect(isolation?.default).toBe('worktree')
  })

  it('ask at the end by default', () => {
    const apply = properties['orchestrator.applyChanges']
    expect([...(apply?.enum ?? [])].sort()).toEqual([...APPLY_CHANGES].sort())
    expect(apply?.default).toBe('ask')
  })

  it('run no setup command unless one is given', () => {
    expect(properties['orchestrator.worktreeSetup']).toMatchObject({ type: 'string', default: '' })
  })

  it('name no setting inside another: VS Code reads settings as a tree and drops one of the two', () => {
    // e.g. `orchestrator.isolation` (a string) and `orchestrator.isolation.apply`: the extension host
    // ignores the second ("Ignoring orchestrator.isolation.apply as orchestrator.isolation is …").
    const keys = Object.keys(properties)
    const nested = keys.filter((k) => keys.some((other) => k.startsWith(`${other}.`)))
    expect(nested).toEqual([])
  })
})
