// The check-command detector on sample projects written to temp dirs, read through the node
// workspace (the port the mission uses): each kind, npm's placeholder, the order, and the opt-outs.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { writeProject } from '../../../src/demo/sample-project'
import { chooseCheck, detectCheck } from '../../../src/engine/project/check-command'
import { NodeWorkspace } from '../../../src/node/workspace'

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

/** A sample project on disk with these files, seen through the workspace port. */
function project(files: Record<string, string>): NodeWorkspace {
  const root = mkdtempSync(join(tmpdir(), 'orch-detect-'))
  dirs.push(root)
  return new NodeWorkspace(writeProject(join(root, 'p'), { 'README.md': '# p\n', ...files }))
}

const pkg = (scripts: Record<string, string>) => JSON.stringify({ name: 'p', scripts })
const NPM_INIT_TEST = 'echo "Error: no test specified" && exit 1'

describe('detectCheck on sample projects', () => {
  it.each([
    ['package.json scripts.test', { 'package.json': pkg({ test: 'vitest run' }) }, 'npm test'],
    ['Makefile test target', { Makefile: 'build:\n\tcc x.c\n\ntest: build\n\t./run-tests\n' }, 'make test'],
    ['Makefile test among targets', { Makefile: '.PHONY: all test\nall test lint:\n\techo\n' }, 'make test'],
    [
      'pyproject.toml [tool.pytest]',
      { 'pyproject.toml': '[tool.pytest.ini_options]\naddopts = "-q"\n' },
      'pytest',
    ],
    [
      'pyproject.toml pytest dependency',
      {
        'pyproject.toml':
          '[project]\nname = "p"\n[project.optional-dependencies]\ndev = ["pytest>=8", "ruff"]\n',
      },
      'pytest',
    ],
    ['pytest.ini', { 'pytest.ini': '[pytest]\n' }, 'pytest'],
    ['tox.ini [pytest]', { 'tox.ini': '[tox]\nenvlist = py3\n\n[pytest]\ntestpaths = tests\n' }, 'pytest'],
    ['Cargo.toml', { 'Cargo.toml': '[package]\nname = "p"\n' }, 'cargo test'],
    ['go.mod', { 'go.mod': 'module example.com/p\n\ngo 1.22\n' }, 'go test ./...'],
  ])('%s', async (_kind, files, command) => {
    const choice = await detectCheck(project(files))
    expect(choice.command).toBe(command)
    expect(choice.source).not.toMatch(/none found/)
  })

  it("skips npm's placeholder test script and says so when nothing else is found", async () => {
    const choice = await detectCheck(project({ 'package.json': pkg({ test: NPM_INIT_TEST }) }))
    expect(choice.command).toBeNull()
    expect(choice.source).toContain("package.json scripts.test is npm's placeholder")
  })

  it('falls through the placeholder to the next kind', async () => {
    const choice = await detectCheck(
      project({ 'package.json': pkg({ test: NPM_INIT_TEST }), 'go.mod': 'module p\n' }),
    )
    expect(choice).toEqual({ command: 'go test ./...', source: 'go.mod' })
  })

  it('finds nothing in a project without any, and says where it looked', async () => {
    const choice = await detectCheck(
      project({ 'package.json': pkg({ build: 'tsc' }), 'notes.txt': 'pytest later' }),
    )
    expect(choice.command).toBeNull()
    expect(choice.source).toMatch(
      /^none found \(looked for package\.json scripts\.test, a Makefile test target/,
    )
  })

  it('ignores lookalikes: a Makefile variable named test, pytest-cov alone, a tox.ini without [pytest]', async () => {
    const choice = await detectCheck(
      project({
        Makefile: 'test := unit\nall:\n\techo $(test)\n',
        'pyproject.toml': '[project]\ndependencies = ["pytest-cov"]\n',
        'tox.ini': '[tox]\nenvlist = py3\n',
      }),
    )
    expect(choice.command).toBeNull()
  })

  it('names a package.json it cannot parse instead of failing', async () => {
    const choice = await detectCheck(project({ 'package.json': '{ "scripts": ' }))
    expect(choice.command).toBeNull()
    expect(choice.source).toContain('package.json is not valid JSON')
  })

  it('takes the first kind in order when a project has several', async () => {
    const all = {
      'package.json': pkg({ test: 'node --test' }),
      Makefile: 'test:\n\techo\n',
      'pytest.ini': '[pytest]\n',
      'Cargo.toml': '[package]\n',
      'go.mod': 'module p\n',
    }
    expect((await detectCheck(project(all))).command).toBe('npm test')
    const { 'package.json': _p, ...noNpm } = all
    expect((await detectCheck(project(noNpm))).command).toBe('make test')
    const { Makefile: _m, ...noMake } = noNpm
    expect((await detectCheck(project(noMake))).command).toBe('pytest')
    const { 'pytest.ini': _t, ...noPy } = noMake
    expect((await detectCheck(project(noPy))).command).toBe('cargo test')
  })
})

describe('chooseCheck', () => {
  it('an explicit command wins over detection, false opts out, and unset detects', async () => {
    const ws = project({ 'package.json': pkg({ test: 'vitest run' }) })
    expect(await chooseCheck('make lint', ws)).toEqual({ command: 'make lint', source: 'configured' })
    expect(await chooseCheck(false, ws)).toEqual({ command: null, source: 'opted out' })
    expect(await chooseCheck(undefined, ws)).toEqual({
      command: 'npm test',
      source: 'package.json scripts.test',
    })
    expect(await chooseCheck('  ', ws)).toEqual({ command: 'npm test', source: 'package.json scripts.test' })
  })
})

describe('detectCheck from a subfolder of a repository', () => {
  /** A repository (a `.git` folder at its root) with these files, and the workspace at `sub`. */
  function repo(files: Record<string, string>, sub: string): NodeWorkspace {
    const root = mkdtempSync(join(tmpdir(), 'orch-detect-repo-'))
    dirs.push(root)
    writeProject(root, { '.git/HEAD': 'ref: refs/heads/main\n', ...files })
    return new NodeWorkspace(join(root, sub))
  }

  it("finds the root's check from two folders down, and runs it there", async () => {
    const ws = repo(
      { 'package.json': pkg({ test: 'node --test' }), 'packages/app/src/a.js': '' },
      'packages/app',
    )
    expect(await ws.repositoryDepth()).toBe(2)
    expect(await detectCheck(ws)).toEqual({
      command: 'npm test',
      source: 'package.json scripts.test',
      cwd: '../..',
    })
  })

  it('takes the nearest folder with a check, the mission folder first', async () => {
    const ws = repo({ Makefile: 'test:\n\techo\n', 'lib/go.mod': 'module lib\n' }, 'lib')
    expect(await detectCheck(ws)).toEqual({ command: 'go test ./...', source: 'go.mod' })
  })

  it('stops at the repository root: a check above it is not the project’s', async () => {
    const outer = mkdtempSync(join(tmpdir(), 'orch-detect-outer-'))
    dirs.push(outer)
    writeProject(outer, {
      'package.json': pkg({ test: 'node --test' }),
      'repo/.git/HEAD': 'x\n',
      'repo/sub/a.txt': '',
    })
    const found = await detectCheck(new NodeWorkspace(join(outer, 'repo', 'sub')))
    expect(found.command).toBeNull()
    expect(found.source).toContain('in ., .. (up to the repository')
  })

  it('refuses to read anywhere but the workspace and the folders above it', async () => {
    const ws = repo({}, '.')
    await expect(ws.readFile('package.json', 'sub')).rejects.toThrow(/a folder above it/)
    await expect(ws.readFile('../package.json')).rejects.toThrow(/top-level file name/)
  })
})
