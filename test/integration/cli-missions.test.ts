import { spawn } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { missionScript } from '../../src/demo/mission-script'
import { parseEntries } from '../../src/engine/record/journal'
import type { Connection } from '../../src/opencode/connection'
import { lockPath, readLock } from '../../src/node/project-lock'
import { liveMissionPath, parseLiveMission, readLiveMission, requestStop } from '../../src/node/live-mission'
import { todo, writes } from '../support/file-todos'
import { cliPath, runCli } from '../support/run-cli'
import { Sandbox } from '../support/sandbox'

// Issue 22, items 3 and 5, as a user runs the built CLI (dist/cli.js) against a real OpenCode
// server: a second run in a project where a mission runs is refused, naming it; a mission
// interrupted by SIGTERM is continued to its end by `orchestrator run --resume`.

let sandbox: Sandbox | undefined
const children: ReturnType<typeof spawn>[] = []
afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL')
  await sandbox?.dispose()
  sandbox = undefined
})

async function setup() {
  // 1 s per model call: the mission is still running when the test acts on it.
  const script = missionScript({ plan: () => [todo('a'), todo('b')], work: writes, latencyMs: 1_000 })
  sandbox = await Sandbox.create({ script })
  const conn = await sandbox.start()
  return { dir: sandbox.projectDir, env: sandbox.env, conn }
}

const attach = (conn: Connection) => ['--server-url', conn.url, `--password=${conn.process?.password ?? ''}`]

/** The CLI as a child process, its stderr gathered and its exit code awaited. */
function startCli(args: string[], env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, [cliPath, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] })
  children.push(child)
  const out = { stdout: '', stderr: '' }
  child.stdout.on('data', (d: Buffer) => (out.stdout += d.toString()))
  child.stderr.on('data', (d: Buffer) => (out.stderr += d.toString()))
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  return { child, out, exit }
}

