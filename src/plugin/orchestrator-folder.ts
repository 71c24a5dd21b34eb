// The orchestrator's folder in a project (`.opencode/orchestrator/`): made with a `.gitignore` that
// ignores everything in it, and removed again when nothing but that `.gitignore` is left. Plain
// node:fs so both runtimes (the host, the plugin inside OpenCode) can use it.
import { mkdir, readdir, rm, rmdir, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { ORCHESTRATOR_DIR } from '../engine/protocol/ownership'

const GITIGNORE = '.gitignore'

/** Absolute path of the orchestrator's folder of a project directory. */
export const orchestratorFolder = (projectDir: string): string =>
  join(projectDir, ...ORCHESTRATOR_DIR.split('/'))

/**
 * Makes the folder (and its parents) and, when it has none, a `.gitignore` holding `*`: what the
 * orchestrator writes into a project (journals, ownership, its lock) never shows in `git status`.
 */
export async function ensureOrchestratorFolder(projectDir: string): Promise<string> {
  const dir = orchestratorFolder(projectDir)
  await mkdir(dir, { recursive: true })
  try {
    await writeFile(join(dir, GITIGNORE), '*\n', { flag: 'wx' })
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
  }
  return dir
}

/**
 * Removes the folder when only its `.gitignore` is left, then the project's `.opencode` folder when
 * that is empty: OpenCode treats every `.opencode` folder as a config folder and runs an npm install
 * into it on the next start, so an empty one must not be left behind. The user's own files there
 * are never touched.
 */
export async function tidyOrchestratorFolder(projectDir: string): Promise<void> {
  const dir = orchestratorFolder(projectDir)
  const left = await readdir(dir).catch(() => undefined)
  if (left === undefined) return
  if (left.length === 1 && left[0] === GITIGNORE) await rm(join(dir, GITIGNORE), { force: true })
  for (const d of [dir, dirname(dir)]) {
    try {
      await rmdir(d)
    } catch {
      return // not empty (the user's own .opencode content, another mission's files) or gone
    }
  }
}
