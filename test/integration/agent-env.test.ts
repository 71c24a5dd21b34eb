import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Script } from '../../src/demo/scripted-provider'
import type { Connection } from '../../src/opencode/connection'
import { Sandbox } from '../support/sandbox'

// What an agent's shell sees of the server that runs it: a real `opencode serve` with the companion
// plugin, a worker whose model calls `env`, and the tool output as it reaches the model.

const FAKE_KEY = 'sk-fake-provider-key-0123456789abcdef'

const script: Script = (req) => {
  const ranTools = req.messages.some((m) => m.role === 'tool')
  if (req.lastUserText === 'SCENARIO:env' && !ranTools)
    return { toolCalls: [{ name: 'bash', args: { command: 'env', description: 'print the environment' } }] }
  return { text: 'done' }
}

let sandbox: Sandbox
let conn: Connection

beforeAll(async () => {
  sandbox = await Sandbox.create({ script })
  // The provider key travels in the server's config content, as a user's --opencode-config does.
  const providers = sandbox.config.provider as Record<string, { options: Record<string, unknown> }>
  providers.scripted!.options.apiKey = FAKE_KEY
  conn = await sandbox.start()
})
afterAll(async () => {
  await sandbox?.dispose()
})

describe('the environment of an agent’s shell', () => {
  it('holds neither the server password nor the config content with its provider key', async () => {
    const password = conn.process?.password
    expect(password).toBeTruthy()
    const created = await conn.client.session.create({ title: 'worker env' })
    const sessionID = created.data?.id as string
    await conn.client.session.prompt({
      sessionID,
      agent: 'worker',
      parts: [{ type: 'text', text: 'SCENARIO:env' }],
    })
    const afterTool = sandbox.provider.chatRequests.find(
      (r) => r.lastUserText === 'SCENARIO:env' && r.toolResults.length > 0,
    )
    const output = afterTool?.toolResults.join('\n') ?? ''
    expect(output).toContain('PATH=') // the command ran and its output reached the model
    expect(output).toContain('OPENCODE_CLIENT=sdk') // the server's environment is still inherited
    expect(output).not.toContain(password)
    expect(output).not.toContain('OPENCODE_SERVER_PASSWORD')
    expect(output).not.toContain('OPENCODE_CONFIG_CONTENT')
    expect(output).not.toContain(FAKE_KEY)
  })
})
