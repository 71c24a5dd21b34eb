import { execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { missionScript, type MissionScriptOptions } from '../../src/demo/mission-script'
import type { MissionOptions } from '../../src/engine/mission-options'
import type { MissionState } from '../../src/engine/record/mission-state'
import { missionWorktrees } from '../../src/node/mission-worktrees'
import { NodeWorkspace } from '../../src/node/workspace'
import type { GitWorktrees } from '../../src/node/git-worktrees'
import { todo } from '../support/file-todos'
import { Sandbox } from '../support/sandbox'

let sandbox: Sandbox | undefined
afterEach(async () => {
  await sandbox?.dispose()
  sandbox = undefined
})

const ID = ['-c', 'user.name=Test User', '-c', 'user.email=user@example.com']

function git(dir: string, ...args: string[]): string {
  return execFileSync('git', [...ID, ...args], { cwd: dir, encoding: 'utf8' })
}

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

const worktreeList = (dir: string) =>
  git(dir, 'worktree', 'list', '--porcelain')
    .split('\n')
    .filter((l) => l.startsWith('worktree '))

async function start(
  script: MissionScriptOptions,
  options: Partial<MissionOptions> = {},
): Promise<{
  run: () => Promise<MissionState>
  dir: string
  worktrees: GitWorktrees
  mission: ReturnType<Sandbox['mission']>
}> {
  const s = missionScript({ latencyMs: 100, ...script })
  sandbox = await Sandbox.create({ script: s })
  const dir = sandbox.projectDir
  userProject(dir)
  const sup = await sandbox.supervise()
  const worktrees = await missionWorktrees({
    directory: dir,
    missionId: 'm',
    env: sandbox.env,
    logger: sandbox.log,
    workspace: new NodeWorkspace(dir, sandbox.env),
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
    const { run, dir } = await start(
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
  })
})
