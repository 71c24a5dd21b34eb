import { describe, expect, it } from 'vitest'
import type { Config } from '@opencode-ai/plugin'
import type { Part } from '@opencode-ai/sdk'
import * as pluginModule from '../../src/plugin/index'
import { loadPlugin } from './helpers'

describe('plugin module', () => {
  it('exports only the plugin function, which is what OpenCode 1.18 calls for a file:// entry', () => {
    expect(Object.keys(pluginModule)).toEqual(['OrchestratorPlugin'])
    expect(typeof pluginModule.OrchestratorPlugin).toBe('function')
  })

  it('registers no hook that rewrites prompts, system prompts or tool outputs', async () => {
    const hooks = await loadPlugin('/tmp/project')
    expect(Object.keys(hooks).sort()).toEqual([
      'chat.params',
      'command.execute.before',
      'config',
      'event',
      'shell.env',
      'tool',
      'tool.execute.before',
    ])
  })

  it("leaves every command's parts as they are but its own, and a user's own /task stays theirs", async () => {
    const hooks = await loadPlugin('/tmp/project')
    await hooks.config?.({ command: { task: { template: 'my own task: $ARGUMENTS' } } } as Config)
    for (const command of ['task', 'review']) {
      const parts = [{ type: 'text', text: 'as typed' }] as unknown as Part[]
      await hooks['command.execute.before']?.({ command, sessionID: 's', arguments: 'x' }, { parts })
      expect(parts).toEqual([{ type: 'text', text: 'as typed' }])
    }
  })

  it('unsets the server password and config content for tool shells, and nothing else', async () => {
    const hooks = await loadPlugin('/tmp/project')
    const output = { env: { KEEP: '1', OPENCODE_SERVER_PASSWORD: 'set-by-an-earlier-plugin' } }
    await hooks['shell.env']?.({ cwd: '/tmp/project', sessionID: 's', callID: 'c' }, output)
    // Undefined, not absent: OpenCode spreads this over its own environment, where they are set.
    expect(output.env).toStrictEqual({
      KEEP: '1',
      OPENCODE_SERVER_PASSWORD: undefined,
      OPENCODE_SERVER_USERNAME: undefined,
      OPENCODE_CONFIG_CONTENT: undefined,
      OPENCODE_AUTH_CONTENT: undefined,
      OPENCODE_API_KEY: undefined,
      OPENCODE_CONSOLE_TOKEN: undefined,
    })
  })

  it('fails to load with a clear message on invalid options', async () => {
    await expect(loadPlugin('/tmp/project', { models: { planner: 42 } })).rejects.toThrow(
      'orchestrator plugin option `models.planner` must be "provider/model", got 42',
    )
  })
})
