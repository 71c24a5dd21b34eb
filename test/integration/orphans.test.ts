// Issue 22, item 8 against the real CLI (dist/cli.js), the real `opencode serve` and the scripted
// provider: a CLI killed outright mid-mission (SIGKILL: none of its code runs) leaves its server and
// its check's whole tree behind, and the next CLI start ends every one of them.
import { spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { missionScript } from '../../src/demo/mission-script'
import { scriptedProviderConfig } from '../../src/demo/scripted-provider'
import { todo, writes } from '../support/file-todos'
import { commandLine, endMarked, eventually, markedProcesses, MARK_ENV } from '../support/proc-marks'
import { cliPath, runCli } from '../support/run-cli'
import { Sandbox } from '../support/sandbox'

let sandbox: Sandbox | undefined
const marks: string[] = []
afterEach(async () => {
  await endMarked(marks.splice(0))
  await sandbox?.dispose()
  sandbox = undefined
})

/** A check that keeps a child in its group, a grandchild in a session of its own, and runs on. */
const CHECK = 'sleep 300 & setsid sh -c "sleep 301 & wait" & sleep 302'

describe.runIf(process.platform === 'linux')('a CLI killed outright', () => {
  it('leaves nothing of its run once the CLI starts again', async () => {
    const s = (sandbox = await Sandbox.create({
      script: missionScript({ plan: () => [todo('a')], work: writes }),
    }))
    const config = join(s.root, 'provider.json')
    const provider = { ...scriptedProviderConfig(s.provider), permission: { '*': 'allow' } }
    writeFileSync(config, JSON.stringify(provider))
    const mark = randomUUID()
    marks.push(mark)
    // The registry of spawned groups lives in the user's state folder: this test's own.
    const env = { ...s.env, XDG_STATE_HOME: join(s.root, 'state'), [MARK_ENV]: mark }
    const args = ['run', '--dir', s.projectDir, '--opencode-config', config]

    const first = spawn(process.execPath, [cliPath, ...args, '--goal', 'Write a', '--check', CHECK], {
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    })
    let stderr = ''
    first.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    const firstExit = new Promise((r) => first.once('exit', r))
    const checkRuns = () => {
      const running = markedProcesses(mark).map((pid) => commandLine(pid))
      return ['sleep 300', 'sleep 301', 'sleep 302'].every((c) => running.includes(c))
    }
    expect(await eventually(checkRuns, 90_000), stderr).toBe(true)
    // The whole tree of the run: the CLI, the server and the check's processes.
    const tree = markedProcesses(mark).map((pid) => commandLine(pid))
    expect(tree.some((c) => c.includes(cliPath))).toBe(true)
    expect(tree.some((c) => /opencode.* serve/.test(c))).toBe(true)
    expect(tree.filter((c) => /^sleep 30[012]$/.test(c))).toHaveLength(3)

    first.kill('SIGKILL')
    await firstExit
    // What a crash leaves: the check's tree at least (the server ends itself on Linux when its
    // parent dies; its own children need not).
    await new Promise((r) => setTimeout(r, 1_000))
    const left = markedProcesses(mark)
    expect(left.map((pid) => commandLine(pid))).toEqual(expect.arrayContaining(['sleep 300', 'sleep 301']))

    const second = await runCli([...args, '--goal', 'Write a', '--no-check', '--verbose'], env, 90_000)
    expect(second.code, second.stderr).toBe(0)
    expect(second.stderr).toMatch(/ended \d+ process\(es\) left running by an earlier run/)
    expect(markedProcesses(mark).map((pid) => commandLine(pid))).toEqual([])
  }, 300_000)
})
