// Refuses a mission worker's edits outside the files its todo owns. Runs in OpenCode's
// `tool.execute.before`, which sees the raw arguments before the tool runs; throwing there turns the
// call into a tool error the model reads. Only file-editing tools are guarded: `bash` can write files
// too, and no argument check can tell, so a worker's shell use is not policed here.
import { isAbsolute, relative, resolve, sep } from 'node:path'
import { isOwnedPath, type Ownership } from '../engine/protocol/ownership'

/** File-editing tools: OpenCode 1.18's edit, write and apply_patch (plus multiedit of older versions). */
const EDIT_TOOLS = new Set(['edit', 'write', 'apply_patch', 'multiedit'])

const PATCH_PATH = /^\*\*\* (?:Add File|Update File|Delete File|Move to): (.+)$/gm

/** The paths a tool call would write, as given in its arguments; empty for non-editing tools. */
export function editedPaths(tool: string, args: unknown): string[] {
  if (!EDIT_TOOLS.has(tool) || typeof args !== 'object' || args === null) return []
  const a = args as { filePath?: unknown; patchText?: unknown }
  if (typeof a.filePath === 'string') return [a.filePath]
  if (typeof a.patchText === 'string')
    return [...a.patchText.matchAll(PATCH_PATH)].map((m) => (m[1] as string).trim())
  return []
}

/** Project-relative form of a path as OpenCode resolves it, or undefined when it lies outside. */
function projectRelative(projectDir: string, path: string): string | undefined {
  const rel = relative(projectDir, isAbsolute(path) ? path : resolve(projectDir, path))
    .split(sep)
    .join('/')
  if (rel === '' || rel === '..' || rel.startsWith('../') || isAbsolute(rel)) return undefined
  return rel
}

export interface GuardInput {
  tool: string
  sessionID: string
  args: unknown
  projectDir: string
  ownership: Ownership | undefined
}

/**
 * Throws when the session is a worker of the running mission and the call edits a file outside its
 * owned files. Sessions that are not listed (commander, planner, the user's own) are not guarded.
 */
export function guardEdit(input: GuardInput): void {
  const own = input.ownership?.sessions[input.sessionID]
  if (!own) return
  const outside = editedPaths(input.tool, input.args).filter((p) => {
    const rel = projectRelative(input.projectDir, p)
    return rel === undefined || !isOwnedPath(rel, own.files)
  })
  if (outside.length === 0) return
  const owned = own.files.length ? own.files.join(', ') : '(none)'
  throw new Error(
    `Refused: todo "${own.todoId}" may only edit its owned files: ${owned}. ` +
      `${outside.join(', ')} ${outside.length === 1 ? 'is' : 'are'} outside them. ` +
      `If the todo needs it, finish what you can and report the todo as blocked, naming the file.`,
  )
}
