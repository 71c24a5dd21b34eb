import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Script } from '../../src/demo/scripted-provider'
import type { Connection } from '../../src/opencode/connection'
import { installPlugin, uninstallPlugin } from '../../src/plugin-config/installer'
import { writeOwnership } from '../../src/plugin/ownership'
import { repoRoot, Sandbox } from '../support/sandbox'

// The companion plugin inside a real `opencode serve`, installed the way a user installs it: into
// the project's own opencode.jsonc (not through the server's config content).

const pluginFile = join(repoRoot, 'dist', 'plugin.js')
const MISSION_TOOLS = ['orchestrator_plan', 'orchestrator_report', 'orchestrator_verdict']
// With "$schema" present: OpenCode 1.18 itself inserts that line into a project config lacking it
// when it first loads the file, which would show up in the byte comparison below.
const ORIGINAL =
  '{\n  "$schema": "https://opencode.ai/config.json",\n  // the team config\n  "share": "disabled", /* keep */\n}\n'

const todo = (id: string, dependsOn: string[] = []) => ({
  id,
  title: id,
  description: `do ${id}`,
  files: [`src/${id}.ts`],
  dependsOn,
  acceptance: [],
})

// Each prompt names its scenario; the step is the number of tool results the model has seen so far.
const script: Script = (req) => {
  const scenario = /SCENARIO:(\w+)/.exec(req.lastUserText)?.[1]
  const step = req.messages.filter((m) => m.role === 'tool').length
  const call = (name: string, args: unknown) => ({ toolCalls: [{ name, args }] })
  if (scenario === 'plan') {
    // `files` is optional, but when given it must be a list.
    const steps = [
      call('orchestrator_plan', { todos: [{ ...todo('a'), files: 'src/a.ts' }] }),
      call('orchestrator_plan', { todos: [todo('a'), todo('a')] }),
      call('orchestrator_plan', { todos: [todo('a'), todo('b', ['a'])] }),
    ]
    return steps[step] ?? { text: 'planned' }
  }
  if (scenario === 'guard') {
    const steps = [
      call('write', {
        filePath: join(sandbox.projectDir, 'src/other.ts'),
        content: 'export const other = 1\n',
      }),
      call('write', {
        filePath: join(sandbox.projectDir, 'src/owned.ts'),
        content: 'export const owned = 1\n',
      }),
    ]
    return steps[step] ?? { text: 'done' }
  }
  return { text: 'hello' }
}

let sandbox: Sandbox
let conn: Connection

beforeAll(async () => {
  if (!existsSync(pluginFile)) throw new Error(`${pluginFile} is missing: run \`node esbuild.mjs\` first`)
  sandbox = await Sandbox.create({
    script,
    plugin: false,
    files: { 'opencode.jsonc': ORIGINAL, 'README.md': '# p\n' },
  })
  const installed = await installPlugin({
    scope: { kind: 'project', dir: sandbox.projectDir },
    pluginFile,
    env: sandbox.env,
  })
  expect(installed).toMatchObject({
    ok: true,
    changed: true,
    path: join(sandbox.projectDir, 'opencode.jsonc'),
  })
  conn = await sandbox.start()
})
afterAll(async () => {
  await sandbox?.dispose()
})

async function prompt(agent: string, text: string): Promise<string> {
  const session = await conn.client.session.create({ title: `${agent} test` })
  const id = session.data?.id
  if (!id) throw new Error(`session.create failed: ${JSON.stringify(session.error)}`)
  const res = await conn.client.session.prompt({ sessionID: id, agent, parts: [{ type: 'text', text }] })
  if (res.error) throw new Error(`prompt failed: ${JSON.stringify(res.error)}`)
  return id
}

async function toolParts(sessionID: string, tool: string) {
  const res = await conn.client.session.messages({ sessionID })
  return (res.data ?? []).flatMap((m) =>
    m.parts.flatMap((p) => (p.type === 'tool' && p.tool === tool ? [p.state] : [])),
  )
}

