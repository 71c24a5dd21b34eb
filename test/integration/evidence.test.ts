// Issue 9, items 4 and 6 against the real `opencode serve` and the scripted provider: the project's
// own check runs when none is configured (engine and CLI), a mission without one ends "completed —
// no check ran", --no-check opts out, and a mission is one root session in OpenCode with its agents
// below it (no extra model call, and Stop still aborts every one of them).
import { existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { missionScript, type MissionScriptOptions } from '../../src/demo/mission-script'
import { scriptedProviderConfig } from '../../src/demo/scripted-provider'
import type { MissionReport } from '../../src/cli/report'
import { runCli } from '../support/run-cli'
import { Sandbox } from '../support/sandbox'
import { todo, writes } from '../support/file-todos'

let sandbox: Sandbox | undefined
afterEach(async () => {
  await sandbox?.dispose()
  sandbox = undefined
})

/** A project whose own test script checks the mission's file and leaves a mark that it ran. */
const NPM_PROJECT = {
  'package.json': JSON.stringify({ name: 'sample', private: true, scripts: { test: 'node check.js' } }),
  'check.js': "require('fs').writeFileSync('check-ran.txt', 'yes'); require('fs').readFileSync('a.txt')\n",
}

async function sandboxFor(script: MissionScriptOptions, files: Record<string, string>, latencyMs = 0) {
  sandbox = await Sandbox.create({ script: missionScript({ latencyMs, ...script }), files })
  return sandbox
}

/** `orchestrator run` on the sandbox's project, with its scripted provider, as a child process. */
async function cliRun(s: Sandbox, extra: string[]) {
  const config = join(s.root, 'provider.json')
  writeFileSync(
    config,
    JSON.stringify({ ...scriptedProviderConfig(s.provider), permission: { '*': 'allow' } }),
  )
  const run = await runCli(
    ['run', '--goal', 'Write a.txt', '--dir', s.projectDir, '--opencode-config', config, '--json', ...extra],
    s.env,
    60_000,
  )
  const report = JSON.parse(run.stdout || 'null') as MissionReport | null
  return { ...run, report }
}

describe('evidence by default', () => {
  it("runs the project's package.json test script when no check is configured, as the evidence", async () => {
    const s = await sandboxFor({ plan: () => [todo('a')], work: writes }, NPM_PROJECT)
    const conn = await s.start()
    const final = await s.mission(conn, { goal: 'Write a.txt' }).run()
    expect(final.phase, final.reason).toBe('completed')
    expect(final.check).toEqual({ command: 'npm test', source: 'package.json scripts.test' })
    expect(final.evidence.map((e) => [e.command, e.exitCode])).toEqual([['npm test', 0]])
    expect(existsSync(join(s.projectDir, 'check-ran.txt'))).toBe(true)
    expect(final.result).toContain('Check `npm test` passed')
  })

  it('the CLI says which check it chose and why, and reports it in --json', async () => {
    const s = await sandboxFor({ plan: () => [todo('a')], work: writes }, NPM_PROJECT)
    const run = await cliRun(s, [])
    expect(run.code, run.stderr).toBe(0)
    expect(run.stderr).toContain('check: npm test (package.json scripts.test)')
    expect(run.report).toMatchObject({ status: 'completed', checkCommand: 'npm test' })
    // The check is the mission's, at the top of the report; a todo's evidence is its own.
    expect(run.report?.check).toMatchObject({
      command: 'npm test',
      source: 'package.json scripts.test',
      exitCode: 0,
    })
    expect(run.report?.todos[0]?.evidence.some((e) => (e as { type: string }).type === 'check')).toBe(false)
  })

  it('with no detectable check the CLI ends "completed — no check ran" with checkCommand null', async () => {
    const s = await sandboxFor(
      { plan: () => [todo('a')], work: writes },
      { 'README.md': '# nothing to test\n' },
    )
    const run = await cliRun(s, [])
    expect(run.code, run.stderr).toBe(0)
    expect(run.report).toMatchObject({ status: 'completed', reason: null, checkCommand: null })
    expect(run.report?.todos[0]?.evidence.some((e) => (e as { type: string }).type === 'check')).toBe(false)
    // The keys the report always had are still there.
    for (const key of ['todos', 'iterations', 'tokens', 'cost', 'durationMs', 'modelCalls'])
      expect(run.report).toHaveProperty(key)
    expect(run.stderr).toMatch(/check: none, none found \(looked for package\.json scripts\.test/)
    expect(run.stderr).toContain('Completed — no check ran.')
  })

  it('--no-check runs no check even when the project has one, and says so', async () => {
    const s = await sandboxFor({ plan: () => [todo('a')], work: writes }, NPM_PROJECT)
    const run = await cliRun(s, ['--no-check'])
    expect(run.code, run.stderr).toBe(0)
    expect(run.report).toMatchObject({ status: 'completed', checkCommand: null })
    expect(run.stderr).toContain('check: none, opted out')
    expect(run.stderr).toContain('no check ran')
    expect(existsSync(join(s.projectDir, 'check-ran.txt'))).toBe(false)
  })
})

describe('one mission, one entry in OpenCode', () => {
  it('creates every agent session under one root titled with the goal, at no extra model call', async () => {
    const goal = 'Write two files for the root test'
    const s = await sandboxFor({ plan: () => [todo('a'), todo('b')], work: writes }, { 'README.md': '# r\n' })
    const conn = await s.start()
    const final = await s.mission(conn, { goal, caps: { total: 2 } }).run()
    expect(final.phase, final.reason).toBe('completed')

    const sessions = (await conn.client.session.list()).data ?? []
    const tops = sessions.filter((x) => !x.parentID)
    expect(tops.map((x) => x.title)).toEqual([goal]) // one entry in OpenCode's session list
    const root = tops[0]!
    const agentIds = final.agents.map((a) => a.sessionId)
    expect(agentIds.length).toBe(5) // planner, two workers, two reviewers
    for (const id of agentIds) expect(sessions.find((x) => x.id === id)?.parentID).toBe(root.id)
    const children = ((await conn.client.session.children({ sessionID: root.id })).data ?? []).map(
      (c) => c.id,
    )
    expect(children.sort()).toEqual([...agentIds].sort())
    // The root was never prompted, and no title was generated for it or anyone.
    expect((await conn.client.session.messages({ sessionID: root.id })).data ?? []).toEqual([])
    expect(s.provider.requests.filter((r) => r.kind === 'title')).toEqual([])
    expect(s.provider.chatRequests).toHaveLength(1 + 2 * 2 + 2) // plan, (write, report) × 2, verdict × 2
  })

  it('Stop aborts every agent under the root, and no model call follows', async () => {
    const s = await sandboxFor(
      { plan: () => [todo('a'), todo('b')], work: writes },
      { 'README.md': '# r\n' },
      5_000,
    )
    const conn = await s.start()
    const mission = s.mission(conn, { goal: 'Stop under the root', caps: { total: 2 } })
    const done = mission.run()
    await s.provider.waitFor((r) => r.lastUserText.startsWith('todoId: b'))
    await s.provider.waitFor((r) => r.lastUserText.startsWith('todoId: a'))
    await mission.stop()
    const final = await done
    expect(final.phase).toBe('stopped')
    const calls = s.provider.requests.length
    const root = ((await conn.client.session.list()).data ?? []).find((x) => !x.parentID)
    const children = (await conn.client.session.children({ sessionID: root!.id })).data ?? []
    expect(children.length).toBe(3) // the planner and both workers
    expect(await conn.sessions.statuses()).toEqual({})
    expect(final.agents.filter((a) => a.role === 'worker').every((a) => a.status === 'aborted')).toBe(true)
    expect(
      s.provider.requests.filter((r) => r.lastUserText.startsWith('todoId:')).every((r) => r.aborted),
    ).toBe(true)
    expect(s.provider.requests.length).toBe(calls)
  })
})
