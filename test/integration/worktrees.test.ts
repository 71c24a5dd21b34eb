import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { missionScript, type MissionScriptOptions } from '../../src/demo/mission-script'
import { scriptedProviderConfig } from '../../src/demo/scripted-provider'
import { cliPath, runCli } from '../support/run-cli'
import type { MissionOptions } from '../../src/engine/mission-options'
import type { MissionState } from '../../src/engine/record/mission-state'
import { missionWorktrees } from '../../src/node/mission-worktrees'
import { NodeWorkspace } from '../../src/node/workspace'
import type { GitWorktrees } from '../../src/node/git-worktrees'
import type { Supervisor } from '../../src/opencode/supervisor'
import { todo } from '../support/file-todos'
import { Sandbox } from '../support/sandbox'
import { git } from '../support/git-as-user'

let sandbox: Sandbox | undefined
afterEach(async () => {
  await sandbox?.dispose()
  sandbox = undefined
})

/**
 * The project as a user has it: a repository with a commit, a dependency folder git ignores, an
 * uncommitted change, an untracked file and a stash entry. The check needs the dependency folder.
 */
function userProject(dir: string): void {
  writeFileSync(join(dir, '.gitignore'), 'node_modules/\n')
  writeFileSync(join(dir, 'shared.txt'), 'base\n')
  writeFileSync(join(dir, 'README.md'), '# sample\n')
  writeFileSync(
    join(dir, 'check.js'),
    [
      "const greet = require('greet')",
      "const fs = require('fs')",
      "const have = fs.readFileSync('shared.txt', 'utf8')",
      "for (const line of process.argv.slice(2)) if (!have.includes(line)) { console.error(greet('missing ' + line)); process.exit(1) }",
      "console.log(greet('all there'))",
    ].join('\n'),
  )
  mkdirSync(join(dir, 'node_modules', 'greet'), { recursive: true })
  writeFileSync(join(dir, 'node_modules', 'greet', 'index.js'), "module.exports = (s) => 'greet: ' + s\n")
  git(dir, 'init', '-q', '-b', 'main')
  git(dir, 'add', '-A')
  git(dir, 'commit', '-q', '-m', 'start')
  writeFileSync(join(dir, 'stashed.txt'), 'stashed\n')
  git(dir, 'add', 'stashed.txt')
  git(dir, 'stash', '-q')
  writeFileSync(join(dir, 'README.md'), '# sample\n\nuncommitted line\n')
  writeFileSync(join(dir, 'notes.txt'), 'my untracked notes\n')
}

/** What the user's repository holds besides its files: branch, index, stash list. */
const userSide = (dir: string) => ({
  branch: git(dir, 'rev-parse', '--abbrev-ref', 'HEAD'),
  head: git(dir, 'rev-parse', 'HEAD'),
  index: git(dir, 'write-tree'),
  stash: git(dir, 'stash', 'list', '--format=%H %s'),
})

/** What the server wrote to its log, line by line, and per line the value of `field` (`dir=`). */
function serverLog(s: Sandbox, message: string, field: string): string[] {
  const logs = join(s.env.XDG_DATA_HOME ?? '', 'opencode', 'log')
  return readdirSync(logs)
    .flatMap((f) => readFileSync(join(logs, f), 'utf8').split('\n'))
    .filter((l) => l.includes(message))
    .map((l) => new RegExp(`${field}=(\\S+)`).exec(l)?.[1] ?? l)
}

/**
 * The config folders (`.opencode`) the server tried to install its plugin package into, from its log
 * (offline, each try fails at once and says so).
 */
const installsTried = (s: Sandbox) => serverLog(s, 'background dependency install failed', 'dir')

/** The folders the server booted an instance for, from its log, once per boot. */
const instancesCreated = (s: Sandbox) => serverLog(s, 'message="creating instance"', 'directory')

const worktreeList = (dir: string) =>
  git(dir, 'worktree', 'list', '--porcelain')
    .split('\n')
    .filter((l) => l.startsWith('worktree '))