describe('companion plugin in a real OpenCode server', () => {
  it('lists our four agents with their modes', async () => {
    const res = await conn.client.app.agents()
    const byName = new Map((res.data ?? []).map((a) => [a.name, a]))
    expect(byName.get('commander')?.mode).toBe('primary')
    for (const name of ['planner', 'worker', 'reviewer']) expect(byName.get(name)?.mode).toBe('subagent')
    const config = await conn.client.config.get()
    expect((config.data as { default_agent?: string }).default_agent).toBeUndefined()
    // With no model of their own, every role runs on the configured default (what caps count under).
    const scripted = { providerID: 'scripted', modelID: 'scripted-model' }
    expect(await conn.sessions.roleModels()).toEqual({
      commander: scripted,
      planner: scripted,
      worker: scripted,
      reviewer: scripted,
    })
  })

  it('offers the three tools to the model, each role only its own, and no edit tools to the planner', async () => {
    await prompt('build', 'SCENARIO:hello')
    const build = sandbox.provider.chatRequests.at(-1)
    expect(build?.tools).toEqual(expect.arrayContaining(MISSION_TOOLS))
    await prompt('planner', 'SCENARIO:hello')
    const planner = sandbox.provider.chatRequests.at(-1)
    expect(planner?.system).toContain('You are the Planner')
    expect(planner?.tools).toContain('orchestrator_plan')
    expect(planner?.tools).not.toContain('orchestrator_report')
    expect(planner?.tools).not.toContain('edit')
    expect(planner?.tools).not.toContain('write')
  })

  it("offers each role only the tools its work needs, so no unused tool's definition rides along", async () => {
    const offered: Record<string, string[] | undefined> = {}
    for (const role of ['planner', 'worker', 'reviewer']) {
      await prompt(role, 'SCENARIO:hello')
      offered[role] = [...(sandbox.provider.chatRequests.at(-1)?.tools ?? [])].sort()
    }
    expect(offered).toEqual({
      planner: ['glob', 'grep', 'orchestrator_plan', 'read'],
      worker: ['bash', 'edit', 'glob', 'grep', 'orchestrator_report', 'read', 'write'],
      reviewer: ['bash', 'glob', 'grep', 'orchestrator_verdict', 'read'],
    })
  })

  it('answers invalid plans with a tool error that names the problem, then accepts a valid one', async () => {
    const session = await prompt('planner', 'SCENARIO:plan')
    const results = sandbox.provider.chatRequests.filter((r) => r.lastUserText === 'SCENARIO:plan')
    expect(results[1]?.toolResults.join('\n')).toContain('todos[0]: "files" must be an array of strings')
    expect(results[2]?.toolResults.join('\n')).toContain('duplicate todo id "a"')
    expect(results[3]?.toolResults.join('\n')).toContain('Plan accepted: 2 todos (a, b).')
    const states = await toolParts(session, 'orchestrator_plan')
    expect(states.map((s) => s.status)).toEqual(['error', 'error', 'completed'])
  })

  it('refuses a worker’s write outside its owned files and lets the one inside through', async () => {
    const created = await conn.client.session.create({ title: 'worker t1' })
    const sessionID = created.data?.id as string
    await writeOwnership(sandbox.projectDir, {
      missionId: 'm1',
      todos: ['t1'],
      sessions: { [sessionID]: { todoId: 't1', files: ['src/owned.ts'] } },
    })
    await conn.client.session.prompt({
      sessionID,
      agent: 'worker',
      parts: [{ type: 'text', text: 'SCENARIO:guard' }],
    })
    const results = sandbox.provider.chatRequests.filter((r) => r.lastUserText === 'SCENARIO:guard')
    expect(results[1]?.toolResults.join('\n')).toContain(
      'Refused: todo "t1" may only edit its owned files: src/owned.ts.',
    )
    expect(results[0]?.tools).toContain('orchestrator_report')
    expect(results[0]?.tools).not.toContain('orchestrator_plan')
    expect(existsSync(join(sandbox.projectDir, 'src/other.ts'))).toBe(false)
    expect(readFileSync(join(sandbox.projectDir, 'src/owned.ts'), 'utf8')).toBe('export const owned = 1\n')
    expect((await toolParts(sessionID, 'write')).map((s) => s.status)).toEqual(['error', 'completed'])
  })

  it('uninstall gives back the project config byte for byte', async () => {
    await conn.dispose()
    const removed = await uninstallPlugin({ scope: { kind: 'project', dir: sandbox.projectDir }, pluginFile })
    expect(removed).toMatchObject({ ok: true, changed: true })
    expect(readFileSync(join(sandbox.projectDir, 'opencode.jsonc'), 'utf8')).toBe(ORIGINAL)
  })
})
