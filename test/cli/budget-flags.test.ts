import { describe, expect, it } from 'vitest'
import { BUDGET_HELP, BUDGET_USAGE, parseBudgetFlags } from '../../src/cli/budget-flags'
import { runCommand } from '../../src/cli/run-command'
import { capturedIo as io } from '../fixtures/cli-io'
import { CLI_BUDGET_KINDS } from '../../src/shared/budget-kinds'

describe.each(CLI_BUDGET_KINDS.map((k) => [k.cli.flag, k] as const))(
  'orchestrator run --%s',
  (flag, kind) => {
    it("sets its kind's limit in the engine's units", () => {
      expect(parseBudgetFlags({ [flag]: '3' })).toEqual({ [kind.option]: 3 * kind.cli.scale })
    })

    it('rejects zero, a negative and a word, naming the flag', () => {
      for (const bad of ['0', '-2', 'lots'])
        expect(() => parseBudgetFlags({ [flag]: bad })).toThrow(`--${flag} must be `)
    })

    it('is in the usage and the help', async () => {
      const o = io()
      expect(await runCommand(['--help'], o)).toBe(0)
      expect(o.out).toContain(`[--${flag} ${kind.cli.arg}]`)
      expect(o.out).toContain(`--${flag} ${kind.cli.arg}`)
    })
  },
)

describe('budget flags', () => {
  it('set nothing when none is given', () => {
    expect(parseBudgetFlags({})).toEqual({})
  })

  it('read as they always did', () => {
    expect(BUDGET_USAGE).toBe('[--max-iterations N] [--max-tokens N] [--max-cost USD] [--max-minutes N]')
    expect(BUDGET_HELP).toBe('--max-iterations N, --max-tokens N, --max-cost USD, --max-minutes N')
    expect(parseBudgetFlags({ 'max-cost': '$2.50', 'max-minutes': '10' })).toEqual({
      maxCostUsd: 2.5,
      maxWallMs: 600_000,
    })
    expect(() => parseBudgetFlags({ 'max-tokens': '1.5' })).toThrow(
      '--max-tokens must be a whole number >= 1, got "1.5"',
    )
  })

  it('reach the run command: a bad one stops it before anything starts', async () => {
    for (const kind of CLI_BUDGET_KINDS) {
      const o = io()
      expect(await runCommand(['--goal', 'x', `--${kind.cli.flag}=0`], o)).toBe(2)
      expect(o.err).toContain(`--${kind.cli.flag} must be `)
    }
  })
})
