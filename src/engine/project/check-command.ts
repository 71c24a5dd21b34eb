// The check command that gives a mission its evidence: the one configured, none when the user opted
// out, else the project's own, detected from its files: in the mission's folder, else in the nearest
// folder above it up to the repository's root (a mission started in a subfolder of a repository
// finds the root's check, and runs it there). Detection is pure over a read-only view of the
// project (ProjectFiles), so sample projects in tests need no process and no server.

/** Read access to the project's top-level files; undefined when a file does not exist. */
export interface ProjectFiles {
  /** A top-level file of the project, or of `folder`, a folder above it (`..`, `../..`). */
  readFile(name: string, folder?: string): Promise<string | undefined>
  /**
   * How many folders up the repository's root is (the nearest folder holding `.git`): 0 when the
   * project is the root, undefined outside a repository (then only the project's folder is looked at).
   */
  repositoryDepth?(): Promise<number | undefined>
}

/** The check a mission runs, and why that one (shown at mission start and journaled). */
export interface CheckChoice {
  /** null: no check runs, and a completed mission says so ("completed — no check ran"). */
  command: string | null
  /** How it was chosen, e.g. "package.json scripts.test", "configured", "opted out". */
  source: string
  /** The folder it was found in and runs in, relative to the mission's (`..`); absent: the mission's own. */
  cwd?: string
}

/** The mission's folder, then each folder above it up to the repository's root (`..`, `../..`). */
async function foldersUp(files: ProjectFiles): Promise<string[]> {
  const depth = (await files.repositoryDepth?.().catch(() => undefined)) ?? 0
  return Array.from({ length: depth + 1 }, (_, i) => (i === 0 ? '.' : Array(i).fill('..').join('/')))
}

/** What `npm init` writes into scripts.test: a placeholder that always fails, not a test suite. */
const NPM_PLACEHOLDER = /no test specified/

/** Where detection looks, in order (the README's no-check rule lists the same). */
export const DETECTED_KINDS = [
  'package.json scripts.test',
  'a Makefile test target',
  'pytest (pyproject.toml, pytest.ini, tox.ini)',
  'Cargo.toml',
  'go.mod',
] as const

/**
 * The check to run: an explicit command wins, `false` opts out, and with neither the project's own
 * is detected (see {@link detectCheck}).
 */
export async function chooseCheck(
  configured: string | false | undefined,
  files: ProjectFiles,
): Promise<CheckChoice> {
  if (configured === false) return { command: null, source: 'opted out' }
  if (configured !== undefined && configured.trim() !== '')
    return { command: configured.trim(), source: 'configured' }
  return detectCheck(files)
}

/**
 * The project's own check, in this order: `package.json` scripts.test (not npm's placeholder) →
 * `npm test`; a Makefile `test` target → `make test`; pytest configured or depended on → `pytest`;
 * `Cargo.toml` → `cargo test`; `go.mod` → `go test ./...`; looked for in the mission's folder, then
 * in each folder above it up to the repository's root, the nearest with one winning. None found:
 * `command: null`, and the source says where it looked (and what it could not read).
 */
export async function detectCheck(files: ProjectFiles): Promise<CheckChoice> {
  const folders = await foldersUp(files)
  const notes: string[] = []
  for (const folder of folders) {
    const here = folder === '.' ? files : { readFile: (name: string) => files.readFile(name, folder) }
    const found = await detectIn(here, notes, folder === '.' ? '' : `${folder}/`)
    if (found) return folder === '.' ? found : { ...found, cwd: folder }
  }
  const where = folders.length > 1 ? ` in ${folders.join(', ')} (up to the repository's root)` : ''
  const looked = `looked for ${DETECTED_KINDS.join(', ')}${where}`
  return { command: null, source: `none found (${[looked, ...notes].join('; ')})` }
}

async function detectIn(files: ProjectFiles, notes: string[], at: string): Promise<CheckChoice | undefined> {
  const pkg = await files.readFile('package.json')
  if (pkg !== undefined) {
    const script = npmTestScript(pkg)
    if (script.ok && script.test !== undefined)
      return { command: 'npm test', source: 'package.json scripts.test' }
    if (!script.ok) notes.push(`${at}package.json is not valid JSON`)
    else if (script.placeholder) notes.push(`${at}package.json scripts.test is npm's placeholder`)
  }
  for (const name of ['Makefile', 'makefile', 'GNUmakefile']) {
    const make = await files.readFile(name)
    // A rule line `test:` (or `test check:`), not a variable like `test := …`.
    if (make !== undefined && /^(?:[\w.-]+[ \t]+)*test(?:[ \t]+[\w.-]+)*[ \t]*:(?!=)/m.test(make))
      return { command: 'make test', source: `${name} test target` }
  }
  const pytest = await pytestSource(files)
  if (pytest) return { command: 'pytest', source: pytest }
  if ((await files.readFile('Cargo.toml')) !== undefined)
    return { command: 'cargo test', source: 'Cargo.toml' }
  if ((await files.readFile('go.mod')) !== undefined) return { command: 'go test ./...', source: 'go.mod' }
  return undefined
}

function npmTestScript(text: string): { ok: true; test?: string; placeholder: boolean } | { ok: false } {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    return { ok: false }
  }
  const scripts = (parsed as { scripts?: unknown } | null)?.scripts
  const test =
    typeof scripts === 'object' && scripts !== null ? (scripts as { test?: unknown }).test : undefined
  if (typeof test !== 'string' || test.trim() === '') return { ok: true, placeholder: false }
  if (NPM_PLACEHOLDER.test(test)) return { ok: true, placeholder: true }
  return { ok: true, test, placeholder: false }
}

async function pytestSource(files: ProjectFiles): Promise<string | undefined> {
  const pyproject = await files.readFile('pyproject.toml')
  if (pyproject !== undefined) {
    if (/^\[tool\.pytest[.\]]/m.test(pyproject)) return 'pyproject.toml [tool.pytest]'
    // A dependency entry such as "pytest>=8" or pytest = "^8" (Poetry).
    if (/(^|["'\s])pytest(["'\s]*[=<>~![;,]|["'])/m.test(pyproject)) return 'pyproject.toml pytest dependency'
  }
  if ((await files.readFile('pytest.ini')) !== undefined) return 'pytest.ini'
  const tox = await files.readFile('tox.ini')
  if (tox !== undefined && /^\[pytest\]/m.test(tox)) return 'tox.ini [pytest]'
  return undefined
}
