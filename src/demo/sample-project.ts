import { execFileSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { preseedConfigDir } from './offline-env'

/**
 * Writes a project directory for a server to work in: the given files, a git repository (it bounds
 * OpenCode's upward config search and gives a real project id) and a pre-seeded `.opencode/`.
 */
export function writeProject(dir: string, files: Record<string, string>): string {
  mkdirSync(dir, { recursive: true })
  for (const [rel, content] of Object.entries(files)) {
    const file = join(dir, rel)
    mkdirSync(dirname(file), { recursive: true })
    writeFileSync(file, content)
  }
  preseedConfigDir(join(dir, '.opencode'))
  execFileSync('git', ['init', '-q'], { cwd: dir })
  return dir
}