async function start(
  script: MissionScriptOptions,
  options: Partial<MissionOptions> = {},
  latencyMs = 100,
): Promise<{
  run: () => Promise<MissionState>
  dir: string
  worktrees: GitWorktrees
  mission: ReturnType<Sandbox['mission']>
  /** The folders readied on the server as they were made, in order. */
  readied: string[]
  sup: Supervisor
}> {
  const s = missionScript({ latencyMs, ...script })
  sandbox = await Sandbox.create({ script: s })
  const dir = sandbox.projectDir
  userProject(dir)
  const sup = await sandbox.supervise()
  const readied: string[] = []
  const worktrees = await missionWorktrees({
    directory: dir,
    missionId: 'm',
    env: sandbox.env,
    logger: sandbox.log,
    workspace: new NodeWorkspace(dir, sandbox.env),
    readyFolder: (folder) => sup.readyFolder(folder).then(() => void readied.push(folder)),
  })
  if (!worktrees) throw new Error('the project is in git: worktrees expected')
  const stop = await sup.follow(() => worktrees.folders())
  const mission = sandbox.mission(
    { sessions: sup, events: sup, worktrees },
    { goal: 'Change shared.txt from two todos', caps: { total: 3 }, isolation: 'worktree', ...options },
  )
  return {
    dir,
    worktrees,
    mission,
    readied,
    sup,
    run: async () => {
      try {
        return await mission.run()
      } finally {
        await stop()
      }
    },
  }
}

