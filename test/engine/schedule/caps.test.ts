import { describe, expect, it } from 'vitest'
import { withCap, withCapSpec } from '../../../src/engine/schedule/caps'

describe('caps from the CLI and the settings', () => {
  it('adds role, provider and model bounds next to the total', () => {
    let caps = { total: 6 }
    for (const spec of ['role:reviewer=1', 'provider:anthropic=2', 'model:openai/gpt-5/mini=1'])
      caps = withCapSpec(caps, spec)
    expect(caps).toEqual({
      total: 6,
      perRole: { reviewer: 1 },
      perProvider: { anthropic: 2 },
      perModel: { 'openai/gpt-5/mini': 1 },
    })
  })

  it('names what is wrong with a bad cap', () => {
    expect(() => withCapSpec({ total: 3 }, 'role:boss=2')).toThrow(
      'cap "role:boss" is not one of role:<worker|reviewer>=N, provider:<id>=N or model:<provider>/<model>=N',
    )
    expect(() => withCapSpec({ total: 3 }, 'worker')).toThrow('--cap must look like role:')
    expect(() => withCapSpec({ total: 3 }, 'model:gpt=1')).toThrow('cap "model:gpt" is not one of')
    expect(() => withCap({ total: 3 }, 'provider:x', 0)).toThrow('at least 1, got 0')
    expect(() => withCap({ total: 3 }, 'provider:x', 1.5)).toThrow('at least 1, got 1.5')
  })
})
