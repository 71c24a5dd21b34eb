import { execFileSync } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { checkRelativePath } from '../../src/engine/record/diff-target'
import {
  BASE_FILE_LIMIT_BYTES,
  captureGitBase,
  changedSinceBase,
  changesSinceBase,
  contentAtBase,
  linesSinceBase,
  undoToBase,
} from '../../src/node/git-base'
import { NodeWorkspace } from '../../src/node/workspace'
import { commandLine, endMarked, eventually, markedProcesses, MARK_ENV } from '../support/proc-marks'

const dirs: string[] = []
const marks: string[] = []
afterEach(async () => {
  dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true }))
  await endMarked(marks.splice(0))
})

const env = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', HOME: tmpdir() }
const git = (dir: string, ...args: string[]) => execFileSync('git', args, { cwd: dir, env }).toString()

/** A repo with a commit, a file modified but unstaged, a staged new file, an untracked file and a stash. */
function repo(): string {
  const dir = mkdtempSync(join(tmpdir(), 'orch-git-'))
  dirs.push(dir)
  git(dir, 'init', '-q')
  git(dir, 'config', 'user.email', 'dev@example.com')
  git(dir, 'config', 'user.name', 'dev')
  writeFileSync(join(dir, 'kept.txt'), 'kept v1\n')
  writeFileSync(join(dir, 'mod.txt'), 'mod v1\n')
  writeFileSync(join(dir, 'gone.txt'), 'gone v1\n')
  git(dir, 'add', '.')
  git(dir, 'commit', '-qm', 'first')
  // The user's own stash entry, which must stay the only one.
  writeFileSync(join(dir, 'kept.txt'), 'kept stashed\n')
  git(dir, 'stash', 'push', '-q', '-m', 'mine')
  writeFileSync(join(dir, 'mod.txt'), 'mod v2 (uncommitted)\n')
  writeFileSync(join(dir, 'staged.txt'), 'staged v1\n')
  git(dir, 'add', 'staged.txt')
  writeFileSync(join(dir, 'loose.txt'), 'untracked at start\n')
  return dir
}