describe('worktree isolation against the real OpenCode server', () => {
  it('merges two todos that change one file through bash: the conflict goes back to its worker, the check passes on the merged result, and only the user edit stays', async () => {
    let userEdited = false
    const { run, dir, readied } = await start(
      {
        plan: () => [
          { ...todo('a'), files: ['a.txt'] },
          { ...todo('b'), files: ['b.txt'] },
        ],
        work: (id, attempt, brief) => {
          // The user writes a file of the mission's in their own folder while the agents work.
          if (!userEdited) {
            userEdited = true
            writeFileSync(join(dir, 'a.txt'), 'mine\n')
          }
          if (attempt > 1 && brief.includes('merge conflict in shared.txt'))
            return { bash: "printf 'base\\nline from a\\nline from b\\n' > shared.txt", summary: 'resolved' }
          return {
            files: { [`${id}.txt`]: `${id}\n` },
            bash: `echo 'line from ${id}' >> shared.txt`,
          }
        },
      },
      { check: "node check.js 'line from a' 'line from b'" },
    )
    const before = userSide(dir)
    const final = await run()
    expect(final.phase, final.reason).toBe('completed')
    // The todos' folders were made ahead (one per worker the caps allow: 3) and readied on the server
    // before their agents' first prompts; every agent worked in one of them. The plan lets two work
    // at once, so the third is readied only if its turn came before the plan did.
    expect(readied.length).toBeGreaterThanOrEqual(2)
    expect(readied.length).toBeLessThanOrEqual(3)
    const { provider, log } = sandbox ?? expect.fail('no sandbox')
    const worked = new Set(
      provider.chatRequests
        .filter((r) => !r.lastUserText.startsWith('Mission goal'))
        .map((r) => /Working directory: (.+)/.exec(r.system)?.[1]?.trim()),
    )
    expect([...worked].every((d) => d !== undefined && readied.includes(d))).toBe(true)
    expect(log.lines.filter((l) => l.includes('not readied ahead'))).toEqual([])
    // Each folder's .opencode had the user's install (linked and copied in), so the server installed
    // nothing there (it would have tried in every folder, and waited for it before loading plugins).
    expect(installsTried(sandbox ?? expect.fail('no sandbox'))).toEqual([])
    // Both changes, merged: one todo merged at once, the other after its worker resolved the conflict.
    const merges = final.todos.map((t) => [t.id, t.status, t.merge?.result])
    expect(merges).toEqual([
      ['a', 'passed', 'merged'],
      ['b', 'passed', 'merged'],
    ])
    const conflicted = final.todos.find((t) => t.attempts === 2)
    expect(conflicted?.history[0]?.requeued).toMatch(/merge conflict in shared\.txt/)
    expect(final.evidence.at(-1)?.exitCode).toBe(0)
    expect(final.evidence.at(-1)?.outputTail).toContain('greet: all there')
    // The result reached the user's folder, but for the file the user edited meanwhile.
    expect(readFileSync(join(dir, 'shared.txt'), 'utf8')).toBe('base\nline from a\nline from b\n')
    expect(readFileSync(join(dir, 'b.txt'), 'utf8')).toBe('b\n')
    expect(readFileSync(join(dir, 'a.txt'), 'utf8')).toBe('mine\n')
    expect(final.isolation?.closed?.skipped).toEqual(['a.txt'])
    // The mission's version of it stays on the integration branch, for the user to take.
    const kept = final.isolation?.closed?.keptBranch ?? ''
    expect(kept).toBe('orchestrator/m/integration')
    expect(git(dir, 'show', `${kept}:a.txt`)).toBe('a\n')
    // The user's uncommitted and untracked work is as it was.
    expect(readFileSync(join(dir, 'README.md'), 'utf8')).toBe('# sample\n\nuncommitted line\n')
    expect(readFileSync(join(dir, 'notes.txt'), 'utf8')).toBe('my untracked notes\n')
    expect(userSide(dir)).toEqual(before)
    expect(worktreeList(dir)).toHaveLength(1)
    // The plugin in each worktree follows the mission: the call after a mission tool is held, and cut.
    const closing = sandbox?.provider.chatRequests.filter((r) =>
      r.toolResults.some((t) => /^(Plan accepted|Report recorded|Verdict recorded)/.test(t)),
    )
    expect(closing).toEqual([])
  })

  it('leaves no trace of a todo that failed review or one the user cancelled, in the folder or on the integration branch', async () => {
    let cancelled: Promise<unknown> | undefined
    const started = await start(
      {
        plan: () => [todo('a'), todo('f'), todo('c')],
        work: (id) =>
          id === 'c'
            ? { files: { 'c.txt': 'c\n' }, bash: 'sleep 20' }
            : { files: { [`${id}.txt`]: `${id}\n` }, bash: `echo 'line from ${id}' >> shared.txt` },
        review: (id) => (id === 'f' ? { verdict: 'fail', findings: ['f is wrong'] } : { verdict: 'pass' }),
      },
      { check: false, cancelAfterRejections: 1 },
    )
    const { run, dir, worktrees, mission } = started
    // The user cancels c once its worker has written into its worktree.
    const off = mission.onChange(() => {
      if (!cancelled && existsSync(join(worktrees.dirOf('c') ?? '', 'c.txt')))
        cancelled = mission.cancelTodo('c')
    })
    const final = await run()
    off()
    expect(await cancelled).toBeUndefined()
    expect(final.phase).toBe('failed')
    expect(final.todos.map((t) => [t.id, t.status, t.merge?.result])).toEqual([
      ['a', 'passed', 'merged'],
      ['f', 'cancelled', 'discarded'],
      ['c', 'cancelled', 'discarded'],
    ])
    // A failed mission applies nothing; a's merged work waits on the integration branch, alone.
    for (const f of ['a.txt', 'f.txt', 'c.txt']) expect(existsSync(join(dir, f))).toBe(false)
    expect(readFileSync(join(dir, 'shared.txt'), 'utf8')).toBe('base\n')
    const kept = final.isolation?.closed?.keptBranch ?? ''
    expect(git(dir, 'ls-tree', '--name-only', kept).split('\n')).toEqual(
      expect.arrayContaining(['a.txt', 'shared.txt']),
    )
    expect(git(dir, 'ls-tree', '--name-only', kept)).not.toMatch(/^(f|c)\.txt$/m)
    expect(git(dir, 'show', `${kept}:shared.txt`)).toBe('base\nline from a\n')
    expect(worktreeList(dir)).toHaveLength(1)
    expect(git(dir, 'for-each-ref', '--format=%(refname:short)', 'refs/heads/orchestrator/')).toBe(
      `${kept}\n`,
    )
  })

  it('leaves no worktree behind when the user stops the mission mid-work', async () => {
    const { run, dir, worktrees, mission } = await start(
      {
        plan: () => [todo('a'), todo('b')],
        work: (id) => ({ files: { [`${id}.txt`]: 'x\n' }, bash: 'sleep 20' }),
      },
      { check: false },
    )
    let stopped: Promise<unknown> | undefined
    const off = mission.onChange(() => {
      if (!stopped && existsSync(join(worktrees.dirOf('b') ?? '', 'b.txt')))
        stopped = mission.stop('stopped by the test')
    })
    const final = await run()
    off()
    await stopped
    expect(final.phase).toBe('stopped')
    expect(worktreeList(dir)).toHaveLength(1)
    expect(git(dir, 'for-each-ref', 'refs/heads/orchestrator/')).toBe('')
    expect(existsSync(join(dir, 'a.txt'))).toBe(false)
  })

  it('leaves no worktree behind once the CLI runs again after it was killed outright mid-mission', async () => {
    let first = true
    const s = (sandbox = await Sandbox.create({
      script: missionScript({
        plan: () => [todo('a')],
        // The first run's worker is still at work when its CLI is killed.
        work: () => {
          const slow = first
          first = false
          return { files: { 'a.txt': 'a\n' }, ...(slow && { bash: 'sleep 60' }) }
        },
      }),
    }))
    const dir = s.projectDir
    userProject(dir)
    const config = join(s.root, 'provider.json')
    writeFileSync(
      config,
      JSON.stringify({ ...scriptedProviderConfig(s.provider), permission: { '*': 'allow' } }),
    )
    const env = { ...s.env, XDG_STATE_HOME: join(s.root, 'state') }
    const args = ['run', '--dir', dir, '--opencode-config', config, '--isolation', 'worktree', '--no-check']
    const killed = spawn(process.execPath, [cliPath, ...args, '--goal', 'Write a'], {
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    })
    let stderr = ''
    killed.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    const exited = new Promise((r) => killed.once('exit', r))
    // a's worker wrote into its folder and sleeps there.
    const todoFolder = () =>
      worktreeList(dir).some(
        (l) => l.includes('/todos/') && existsSync(join(l.slice('worktree '.length), 'a.txt')),
      )
    for (let waited = 0; !todoFolder(); waited += 200) {
      if (waited > 90_000) throw new Error(`no worktree came: ${stderr}`)
      await new Promise((r) => setTimeout(r, 200))
    }
    killed.kill('SIGKILL')
    await exited
    expect(worktreeList(dir).length).toBeGreaterThan(1)

    const again = await runCli([...args, '--goal', 'Write a', '--json'], env, 120_000)
    expect(again.code, again.stderr).toBe(0)
    const report = JSON.parse(again.stdout) as { isolation?: { mode: string; applied?: string[] } }
    expect(report.isolation).toMatchObject({ mode: 'worktree', applied: ['a.txt'] })
    expect(again.stderr).toMatch(/a: merged into the integration branch/)
    expect(worktreeList(dir)).toHaveLength(1)
    expect(git(dir, 'for-each-ref', 'refs/heads/orchestrator/')).toBe('')
    expect(readFileSync(join(dir, 'a.txt'), 'utf8')).toBe('a\n')
  }, 300_000)

  it('resumes a worktree mission in a new engine instance: the work in its folders goes on and lands', async () => {
    const { dir, worktrees, mission, run } = await start(
      { plan: () => [todo('a'), todo('b', ['a'])], work: (id) => ({ files: { [`${id}.txt`]: `${id}\n` } }) },
      { check: false },
      400,
    )
    void run()
    await sandbox!.provider.waitFor((r) => r.lastUserText.startsWith('todoId: b'))
    mission.dispose() // the host goes away while b is being worked on, in its worktree
    const sup = await sandbox!.supervise()
    const again = await missionWorktrees({
      directory: dir,
      missionId: 'm',
      env: sandbox!.env,
      logger: sandbox!.log,
    })
    if (!again) throw new Error('worktrees expected')
    // The resumed mission's folders are known before it runs: its sessions are heard at once.
    expect([...again.folders()]).toEqual(expect.arrayContaining([worktrees.dirOf('b')]))
    const stop = await sup.follow(() => again.folders())
    const final = await sandbox!
      .mission({ sessions: sup, events: sup, worktrees: again }, { goal: 'Change shared.txt from two todos' })
      .run()
    await stop()
    expect(final.phase, final.reason).toBe('completed')
    expect(final.todos.map((t) => [t.id, t.status, t.merge?.result])).toEqual([
      ['a', 'passed', 'merged'],
      ['b', 'passed', 'merged'],
    ])
    const aBriefs = sandbox!.provider.requests.filter(
      (r) => r.lastUserText.startsWith('todoId: a') && r.toolResults.length === 0,
    )
    expect(aBriefs).toHaveLength(1) // a was not redone
    expect(readFileSync(join(dir, 'b.txt'), 'utf8')).toBe('b\n')
    expect(worktreeList(dir)).toHaveLength(1)
  })

  it('runs the next mission on the same server in the folders the last one had: OpenCode boots none of them again, and the work lands', async () => {
    const { run, dir, sup } = await start(
      {
        // The second mission's plan differs from the first's: todos c and d after a and b.
        plan: (_, brief) =>
          brief.includes('second goal')
            ? [todo('c'), todo('d')]
            : [
                { ...todo('a'), files: ['a.txt'] },
                { ...todo('b'), files: ['b.txt'] },
              ],
        work: (id) => ({ files: { [`${id}.txt`]: `${id}\n` }, bash: `echo '${id} ran here' > ${id}.log` }),
      },
      { check: false },
    )
    const first = await run()
    expect(first.phase, first.reason).toBe('completed')
    const s = sandbox ?? expect.fail('no sandbox')
    const workedIn = () =>
      new Set(
        s.provider.chatRequests
          .filter((r) => !r.lastUserText.startsWith('Mission goal'))
          .map((r) => /Working directory: (.+)/.exec(r.system)?.[1]?.trim() ?? ''),
      )
    const firstFolders = workedIn()
    const booted = instancesCreated(s)
    expect(booted.filter((d) => d.includes('_folders')).length).toBeGreaterThanOrEqual(2)
    // The next mission, as a host starts one: a new journal, the worktrees tidied and loaded.
    rmSync(join(s.root, 'journal.jsonl'))
    const worktrees = await missionWorktrees({
      directory: dir,
      missionId: 'm2',
      env: s.env,
      logger: s.log,
      readyFolder: (folder) => sup.readyFolder(folder),
    })
    if (!worktrees) throw new Error('the project is in git: worktrees expected')
    const stop = await sup.follow(() => worktrees.folders())
    const second = await s
      .mission(
        { sessions: sup, events: sup, worktrees },
        { id: 'm2', goal: 'The second goal', caps: { total: 3 }, isolation: 'worktree', check: false },
      )
      .run()
      .finally(stop)
    expect(second.phase, second.reason).toBe('completed')
    expect(second.todos.map((t) => [t.id, t.merge?.result])).toEqual([
      ['c', 'merged'],
      ['d', 'merged'],
    ])
    // Its agents worked in paths the first mission's agents had, each a worktree of its own again,
    // and the server booted no instance twice: a folder the first mission readied serves the second.
    const secondFolders = [...workedIn()].filter((d) => d.includes('_folders'))
    expect(secondFolders.length).toBeGreaterThanOrEqual(2)
    expect(secondFolders.every((d) => firstFolders.has(d) && booted.includes(d))).toBe(true)
    const bootedNow = instancesCreated(s)
    expect(new Set(bootedNow).size).toBe(bootedNow.length)
    // What the workers wrote through their tools there landed in the folder.
    for (const id of ['a', 'b', 'c', 'd'])
      expect(readFileSync(join(dir, `${id}.txt`), 'utf8')).toBe(`${id}\n`)
    expect(readFileSync(join(dir, 'c.log'), 'utf8')).toBe('c ran here\n')
    expect(worktreeList(dir)).toHaveLength(1)
    expect(git(dir, 'for-each-ref', 'refs/heads/orchestrator/')).toBe('')
  })
})
