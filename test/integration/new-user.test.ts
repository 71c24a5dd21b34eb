import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { missionScript } from '../../src/demo/mission-script'
import {
  TOOL_PLAN,
  TOOL_REPORT,
  TOOL_VERDICT,
  type PlanTodo,
} from '../../src/engine/protocol/mission-protocol'
import { BRIEF } from '../../src/engine/protocol/prompts'
import { agentDefinitions } from '../../src/plugin/agents'
import { runCli } from '../support/cli'
import { pluginUrl, Sandbox } from '../support/sandbox'

// Issue 3, tried as a new user would: a project with its own commented opencode.jsonc, the CLI
// install from the built bundle, a real `opencode serve` that gets our agents and tools only from
// that file (the sandbox adds no plugin entry of its own), a mission (plan, work, review, check),
// then uninstall and a byte comparison with the original.

const GREETING: PlanTodo = {
  id: 'greeting',
  title: 'Write the greeting',
  description: 'Create greeting.txt saying hello',
  files: ['greeting.txt'],
  dependsOn: [],
  acceptance: ['greeting.txt says hello'],
}
const SUMMARY = 'Wrote greeting.txt with a hello.'

// "$schema" is there because OpenCode 1.18 inserts that line into a project config lacking it when
// it first loads the file; without it the byte comparison would measure OpenCode, not us.
const ORIGINAL = [
  '{',
  '  "$schema": "https://opencode.ai/config.json",',
  '  // Team settings: keep in sync with the wiki.',
  '  "share": "disabled",',
  '  /* our own helper agent */',
  '  "agent": {',
  '    "docs": { "mode": "subagent", "description": "Writes docs", "prompt": "You write docs." }, // mine',
  '  },',
  '}',
  '',
].join('\n')

let sandbox: Sandbox | undefined
let scratch: string | undefined
afterEach(async () => {
  await sandbox?.dispose()
  sandbox = undefined
  if (scratch) rmSync(scratch, { recursive: true, force: true })
  scratch = undefined
})

describe('a new user installs the companion plugin with the CLI', () => {
  it('install → real server runs a mission with our agents → uninstall leaves the file byte-identical', async () => {
    const script = missionScript({
      plan: () => [GREETING],
      work: () => ({ files: { 'greeting.txt': 'hello\n' }, summary: SUMMARY }),
    })
    sandbox = await Sandbox.create({
      script,
      plugin: false,
      files: { 'opencode.jsonc': ORIGINAL, 'README.md': '# my project\n' },
    })
    const project = sandbox.projectDir
    const configFile = join(project, 'opencode.jsonc')
    const original = readFileSync(configFile)

    const install = await runCli(['install', '--dir', project], sandbox.env)
    expect(install.stderr).toBe('')
    expect(install.code).toBe(0)
    expect(install.stdout).toMatch(/ \(backup: .*\.bak\)\n$/)
    expect(install.stdout).toContain(`Installed the orchestrator plugin in ${configFile}`)
    const installed = readFileSync(configFile, 'utf8')
    expect(installed).toContain(JSON.stringify(pluginUrl))
    expect(installed).toContain('// Team settings: keep in sync with the wiki.')
    expect(installed).toContain('/* our own helper agent */')

    expect(sandbox.config.plugin).toBeUndefined() // the agents can only come from the installed file
    const conn = await sandbox.start()
    const mission = sandbox.mission(
      conn,
      { id: 'new-user', goal: 'Greet the world in greeting.txt', check: 'grep -q hello greeting.txt' },
      project,
    )
    const final = await mission.run()
    mission.dispose()

    expect(final.phase, final.reason).toBe('completed')
    expect(final.result).toContain(SUMMARY)
    expect(final.todos.map((t) => [t.id, t.status])).toEqual([['greeting', 'passed']])
    expect(final.evidence.map((e) => e.exitCode)).toEqual([0])
    expect(readFileSync(join(project, 'greeting.txt'), 'utf8')).toBe('hello\n')
    expect(script.stats.calls.other).toBe(0)

    // Each role ran as the installed plugin's agent: its prompt in the system text, its tool offered.
    const defs = agentDefinitions()
    const chats = sandbox.provider.chatRequests
    const firstOf = (marker: string) => chats.find((r) => r.lastUserText.startsWith(marker))
    const planner = firstOf(BRIEF.plan)
    expect(planner?.lastUserText).toContain('Greet the world in greeting.txt')
    expect(planner?.system).toContain(defs.planner.prompt)
    expect(planner?.tools).toContain(TOOL_PLAN)
    expect(firstOf(BRIEF.work)?.system).toContain(defs.worker.prompt)
    expect(firstOf(BRIEF.work)?.tools).toContain(TOOL_REPORT)
    expect(firstOf(BRIEF.review)?.system).toContain(defs.reviewer.prompt)
    expect(firstOf(BRIEF.review)?.tools).toContain(TOOL_VERDICT)
    const agents = await conn.client.app.agents()
    const names = (agents.data ?? []).map((a) => a.name)
    expect(names).toEqual(expect.arrayContaining(['commander', 'planner', 'worker', 'reviewer', 'docs']))

    // The user stops OpenCode, then removes the plugin again.
    await conn.dispose()
    const uninstall = await runCli(['install', '--dir', project, '--uninstall'], sandbox.env)
    expect(uninstall.stderr).toBe('')
    expect(uninstall.code).toBe(0)
    expect(uninstall.stdout).toMatch(/^Removed the orchestrator plugin from .*opencode\.jsonc/)
    const after = readFileSync(configFile)
    expect(after.toString('utf8')).toBe(ORIGINAL) // readable diff on failure
    expect(after.equals(original)).toBe(true)
  })

  it('a malformed opencode.jsonc: install exits non-zero with the located reason and leaves the file alone', async () => {
    scratch = mkdtempSync(join(tmpdir(), 'orch-new-user-'))
    const configFile = join(scratch, 'opencode.jsonc')
    const broken = '{\n  // forgot a colon\n  "share" "disabled",\n}\n'
    writeFileSync(configFile, broken)

    const run = await runCli(['install', '--dir', scratch], { ...process.env, HOME: scratch })
    expect(run.code).not.toBe(0)
    expect(run.stdout).toBe('')
    expect(run.stderr).toBe(`orchestrator install: ${configFile}:3:11: colon expected\n`)
    expect(readFileSync(configFile).equals(Buffer.from(broken))).toBe(true)
    expect(readdirSync(scratch)).toEqual(['opencode.jsonc']) // no backup, no temp file left behind
  })
})
