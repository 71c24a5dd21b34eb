import { describe, expect, it } from 'vitest'
import { killPlan } from '../../src/node/kill-plan'

describe('how a process tree is ended, per system', () => {
  it('signals the process group on Linux, and reads /proc there', () => {
    expect(killPlan('linux')).toEqual({ kill: 'group', procfs: true })
  })

  it('signals the process group on macOS and the BSDs, without /proc', () => {
    for (const platform of ['darwin', 'freebsd', 'openbsd'] as const)
      expect(killPlan(platform)).toEqual({ kill: 'group', procfs: false })
  })

  it('ends the tree with tree-kill (taskkill /T /F) on Windows, where a negative pid throws', () => {
    expect(killPlan('win32')).toEqual({ kill: 'tree', procfs: false })
  })
})
