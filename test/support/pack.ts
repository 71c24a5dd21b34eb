// Packs the two shipped artifacts from the built dist/: the .vsix (vsce) and the CLI tarball (npm).
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { repoRoot } from './sandbox'

const run = promisify(execFile)

export interface Packed {
  /** Paths inside the package, as the installer sees them. */
  files: string[]
  /** Bytes of the .vsix file or the .tgz tarball. */
  size: number
}

/** `vsce package` (the options of `npm run package`) into a temp folder; lists the zip's entries. */
export async function packVsix(): Promise<Packed> {
  const dir = mkdtempSync(join(tmpdir(), 'orch-vsix-'))
  try {
    const out = join(dir, 'extension.vsix')
    const vsce = join(repoRoot, 'node_modules', '@vscode', 'vsce', 'vsce')
    await run(process.execPath, [vsce, 'package', '--no-dependencies', '-o', out], { cwd: repoRoot })
    return { files: zipEntries(readFileSync(out)), size: statSync(out).size }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** `npm pack --dry-run --json`: what `npm install -g` of this package would unpack. */
export async function packNpm(): Promise<Packed> {
  const { stdout } = await run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: repoRoot,
    maxBuffer: 16 * 1024 * 1024,
  })
  const [report] = JSON.parse(stdout) as { size: number; files: { path: string }[] }[]
  if (!report) throw new Error(`npm pack --dry-run printed no report: ${stdout}`)
  return { files: report.files.map((f) => f.path), size: report.size }
}

/** Entry names from a zip's central directory (the .vsix is a plain zip). */
function zipEntries(zip: Buffer): string[] {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]))
  if (eocd < 0) throw new Error('not a zip: no end of central directory')
  const count = zip.readUInt16LE(eocd + 10)
  let at = zip.readUInt32LE(eocd + 16)
  const names: string[] = []
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error(`bad central directory entry at ${at}`)
    const nameLength = zip.readUInt16LE(at + 28)
    const skip = nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32)
    names.push(zip.toString('utf8', at + 46, at + 46 + nameLength))
    at += 46 + skip
  }
  return names
}
