// The file ownership of a running mission: which worker session may edit which files. The engine
// publishes it as a JSON file in the project, one per mission; the companion plugin reads them to
// refuse edits outside a worker's files. This module holds the format and the pure helpers both
// sides share (no fs here).

/** The orchestrator's folder in a project (ownership, the project lock, the CLI's journals). */
export const ORCHESTRATOR_DIR = '.opencode/orchestrator'

/**
 * Where the ownership files live, relative to the project directory (POSIX separators): one
 * `<missionId>.json` per mission, so that one mission's end never changes another's guard.
 */
export const OWNERSHIP_DIR = `${ORCHESTRATOR_DIR}/ownership`

/**
 * A file in a mission worktree's own git folder (`git rev-parse --git-dir` there) that names the
 * project folder whose ownership files its sessions follow: the plugin instance of a worktree reads
 * them from there.
 */
export const WORKTREE_PROJECT_FILE = 'orchestrator-project'

/**
 * The git folder a linked worktree's `.git` file names (as written there: maybe relative to the
 * worktree's top), or undefined for any other text.
 */
export const linkedGitDir = (dotGit: string): string | undefined =>
  /^gitdir:\s*(.+)$/m.exec(dotGit)?.[1]?.trim() || undefined

/** Mission ids are file names here: a journal, an ownership file. */
export const isMissionId = (id: string): boolean => /^[\w-]{1,128}$/.test(id)

/** One worker session's claim: the todo it works on and the files it may edit. */
export interface SessionOwnership {
  todoId: string
  /**
   * Project-relative paths. An entry covers the file itself and everything below it when it names
   * a directory; `*` matches within one path segment and `**` across segments.
   */
  files: string[]
}

/** An ownership file's content. Present while its mission runs; absent means "no guard". */
export interface Ownership {
  missionId: string
  /** Every todo id of the current plan (used to reject reports about unknown todos). */
  todos: string[]
  /** Worker sessions by OpenCode session id. */
  sessions: Record<string, SessionOwnership>
  /** Reviewer sessions by OpenCode session id → the todo each reviews (they own no files). */
  reviews?: Record<string, string>
  /**
   * The engine ends a turn itself once its mission tool result is in, so the plugin may hold that
   * turn's closing model call until the engine's abort arrives.
   */
  endsTurnOnResult?: boolean
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)
const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string')

/** Checks the shape of parsed JSON; returns undefined when it is not an {@link Ownership}. */
export function toOwnership(value: unknown): Ownership | undefined {
  if (!isObject(value) || typeof value.missionId !== 'string' || !isStringArray(value.todos)) return undefined
  if (!isObject(value.sessions)) return undefined
  const sessions: Record<string, SessionOwnership> = {}
  for (const [id, raw] of Object.entries(value.sessions)) {
    if (!isObject(raw) || typeof raw.todoId !== 'string' || !isStringArray(raw.files)) return undefined
    sessions[id] = { todoId: raw.todoId, files: raw.files }
  }
  const reviews: Record<string, string> = {}
  if (value.reviews !== undefined) {
    if (!isObject(value.reviews)) return undefined
    for (const [id, todoId] of Object.entries(value.reviews)) {
      if (typeof todoId !== 'string') return undefined
      reviews[id] = todoId
    }
  }
  return {
    missionId: value.missionId,
    todos: value.todos,
    sessions,
    ...(Object.keys(reviews).length > 0 && { reviews }),
    ...(value.endsTurnOnResult === true && { endsTurnOnResult: true }),
  }
}

/** Parses the file's text; undefined for anything that is not valid ownership JSON. */
export function parseOwnership(text: string): Ownership | undefined {
  try {
    return toOwnership(JSON.parse(text))
  } catch {
    return undefined
  }
}

/**
 * Normalises a project-relative path: forward slashes, no `.` segments, `..` resolved. Returns
 * undefined for absolute paths and paths that climb out of the project.
 */
export function normalizeRelative(path: string): string | undefined {
  const p = path.replace(/\\/g, '/')
  if (p.startsWith('/') || /^[a-zA-Z]:/.test(p)) return undefined
  const out: string[] = []
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue
    if (seg === '..') {
      if (out.length === 0) return undefined
      out.pop()
    } else out.push(seg)
  }
  return out.join('/')
}

function globToRegExp(glob: string): RegExp {
  let re = ''
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string
    if (c === '*' && glob[i + 1] === '*') {
      // `**/` matches zero or more whole directories; a trailing `**` matches the rest.
      if (glob[i + 2] === '/') {
        re += '(?:.*/)?'
        i += 2
      } else {
        re += '.*'
        i++
      }
    } else if (c === '*') re += '[^/]*'
    else if (c === '?') re += '[^/]'
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&')
  }
  return new RegExp(`^${re}$`)
}

/** True when the project-relative `file` is covered by one of the `owned` entries. */
export function isOwnedPath(file: string, owned: readonly string[]): boolean {
  const target = normalizeRelative(file)
  if (target === undefined || target === '') return false
  return owned.some((entry) => {
    if (/[*?]/.test(entry)) return globToRegExp(entry.replace(/\\/g, '/').replace(/^\.\//, '')).test(target)
    const e = normalizeRelative(entry)
    if (e === undefined || e === '') return false
    return target === e || target.startsWith(`${e}/`)
  })
}
