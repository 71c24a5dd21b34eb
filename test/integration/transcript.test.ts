import { createOpencodeClient } from '@opencode-ai/sdk/v2'
import { afterEach, describe, expect, it } from 'vitest'
import { helloMissionScript } from '../fixtures/hello-mission'
import { renderTranscript } from '../../src/engine/record/transcript-markdown'
import { OpencodeTranscriptPort } from '../../src/opencode/transcript-port'
import { Sandbox } from '../support/sandbox'

let sandbox: Sandbox | undefined
afterEach(async () => {
  await sandbox?.dispose()
  sandbox = undefined
})

describe("an agent's transcript from the real OpenCode server", () => {
  it('reads as a conversation, with one request per read, and a turn the engine ended is no error', async () => {
    const script = helloMissionScript()
    sandbox = await Sandbox.create({ script })
    const conn = await sandbox.start()
    const m = sandbox.mission(conn, { goal: 'Say hello in a file' })
    const final = await m.run()
    m.dispose()
    expect(final.phase, final.reason).toBe('completed')

    // The product's client, with every HTTP request it makes counted.
    const requests: string[] = []
    const client = createOpencodeClient({
      baseUrl: conn.url,
      directory: sandbox.projectDir,
      headers: {
        authorization: `Basic ${Buffer.from(`opencode:${conn.process?.password}`).toString('base64')}`,
      },
      fetch: (...args: Parameters<typeof fetch>) => {
        const [input] = args
        requests.push(input instanceof Request ? input.url : String(input))
        return fetch(...args)
      },
    })
    const port = new OpencodeTranscriptPort(() => client)
    const ended = { planner: 'plan', worker: 'report', reviewer: 'verdict' } as const
    for (const agent of final.agents) {
      requests.length = 0
      const messages = await port.transcript(agent.sessionId)
      expect(requests).toHaveLength(1)
      const md = renderTranscript(
        { title: agent.title, role: agent.role, sessionId: agent.sessionId, todoId: agent.todoId },
        messages,
      )
      // The engine cut each turn once its mission tool's result was in: OpenCode stored an abort.
      expect(messages.at(-1)?.aborted, agent.role).toBe(true)
      expect(md).toContain(
        `_Turn ended by the orchestrator after the ${ended[agent.role as keyof typeof ended]}._`,
      )
      expect(md).not.toMatch(/error|abort/i)
      expect(md).toContain('## Brief')
      expect(md.split(agent.sessionId)).toHaveLength(2)
      // Every tool call is folded, with its input and output inside.
      expect(md.split('<details>').length).toBe(md.split('</details>').length)
      expect(md).toMatch(/<details>\n<summary><code>orchestrator_\w+<\/code>/)
    }
    const worker = final.agents.find((a) => a.role === 'worker')
    if (!worker) throw new Error('no worker')
    const md = renderTranscript(
      { title: worker.title, role: 'worker', sessionId: worker.sessionId },
      await port.transcript(worker.sessionId),
    )
    expect(md).toContain('<summary><code>write</code> ')
    expect(md).toContain('**Output**\n\n```\nWrote file successfully.\n```')
  })
})
