import { describe, expect, it } from 'vitest'
import { parseTuning } from '../../src/cli/run-tuning'
import { runCommand } from '../../src/cli/run-command'
import { capturedIo as io } from '../fixtures/cli-io'

describe('orchestrator run --cancel-after-rejections', () => {
  it('sets the policy', () => {
    expect(parseTuning({ 'cancel-after-rejections': '3' })).toMatchObject({ cancelAfterRejections: 3 })
  })

  it('sets none when not given', () => {
    expect(parseTuning({})).not.toHaveProperty('cancelAfterRejections')
  })

  it('rejects zero, a fraction and a word, naming the flag', () => {
    for (const bad of ['0', '1.5', 'often'])
      expect(() => parseTuning({ 'cancel-after-rejections': bad })).toThrow(
        '--cancel-after-rejections must be ',
      )
  })

  it('is in the usage and the help, and a bad value stops the run before anything starts', async () => {
    const help = io()
    expect(await runCommand(['--help'], help)).toBe(0)
    expect(help.out).toContain('[--cancel-after-rejections N]')
    const bad = io()
    expect(await runCommand(['--goal', 'g', '--cancel-after-rejections', 'x'], bad)).toBe(2)
    expect(bad.err).toContain('--cancel-after-rejections must be a whole number >= 1, got "x"')
  })
})

describe('orchestrator run --isolation', () => {
  it('takes worktree or shared, and leaves the choice to the run when not given', () => {
    expect(parseTuning({ isolation: 'shared' })).toMatchObject({ isolation: 'shared' })
    expect(parseTuning({ isolation: 'worktree' })).toMatchObject({ isolation: 'worktree' })
    expect(parseTuning({})).not.toHaveProperty('isolation')
  })

  it('is in the help with --worktree-setup, and a bad value stops the run before anything starts', async () => {
    const help = io()
    expect(await runCommand(['--help'], help)).toBe(0)
    expect(help.out).toContain('[--isolation worktree|shared] [--worktree-setup "<cmd>"]')
    const bad = io()
    expect(await runCommand(['--goal', 'g', '--isolation', 'branches'], bad)).toBe(2)
    expect(bad.err).toContain('--isolation must be one of shared, worktree, got "branches"')
  })
})
