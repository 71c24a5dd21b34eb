import { statSync } from 'node:fs'

/** Why `path` cannot be the project folder a command works in, or undefined when it can. */
export function folderProblem(path: string): string | undefined {
  try {
    return statSync(path).isDirectory() ? undefined : 'is not a folder'
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT'
      ? 'does not exist'
      : `cannot be read: ${(err as Error).message}`
  }
}
