// A file replaced whole: written beside itself, then renamed over the old one, so a reader (another
// process, another window) never sees half of it.

import { randomBytes } from 'node:crypto'
import { readdir, rename, rm, writeFile } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'

/**
 * Writes `text` to `path` whole. The file beside it has a name of its own per write, so two writes at
 * once do not take each other's, and is created exclusively, so nothing already there (a symlink
 * planted at a guessed name) is written through. `mode` as `fs.writeFile` takes it.
 */
export async function replaceFile(path: string, text: string, mode?: number): Promise<void> {
  const aside = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`
  try {
    await writeFile(aside, text, { encoding: 'utf8', mode, flag: 'wx' })
    await rename(aside, path)
  } catch (err) {
    await rm(aside, { force: true }).catch(() => undefined)
    throw err
  }
}

/**
 * Removes what writes of `path` killed before their rename left beside it. Only for a writer that
 * knows no other process writes `path` meanwhile (it holds the project, say).
 */
export async function removeLeftAside(path: string): Promise<void> {
  const folder = dirname(path)
  const prefix = `${basename(path)}.`
  for (const f of await readdir(folder).catch(() => [] as string[]))
    if (f.startsWith(prefix) && f.endsWith('.tmp'))
      await rm(join(folder, f), { force: true }).catch(() => undefined)
}