describe('the mission base in git', () => {
  it('records the working state without touching the index or the stash list', async () => {
    const dir = repo()
    const statusBefore = git(dir, 'status', '--porcelain')
    const indexBefore = readFileSync(join(dir, '.git/index'))
    const stashBefore = git(dir, 'stash', 'list')
    // Stat info out of date: a refresh would rewrite the index if git were given the real one.
    const later = new Date(Date.now() + 5_000)
    utimesSync(join(dir, 'kept.txt'), later, later)

    const base = await captureGitBase(dir, env)
    if (base.kind !== 'git') throw new Error(base.reason)
    expect(base.untracked).toEqual([]) // untracked files are in the base too
    expect(base.ref).not.toBe(git(dir, 'rev-parse', 'HEAD^{tree}').trim()) // the dirty state, not HEAD

    expect(readFileSync(join(dir, '.git/index')).equals(indexBefore)).toBe(true)
    expect(git(dir, 'stash', 'list')).toBe(stashBefore)
    expect(git(dir, 'stash', 'list').split('\n').filter(Boolean)).toHaveLength(1)
    expect(git(dir, '--no-optional-locks', 'status', '--porcelain')).toBe(statusBefore)
    expect(readFileSync(join(dir, '.git/index')).equals(indexBefore)).toBe(true)

    // The agents work: modify, delete, create.
    writeFileSync(join(dir, 'mod.txt'), 'mod v3 (by the worker)\n')
    unlinkSync(join(dir, 'gone.txt'))
    mkdirSync(join(dir, 'src'))
    writeFileSync(join(dir, 'src/new.ts'), 'export {}\n')
    writeFileSync(join(dir, 'loose.txt'), 'changed by the worker\n')

    expect(await contentAtBase(dir, base, 'mod.txt', env)).toBe('mod v2 (uncommitted)\n')
    expect(await contentAtBase(dir, base, 'staged.txt', env)).toBe('staged v1\n')
    expect(await contentAtBase(dir, base, 'gone.txt', env)).toBe('gone v1\n')
    expect(await contentAtBase(dir, base, 'src/new.ts', env)).toBe('') // did not exist
    expect(await contentAtBase(dir, base, 'loose.txt', env)).toBe('untracked at start\n')
    expect(await changedSinceBase(dir, base, env)).toEqual(['gone.txt', 'loose.txt', 'mod.txt', 'src/new.ts'])

    expect(readFileSync(join(dir, '.git/index')).equals(indexBefore)).toBe(true)
    expect(git(dir, 'stash', 'list')).toBe(stashBefore)
  })

  it('counts the lines each change added and removed, and puts one file back as it was, the others untouched', async () => {
    const dir = repo()
    const base = await captureGitBase(dir, env)
    if (base.kind !== 'git') throw new Error(base.reason)
    writeFileSync(join(dir, 'kept.txt'), 'kept v1\nmore\nand more\n')
    writeFileSync(join(dir, 'made.txt'), 'one\n')
    rmSync(join(dir, 'mod.txt'))
    writeFileSync(join(dir, 'pic.bin'), Buffer.from([0, 1, 2, 0, 255]))
    expect(await changesSinceBase(dir, base, env)).toEqual([
      { path: 'kept.txt', status: 'modified', added: 2, removed: 0 },
      { path: 'made.txt', status: 'added', added: 1, removed: 0 },
      { path: 'mod.txt', status: 'deleted', added: 0, removed: 1 },
      { path: 'pic.bin', status: 'added' },
    ])
    expect(await undoToBase(dir, base, 'kept.txt', env)).toBe('restored')
    expect(await undoToBase(dir, base, 'made.txt', env)).toBe('removed')
    expect(await undoToBase(dir, base, 'mod.txt', env)).toBe('restored')
    expect(readFileSync(join(dir, 'kept.txt'), 'utf8')).toBe('kept v1\n')
    expect(existsSync(join(dir, 'made.txt'))).toBe(false)
    expect(readFileSync(join(dir, 'mod.txt'), 'utf8')).toBe(await contentAtBase(dir, base, 'mod.txt', env))
    expect((await changesSinceBase(dir, base, env)).map((c) => c.path)).toEqual(['pic.bin'])
    await expect(undoToBase(dir, base, '../outside.txt', env)).rejects.toThrow()
  })

  it("counts the lines of the named files only, against the base, and leaves the user's index as it was", async () => {
    const dir = repo()
    const base = await captureGitBase(dir, env)
    if (base.kind !== 'git') throw new Error(base.reason)
    const indexBefore = readFileSync(join(dir, '.git/index'))
    writeFileSync(join(dir, 'kept.txt'), 'kept v1\nmore\nand more\n') // +2
    writeFileSync(join(dir, 'loose.txt'), 'untracked at start, changed\n') // +1 −1 (untracked at the base)
    rmSync(join(dir, 'gone.txt')) // −1
    writeFileSync(join(dir, 'made.txt'), 'one\ntwo\nthree\n') // not named: not counted
    writeFileSync(join(dir, 'pic.bin'), Buffer.from([0, 1, 2, 0, 255])) // binary: no lines
    const named = ['kept.txt', 'loose.txt', 'gone.txt', 'pic.bin', 'never-existed.txt']
    expect(await linesSinceBase(dir, base, named, env)).toEqual({ added: 3, removed: 2 })
    expect(await linesSinceBase(dir, base, [], env)).toEqual({ added: 0, removed: 0 })
    expect(await new NodeWorkspace(dir, env).linesSinceBase(base, ['made.txt'])).toEqual({
      added: 3,
      removed: 0,
    })
    expect(readFileSync(join(dir, '.git/index')).equals(indexBefore)).toBe(true)
    await expect(linesSinceBase(dir, base, ['../outside.txt'], env)).rejects.toThrow(/outside/)
  })

  it("is HEAD's tree when the working tree is clean", async () => {
    const dir = repo()
    git(dir, 'add', '.')
    git(dir, 'commit', '-qm', 'all in')
    const base = await captureGitBase(dir, env)
    expect(base).toEqual({ kind: 'git', ref: git(dir, 'rev-parse', 'HEAD^{tree}').trim(), untracked: [] })
    expect(await changedSinceBase(dir, base as Extract<typeof base, { kind: 'git' }>, env)).toEqual([])
  })

  it('marks the base unknown outside git; a repository without a commit has one', async () => {
    const plain = mkdtempSync(join(tmpdir(), 'orch-nogit-'))
    dirs.push(plain)
    // GIT_CEILING_DIRECTORIES: a repository above the temp folder must not be found.
    const isolated = { ...env, GIT_CEILING_DIRECTORIES: tmpdir() }
    expect(await new NodeWorkspace(plain, isolated).captureBase()).toMatchObject({ kind: 'none' })
    git(plain, 'init', '-q')
    writeFileSync(join(plain, 'a.txt'), 'a\n')
    const base = await captureGitBase(plain, isolated)
    if (base.kind !== 'git') throw new Error(base.reason)
    writeFileSync(join(plain, 'a.txt'), 'a2\n')
    expect(await contentAtBase(plain, base, 'a.txt', isolated)).toBe('a\n')
    expect(await changedSinceBase(plain, base, isolated)).toEqual(['a.txt'])
    expect(git(plain, 'status', '--porcelain')).toBe('?? a.txt\n') // nothing staged for the user
  })

  it('refuses paths outside the workspace with a message naming the path', async () => {
    const dir = repo()
    const base = await captureGitBase(dir, env)
    if (base.kind !== 'git') throw new Error(base.reason)
    await expect(contentAtBase(dir, base, '../etc/passwd', env)).rejects.toThrow(
      '"../etc/passwd" is not a path inside the workspace',
    )
    expect(() => checkRelativePath('/etc/passwd')).toThrow('not a path inside the workspace')
    expect(checkRelativePath('./src/a.ts')).toBe('src/a.ts')
    // `\` leaves the workspace on Windows: refused everywhere. Elsewhere it is part of a name and stays.
    for (const out of ['..\\etc\\passwd', 'src\\..\\..\\x', '\\\\server\\share', 'C:\\x'])
      expect(() => checkRelativePath(out), out).toThrow('not a path inside the workspace')
    expect(checkRelativePath('back\\slash.txt')).toBe('back\\slash.txt')
    expect(checkRelativePath('.\\src\\a.ts', true)).toBe('src/a.ts')
  })

  it('gives git only an object id as the base, never an option or a revision expression', async () => {
    const dir = repo()
    // `git show --output=<out>:./mod.txt` would write HEAD's diff into <out>:./mod.txt.
    const out = join(dir, 'out')
    mkdirSync(`${out}:.`)
    for (const ref of [`--output=${out}`, 'HEAD', 'HEAD~1', 'main'])
      for (const run of [
        () => contentAtBase(dir, { kind: 'git', ref, untracked: [] }, 'mod.txt', env),
        () => changedSinceBase(dir, { kind: 'git', ref, untracked: [] }, env),
      ])
        await expect(run(), ref).rejects.toThrow(`"${ref}" is not a git object id (40 or 64 hex digits)`)
    expect(existsSync(`${out}:./mod.txt`)).toBe(false)
  })

  it('leaves large untracked files out of the base, names them, and never copies them into .git', async () => {
    const dir = repo()
    const big = 'big file [1].bin' // pathspec magic characters are taken literally
    writeFileSync(join(dir, big), Buffer.alloc(BASE_FILE_LIMIT_BYTES + 1024 * 1024, 1))
    const hash = git(dir, 'hash-object', '--', big).trim() // computed, not written
    const base = await captureGitBase(dir, env)
    if (base.kind !== 'git') throw new Error(base.reason)
    expect(base.untracked).toEqual([big])
    expect(base.leftOut).toBe(`untracked files over 5.0 MB left out of the base: ${big} (6.0 MB)`)
    expect(await contentAtBase(dir, base, 'loose.txt', env)).toBe('untracked at start\n') // small ones are in
    expect(await contentAtBase(dir, base, big, env)).toBe('')

    // The agents add another large file: it is new since the base, and not hashed either.
    writeFileSync(join(dir, 'new-big.bin'), Buffer.alloc(BASE_FILE_LIMIT_BYTES + 1, 2))
    const newHash = git(dir, 'hash-object', 'new-big.bin').trim()
    expect(await changedSinceBase(dir, base, env)).toEqual(['new-big.bin'])
    for (const h of [hash, newHash])
      expect(() => execFileSync('git', ['cat-file', '-e', h], { cwd: dir, env, stdio: 'ignore' })).toThrow()
  })

  it('ends a git call that hangs, with its children, and the base is unknown with the reason', async () => {
    const dir = repo()
    const mark = slowFilter(dir)
    const t0 = Date.now()
    // The mission records a base that cannot be taken as unknown, with this message.
    await expect(captureGitBase(dir, { ...env, [MARK_ENV]: mark }, { timeoutMs: 500 })).rejects.toThrow(
      'git add did not finish within 0.5 s',
    )
    expect(Date.now() - t0).toBeLessThan(5_000)
    expect(await eventually(() => markedProcesses(mark).length === 0, 1_000)).toBe(true)
  })

  it('ends a git call when the mission is stopped', async () => {
    const dir = repo()
    const mark = slowFilter(dir)
    const stop = new AbortController()
    const taking = new NodeWorkspace(dir, { ...env, [MARK_ENV]: mark }).captureBase({ signal: stop.signal })
    expect(
      await eventually(() => markedProcesses(mark).some((p) => commandLine(p).includes('sleep')), 5_000),
    ).toBe(true)
    const t0 = Date.now()
    stop.abort()
    await expect(taking).rejects.toThrow('git add was ended: the mission was stopped')
    expect(Date.now() - t0).toBeLessThan(1_000)
    expect(await eventually(() => markedProcesses(mark).length === 0, 1_000)).toBe(true)
  })
})

/** A clean filter that hangs on the repository's untracked .slow file; returns the mark of its processes. */
function slowFilter(dir: string): string {
  git(dir, 'config', 'filter.slow.clean', 'sleep 30; cat')
  writeFileSync(join(dir, '.gitattributes'), '*.slow filter=slow\n')
  writeFileSync(join(dir, 'data.slow'), 'x\n')
  const mark = randomUUID()
  marks.push(mark)
  return mark
}
