import { describe, expect, it } from 'vitest'
import { parseRoleModels } from '../../../src/engine/preflight/role-models'

// The `orchestrator.models` setting: a bad value is refused naming the role and the fix.

const WHAT = 'Setting orchestrator.models'

describe('parseRoleModels', () => {
  it('reads provider/model per role and skips empty roles', () => {
    expect(
      parseRoleModels(
        { planner: 'anthropic/claude-sonnet-4', worker: ' openrouter/meta/llama-3 ', reviewer: '' },
        WHAT,
      ),
    ).toEqual({
      planner: { providerID: 'anthropic', modelID: 'claude-sonnet-4' },
      worker: { providerID: 'openrouter', modelID: 'meta/llama-3' },
    })
    expect(parseRoleModels(undefined, WHAT)).toEqual({})
  })

  it('refuses an unknown role, a value that is not provider/model, and a non-object', () => {
    expect(() => parseRoleModels({ boss: 'a/b' }, WHAT)).toThrow(
      'Setting orchestrator.models: "boss" is not a role (planner, worker, reviewer)',
    )
    expect(() => parseRoleModels({ worker: 'gpt-5' }, WHAT)).toThrow(
      'Setting orchestrator.models: the worker model must look like provider/model (e.g. anthropic/claude-sonnet-4), got "gpt-5". Run "Orchestrator: Choose Models…"',
    )
    expect(() => parseRoleModels({ worker: 5 }, WHAT)).toThrow('got 5')
    expect(() => parseRoleModels('anthropic/x', WHAT)).toThrow(
      'Setting orchestrator.models must be an object',
    )
  })
})