async function until(what: string, ok: () => boolean, timeoutMs = 90_000): Promise<void> {
  const end = Date.now() + timeoutMs
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

const journalDir = (dir: string) => join(dir, '.opencode', 'orchestrator')
function journalEntries(dir: string) {
  const files = readdirSync(journalDir(dir)).filter((f) => f.endsWith('.jsonl'))
  return files.map((f) => ({
    id: f.slice(0, -'.jsonl'.length),
    entries: parseEntries(readFileSync(join(journalDir(dir), f), 'utf8').split('\n')).entries,
  }))
}

describe('the CLI: one mission per project, and --resume', () => {
  it('refuses a second run in the project while the first runs, naming it; the first completes', async () => {
    const { dir, env, conn } = await setup()
    const goal = ['run', '--goal', 'Write two files', '--dir', dir, ...attach(conn)]
    const first = startCli([...goal, '--check', 'test -f a.txt && test -f b.txt'], env)
    await until('the first run to hold the project', () => existsSync(lockPath(dir)))
    const holder = await readLock(dir)
    expect(holder).toMatchObject({ pid: first.child.pid, runner: 'cli' })

    const second = await runCli([...goal, '--json'], env, 60_000)
    expect(second.code, second.stderr).toBe(2)
    expect(second.stderr).toContain(
      `Another mission is running in ${dir}: mission ${holder?.missionId} (the CLI, pid ${first.child.pid}, since`,
    )
    expect(JSON.parse(second.stdout)).toMatchObject({ status: 'failed', todos: [] })

    expect(await first.exit, first.out.stderr).toBe(0)
    expect(readFileSync(join(dir, 'a.txt'), 'utf8')).toBe('a\n')
    expect(readFileSync(join(dir, 'b.txt'), 'utf8')).toBe('b\n')
    // One journal (the refused run wrote none); the lock and the ownership files are gone; the state
    // it published for other windows ends as the mission did.
    expect(journalEntries(dir).map((j) => j.id)).toEqual([holder?.missionId])
    expect(readdirSync(journalDir(dir)).sort()).toEqual([
      '.gitignore',
      `${holder?.missionId}.jsonl`,
      'live.json',
    ])
    expect((await readLiveMission(dir))?.live.state).toMatchObject({
      id: holder?.missionId,
      phase: 'completed',
    })
  })

  it('publishes its state for a VS Code window while it runs, and stops when that window asks', async () => {
    const { dir, env, conn } = await setup()
    const run = startCli(
      ['run', '--goal', 'Write two files', '--dir', dir, ...attach(conn), '--no-check'],
      env,
    )
    let missionId = ''
    await until('its state at work', () => {
      const text = existsSync(liveMissionPath(dir)) ? readFileSync(liveMissionPath(dir), 'utf8') : ''
      const live = parseLiveMission(text)
      missionId = live?.missionId ?? ''
      return live?.runner === 'cli' && live.state.phase === 'working' && live.state.todos.length === 2
    })
    await requestStop(dir, missionId, 'VS Code')
    expect(await run.exit, run.out.stderr).toBe(1)
    expect(run.out.stderr).toContain('stop asked from VS Code')
    expect(run.out.stderr).toContain('stopped by the user (from VS Code)')
    expect((await readLiveMission(dir))?.live.state.phase).toBe('stopped')
    expect(existsSync(lockPath(dir))).toBe(false)
  })

  it('leaves a mission interrupted by SIGTERM to its journal, and --resume runs it to completion', async () => {
    const { dir, env, conn } = await setup()
    const check = ['--check', 'test -f a.txt && test -f b.txt']
    const first = startCli(['run', '--goal', 'Write two files', '--dir', dir, ...attach(conn), ...check], env)
    await until('a worker at work', () => {
      if (!existsSync(journalDir(dir))) return false
      return journalEntries(dir).some((j) => j.entries.some((e) => e.type === 'todo.dispatched'))
    })
    first.child.kill('SIGTERM')
    expect(await first.exit, first.out.stderr).toBe(143)
    const [interrupted] = journalEntries(dir)
    const id = interrupted?.id ?? ''
    expect(first.out.stderr).toContain(
      `interrupted by SIGTERM: continue it with orchestrator run --resume ${id}`,
    )
    expect(interrupted?.entries.some((e) => e.type === 'mission.ended')).toBe(false)
    expect(existsSync(lockPath(dir))).toBe(false)

    const history = await runCli(['history', '--dir', dir, '--json'], env)
    expect(JSON.parse(history.stdout)).toEqual([
      { id, goal: 'Write two files', startedAt: expect.any(Number) },
    ])

    // No --check here: the resumed mission runs the check it started with.
    const resumed = await runCli(['run', '--resume', '--dir', dir, ...attach(conn), '--json'], env, 120_000)
    expect(resumed.code, resumed.stderr).toBe(0)
    expect(resumed.stderr).toContain(`resuming mission ${id}: Write two files`)
    const report = JSON.parse(resumed.stdout) as {
      status: string
      todos: { id: string }[]
      checkCommand: string
    }
    expect(report).toMatchObject({ status: 'completed', checkCommand: 'test -f a.txt && test -f b.txt' })
    expect(report.todos.map((t) => t.id)).toEqual(['a', 'b'])
    expect(readFileSync(join(dir, 'a.txt'), 'utf8')).toBe('a\n')
    expect(readFileSync(join(dir, 'b.txt'), 'utf8')).toBe('b\n')
    // One mission, started once and ended once, in one journal.
    const [after] = journalEntries(dir)
    expect(journalEntries(dir)).toHaveLength(1)
    expect(after?.entries.filter((e) => e.type === 'mission.started')).toHaveLength(1)
    expect(
      after?.entries.filter((e) => e.type === 'mission.ended').map((e) => 'status' in e && e.status),
    ).toEqual(['completed'])
    const listed = JSON.parse((await runCli(['history', '--dir', dir, '--json'], env)).stdout) as {
      summary?: { status: string }
    }[]
    expect(listed.map((i) => i.summary?.status)).toEqual(['completed'])
  })

  it('treats a closed terminal (SIGHUP) like SIGTERM: the mission is interrupted, not stopped', async () => {
    const { dir, env, conn } = await setup()
    const first = startCli(['run', '--goal', 'Write two files', '--dir', dir, ...attach(conn)], env)
    await until('a worker at work', () => {
      if (!existsSync(journalDir(dir))) return false
      return journalEntries(dir).some((j) => j.entries.some((e) => e.type === 'todo.dispatched'))
    })
    first.child.kill('SIGHUP')
    expect(await first.exit, first.out.stderr).toBe(129)
    expect(first.out.stderr).toContain('interrupted by SIGHUP: continue it with orchestrator run --resume')
    const [journal] = journalEntries(dir)
    expect(journal?.entries.some((e) => e.type === 'mission.ended')).toBe(false)
    expect(existsSync(lockPath(dir))).toBe(false)
  })
  it('writes what a model chose to the terminal as text, never as control sequences', async () => {
    // A title that would set the terminal's clipboard and clear its own line, a report that would
    // move the cursor up: the run's stderr shows them, and sends none of them.
    const title = 'Write a\x1b]52;c;ZXZpbA==\x07\r\x1b[2Kdone'
    const script = missionScript({
      plan: () => [{ ...todo('a'), title }],
      work: (id) => ({ ...writes(id), summary: 'wrote a.txt\x1b[1A' }),
    })
    sandbox = await Sandbox.create({ script })
    const conn = await sandbox.start()
    const dir = sandbox.projectDir
    const run = await runCli(
      ['run', '--goal', 'Write one file', '--dir', dir, '--isolation', 'shared', '--json', ...attach(conn)],
      sandbox.env,
      120_000,
    )
    expect(run.code, run.stderr).toBe(0)
    expect(run.stderr).toContain('Write a^[]52;c;ZXZpbA==^G^M^[[2Kdone')
    expect(run.stderr).toContain('wrote a.txt^[[1A')
    // eslint-disable-next-line no-control-regex -- control characters are what is under test
    expect(run.stderr).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/)
    // The report on stdout is for a program: it has the text as the model wrote it.
    const report = JSON.parse(run.stdout) as { todos: { evidence: { summary?: string }[] }[] }
    expect(report.todos[0]?.evidence.map((e) => e.summary)).toContain('wrote a.txt\x1b[1A')
  }, 180_000)
})
