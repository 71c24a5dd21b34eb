import type { Config } from '@opencode-ai/plugin'
import { describe, expect, it } from 'vitest'
import { addAgents, agentDefinitions, parsePluginOptions } from '../../src/plugin/agents'
import { loadPlugin } from './helpers'

const runConfigHook = async (config: Config, options?: Record<string, unknown>) => {
  const hooks = await loadPlugin('/tmp/project', options)
  await hooks.config?.(config)
  return config
}

describe('config hook: agents', () => {
  it('adds commander (primary) and planner, worker, reviewer (subagents) with role prompts', async () => {
    const config = await runConfigHook({})
    const agent = config.agent as Record<string, Record<string, unknown>>
    expect(Object.keys(agent)).toEqual(['commander', 'planner', 'worker', 'reviewer'])
    expect(agent.commander?.mode).toBe('primary')
    for (const role of ['planner', 'worker', 'reviewer']) expect(agent[role]?.mode).toBe('subagent')
    expect(agent.planner?.prompt).toMatch(/orchestrator_plan/)
    expect(agent.worker?.prompt).toMatch(/orchestrator_report/)
    expect(agent.reviewer?.prompt).toMatch(/orchestrator_verdict/)
    for (const role of Object.keys(agent)) expect(agent[role]).not.toHaveProperty('model')
  })

  it('denies edits to planner and reviewer, not to worker; each role keeps only its own mission tool', () => {
    const defs = agentDefinitions()
    expect(defs.planner.permission.edit).toBe('deny')
    expect(defs.reviewer.permission.edit).toBe('deny')
    expect(defs.worker.permission.edit).toBeUndefined()
    expect(defs.planner.permission).toMatchObject({
      orchestrator_report: 'deny',
      orchestrator_verdict: 'deny',
    })
    expect(defs.planner.permission).not.toHaveProperty('orchestrator_plan')
    expect(defs.worker.permission).toMatchObject({ orchestrator_plan: 'deny', orchestrator_verdict: 'deny' })
    expect(defs.worker.permission).not.toHaveProperty('orchestrator_report')
    expect(defs.reviewer.permission).not.toHaveProperty('orchestrator_verdict')
    expect(defs.reviewer.permission.bash).toMatchObject({ '*': 'deny', 'git diff*': 'allow' })
    // No role is offered a tool its work never uses.
    for (const role of ['planner', 'worker', 'reviewer'] as const)
      expect(defs[role].permission).toMatchObject({ skill: 'deny', todowrite: 'deny', webfetch: 'deny' })
  })

  it('leaves the user’s own agents, default_agent and commands exactly as they were', async () => {
    const userWorker = { mode: 'subagent' as const, prompt: 'my worker', model: 'x/y' }
    const build = { model: 'a/b' }
    const command = { review: { template: 'review it' } }
    const config = await runConfigHook({
      default_agent: 'build',
      agent: { worker: userWorker, build },
      command,
    } as Config)
    const agent = config.agent as Record<string, unknown>
    expect(agent.worker).toBe(userWorker)
    expect(userWorker).toEqual({ mode: 'subagent', prompt: 'my worker', model: 'x/y' })
    expect(agent.build).toEqual({ model: 'a/b' })
    expect((config as Record<string, unknown>).default_agent).toBe('build')
    // The user's command stays; the orchestrator's own commands are added beside it.
    expect(config.command?.review).toBe(command.review)
    expect(command.review).toEqual({ template: 'review it' })
    expect(Object.keys(config.command ?? {})).toEqual(['review', 'task', 'stop', 'mission'])
    expect(Object.keys(agent).sort()).toEqual(['build', 'commander', 'planner', 'reviewer', 'worker'])
  })

  it('is idempotent when the hook runs twice (the plugin loaded from two entries)', () => {
    const config: { agent?: Record<string, unknown> } = {}
    expect(addAgents(config, {})).toEqual(['commander', 'planner', 'worker', 'reviewer'])
    const first = structuredClone(config)
    expect(addAgents(config, {})).toEqual([])
    expect(config).toEqual(first)
  })

  it('sets a model only for roles configured in the plugin options', async () => {
    const config = await runConfigHook({}, { models: { planner: 'fake/planner-model' } })
    const agent = config.agent as Record<string, Record<string, unknown>>
    expect(agent.planner?.model).toBe('fake/planner-model')
    expect(agent.worker).not.toHaveProperty('model')
  })

  it('offers the tools named in offerTools to every role again, and nothing else', () => {
    const lean = agentDefinitions()
    const offered = agentDefinitions(parsePluginOptions({ offerTools: ['webfetch'] }))
    for (const role of ['planner', 'worker', 'reviewer'] as const) {
      expect(lean[role].permission.webfetch).toBe('deny')
      expect(offered[role].permission).not.toHaveProperty('webfetch')
      expect(offered[role].permission.skill).toBe('deny')
    }
    expect(offered.commander.permission).toEqual({ '*': 'deny' })
  })

  it('rejects bad options with a message naming the problem', () => {
    expect(() => parsePluginOptions({ models: { boss: 'a/b' } })).toThrow('unknown role "boss"')
    expect(() => parsePluginOptions({ models: { planner: 'no-slash' } })).toThrow(
      'orchestrator plugin option `models.planner` must be "provider/model", got "no-slash"',
    )
    expect(() => parsePluginOptions('x')).toThrow('must be an object')
    expect(() => parsePluginOptions({ maxConcurrency: 0 })).toThrow(
      'orchestrator plugin option `maxConcurrency` must be a whole number from 1 to 32, got 0',
    )
    expect(() => parsePluginOptions({ maxConcurrency: '4' })).toThrow('got "4"')
    expect(parsePluginOptions({ maxConcurrency: 8 })).toEqual({ maxConcurrency: 8 })
    expect(() => parsePluginOptions({ offerTools: ['bash'] })).toThrow(
      'orchestrator plugin option `offerTools` must be a list of "skill", "todowrite", "webfetch", got ["bash"]',
    )
    expect(parsePluginOptions(undefined)).toEqual({})
  })
})
