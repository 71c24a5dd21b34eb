// Issue 23 against the real `opencode serve` and the scripted provider, in projects the tests
// create: the check runs on the base before any worker edits, a project that is not set up stops
// before any work without a TTY, the same failure ends the mission after one round, every check run
// is printed in order, the --json report carries the check and the baseline, a planner that answers
// in words is quoted, and a mission in a subfolder finds the repository root's check.
import { execFileSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
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

const npmProject = (check: string, test = 'node check.js') => ({
  'package.json': JSON.stringify({ name: 'sample', private: true, scripts: { test } }),
  'check.js': check,
})

async function sandboxFor(script: MissionScriptOptions, files: Record<string, string>) {
  sandbox = await Sandbox.create({ script: missionScript(script), files })
  return sandbox
}

/** `orchestrator run --json` on a folder of the sandbox, with its scripted provider; stdin is no TTY. */
async function cliRun(s: Sandbox, extra: string[], dir = s.projectDir) {
  const config = join(s.root, 'provider.json')
  writeFileSync(
    config,
    JSON.stringify({ ...scriptedProviderConfig(s.provider), permission: { '*': 'allow' } }),
  )
  const run = await runCli(
    ['run', '--goal', 'Write a.txt', '--dir', dir, '--opencode-config', config, '--json', ...extra],
    s.env,
    90_000,
  )
  const report = JSON.parse(run.stdout || 'null') as MissionReport | null
  return { ...run, report }
}

/** The lines of stderr that report a check run, in order. */
const checkRuns = (stderr: string) => stderr.split('\n').filter((l) => /^[✓✗] check (before|after)/.test(l))

const workerCalls = (s: Sandbox) => s.provider.requests.filter((r) => r.lastUserText.startsWith('todoId:'))

describe('the check before any change', () => {
  it('a failure that no round changes ends the mission after one round, naming the check and its tail', async () => {
    // Fails the same way whatever the mission writes, with a timing and padded lines that differ.
    const s = await sandboxFor(
      { plan: () => [todo('a')], work: writes },
      npmProject(
        "console.log('not ok 1 - greets   '); console.log('# duration_ms ' + (Math.random() * 100).toFixed(1) + '      '); process.exit(1)\n",
      ),
    )
    const run = await cliRun(s, ['--max-iterations', '5'])
    expect(run.code, run.stderr).toBe(1)
    const lines = checkRuns(run.stderr)
    expect(lines).toHaveLength(2)
    expect(lines[0]).toMatch(
      /^✗ check before any change: npm test failed \(exit 1, .+\) — it already fails before any change: the mission goes on/,
    )
    expect(lines[1]).toMatch(
      /^✗ check after round 1: npm test failed \(exit 1, .+\) — the same failure as before the mission$/,
    )
    expect(run.stderr).toContain('    not ok 1 - greets\n')
    expect(run.report?.reason).toMatch(
      /^check `npm test` failed \(exit 1\) with the same failure as before the mission made any change: no progress — # duration_ms [\d.]+$/,
    )
    expect(run.report).toMatchObject({ status: 'failed', iterations: 1 })
    // One round: the plan, the worker's write and report, the verdict; no re-plan.
    expect(run.report?.modelCalls).toBe(4)
    expect(s.provider.chatRequests).toHaveLength(4)
    expect(run.report?.check).toMatchObject({ command: 'npm test', exitCode: 1, vsBaseline: 'unchanged' })
    expect(run.report?.check?.outputTail).toMatch(/\nnot ok 1 - greets\n# duration_ms [\d.]+$/) // no padding
    expect(run.report?.baseline).toMatchObject({ command: 'npm test', exitCode: 1, classification: 'fails' })
    // A todo's evidence is its own: the report and the review, not the mission's check.
    expect(run.report?.todos[0]?.evidence).toEqual([
      { type: 'report', summary: 'wrote a.txt' },
      { type: 'review', verdict: 'pass', findings: [] },
    ])
  })

  it('a check command that is not installed: "not set up", and without a TTY no worker ever runs', async () => {
    const s = await sandboxFor({ plan: () => [todo('a')], work: writes }, npmProject('', 'xo-not-installed'))
    const run = await cliRun(s, [])
    expect(run.code, run.stderr).toBe(1)
    expect(checkRuns(run.stderr)[0]).toMatch(
      /^✗ check before any change: npm test failed \(exit 127, .+\) — the project's environment is not set up \(command not found\)$/,
    )
    expect(run.stderr).toMatch(/xo-not-installed: not found/)
    expect(run.report?.reason).toMatch(
      /^the project's environment is not set up for its check: `npm test` failed before any change \(exit 127\), command not found — .*xo-not-installed: not found$/,
    )
    expect(run.report?.baseline).toMatchObject({ exitCode: 127, classification: 'not-set-up' })
    expect(run.report?.todos).toEqual([])
    expect(workerCalls(s)).toEqual([])
  })

  it('--if-check-fails continue goes on past a project that is not set up', async () => {
    const s = await sandboxFor({ plan: () => [todo('a')], work: writes }, npmProject('', 'xo-not-installed'))
    const run = await cliRun(s, ['--if-check-fails', 'continue'])
    expect(workerCalls(s).length).toBeGreaterThan(0)
    // It still fails the same way after the round: the mission ends there, naming the check.
    expect(run.report?.reason).toMatch(
      /^check `npm test` failed \(exit 127\) with the same failure as before/,
    )
  })

  it('a check that fails, then passes after a re-plan: every result printed in order, and in --json', async () => {
    const s = await sandboxFor(
      {
        plan: (iteration) => (iteration === 1 ? [todo('a')] : [{ ...todo('fix'), files: ['a.txt'] }]),
        work: (id) => ({
          files: { 'a.txt': id === 'a' ? 'v1\n' : 'v2\n' },
          summary: `wrote a.txt for ${id}`,
        }),
      },
      npmProject(
        "const fs = require('fs'); const v = fs.existsSync('a.txt') ? fs.readFileSync('a.txt', 'utf8').trim() : 'nothing'; if (v !== 'v2') { console.log('expected v2, got ' + v); process.exit(1) }\n",
      ),
    )
    const run = await cliRun(s, [])
    expect(run.code, run.stderr).toBe(0)
    const lines = checkRuns(run.stderr)
    expect(lines.map((l) => l.replace(/\(exit (\d+), [^)]*\)/, '(exit $1)'))).toEqual([
      '✗ check before any change: npm test failed (exit 1) — it already fails before any change: the mission goes on, and the planner is told',
      '✗ check after round 1: npm test failed (exit 1) — not the failure it had before the mission',
      '✓ check after round 2: npm test passed (exit 0) — fixed (it failed before the mission)',
    ])
    const at = (text: string) => run.stderr.indexOf(text)
    expect(at('expected v2, got nothing')).toBeLessThan(at('expected v2, got v1'))
    expect(at('expected v2, got v1')).toBeLessThan(at('✓ check after round 2'))
    // The planner was told both: the base's failure and the round's.
    const replan = s.provider.requests.find((r) =>
      r.lastUserText.startsWith('The mission needs a revised plan.'),
    )
    expect(replan?.lastUserText).toContain('already failed (exit 1)')
    expect(replan?.lastUserText).toContain('expected v2, got v1')
    expect(run.report?.check).toEqual({
      command: 'npm test',
      source: 'package.json scripts.test',
      exitCode: 0,
      durationMs: expect.any(Number),
      outputTail: expect.stringContaining('> node check.js'),
      vsBaseline: 'fixed',
    })
    expect(run.report?.baseline).toMatchObject({
      command: 'npm test',
      exitCode: 1,
      classification: 'fails',
      outputTail: expect.stringContaining('expected v2, got nothing'),
    })
    expect(run.stderr).toContain('It failed before the mission: fixed.')
  })

  it("a mission started in a subfolder of a repository finds the root's check and runs it there", async () => {
    const s = await sandboxFor(
      { plan: () => [todo('a')], work: writes },
      {
        ...npmProject("require('fs').readFileSync('app/a.txt'); console.log('checked at the root')\n"),
        'app/README.md': '# app\n',
      },
    )
    execFileSync('git', ['init', '-q'], { cwd: s.projectDir })
    const run = await cliRun(s, [], join(s.projectDir, 'app'))
    expect(run.code, run.stderr).toBe(0)
    expect(run.stderr).toContain('check: npm test (package.json scripts.test, found in .. and run there)')
    expect(run.report?.check).toMatchObject({ command: 'npm test', cwd: '..', exitCode: 0 })
    expect(run.report?.check?.outputTail).toContain('checked at the root')
  })
})

describe('a planner that will not plan', () => {
  const words = 'The failure is in node_modules, outside the project: nothing to change.'

  it('answering in words: the mission ends with its words in the reason', async () => {
    const s = await sandboxFor({ plan: () => ({ text: words }) }, { 'README.md': '# r\n' })
    const conn = await s.start()
    const final = await s.mission(conn, { goal: 'Fix the tests', check: false }).run()
    expect(final.phase).toBe('failed')
    expect(final.reason).toContain(`the planner's last words: "${words}"`)
  })

  it('saying cannotPlan: the mission ends at once with that reason', async () => {
    const s = await sandboxFor(
      { plan: () => ({ invalid: { todos: [], cannotPlan: words } }) },
      { 'README.md': '# r\n' },
    )
    const conn = await s.start()
    const final = await s.mission(conn, { goal: 'Fix the tests', check: false }).run()
    expect(final.phase).toBe('failed')
    expect(final.reason).toBe(`the planner cannot plan: ${words}`)
    expect(s.provider.chatRequests).toHaveLength(1) // no retry
  })
})

describe('the offline demo', () => {
  it('completes, and says that its check failed before the mission', async () => {
    const run = await runCli(['run', '--demo', '--json'], process.env, 120_000)
    expect(run.code, run.stderr).toBe(0)
    expect(checkRuns(run.stderr)[0]).toMatch(
      /^✗ check before any change: node --test test\/greeting\.test\.js failed \(exit 1, .+\) — it already fails before any change: the mission goes on/,
    )
    const report = JSON.parse(run.stdout) as MissionReport
    expect(report.baseline).toMatchObject({ classification: 'fails', exitCode: 1 })
    expect(report.check).toMatchObject({ exitCode: 0, vsBaseline: 'fixed' })
  })
})
