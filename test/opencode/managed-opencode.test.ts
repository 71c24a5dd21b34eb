// "Install OpenCode 1.x" without the network: the spec, the target folder, the resolution order on a
// real folder tree, and the npm run itself against a fake `npm` (a shell script on PATH).
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { opencodePlatformPackages, resolveOpencodeBinary } from '../../src/opencode/binary'
import {
  managedOpencodeDir,
  managedOpencodeSpec,
  npmInstallCommand,
  opencodeSearchFrom,
  runNpmInstall,
} from '../../src/opencode/managed-opencode'

let root: string
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'orch-managed-'))
})
afterEach(() => rmSync(root, { recursive: true, force: true }))

function executable(path: string, text: string): string {
  mkdirSync(join(path, '..'), { recursive: true })
  writeFileSync(path, text)
  chmodSync(path, 0o755)
  return path
}

/** `opencode-ai` with its platform package, as npm leaves it under `prefix`; returns the binary. */
function installedUnder(prefix: string): string {
  const modules = join(prefix, 'node_modules')
  executable(join(modules, 'opencode-ai', 'package.json'), '{"name":"opencode-ai"}')
  const name = opencodePlatformPackages()[0] as string
  executable(join(modules, name, 'package.json'), JSON.stringify({ name, version: '1.18.33' }))
  return executable(join(modules, name, 'bin', 'opencode'), '#!/bin/sh\necho 1.18.33\n')
}

describe('the installed OpenCode 1.x', () => {
  it('is the exact tested version, installed by npm into a folder of the extension storage', () => {
    const pkg = JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8')) as {
      optionalDependencies: Record<string, string>
    }
    expect(`^${managedOpencodeSpec().replace('opencode-ai@', '')}`).toBe(
      pkg.optionalDependencies['opencode-ai'],
    )
    const storage = join(root, 'globalStorage')
    const dir = managedOpencodeDir(storage)
    expect(dir.startsWith(`${storage}/`)).toBe(true)
    const { command, args } = npmInstallCommand(dir, 'linux')
    expect(command).toBe('npm')
    expect(args.slice(0, 4)).toEqual(['install', managedOpencodeSpec(), '--prefix', dir])
    expect(args).toContain('--include=optional')
    expect(npmInstallCommand('C:\\Users\\A B\\store', 'win32')).toMatchObject({
      command: 'npm.cmd',
      args: expect.arrayContaining(['"C:\\Users\\A B\\store"']),
    })
  })

  it('is resolved after the setting and before the workspace, the extension and PATH', () => {
    const storage = join(root, 'storage')
    const workspace = join(root, 'ws')
    const extension = join(root, 'ext')
    const onPath = executable(join(root, 'bin', 'opencode'), '')
    const workspaceBin = installedUnder(workspace)
    installedUnder(extension)
    const searchFrom = opencodeSearchFrom({ storageDir: storage, workspace, extension })
    const pathEnv = join(root, 'bin')
    // Nothing installed yet: the workspace's package.
    expect(resolveOpencodeBinary({ searchFrom, pathEnv })).toBe(workspaceBin)
    const managedBin = installedUnder(managedOpencodeDir(storage))
    expect(resolveOpencodeBinary({ searchFrom, pathEnv })).toBe(managedBin)
    // The setting still wins.
    expect(resolveOpencodeBinary({ configured: onPath, searchFrom, pathEnv })).toBe(onPath)
    // Without a storage folder (no extension context), the order is as before.
    expect(opencodeSearchFrom({ workspace, extension })).toEqual([workspace, extension])
  })
})

describe.skipIf(process.platform === 'win32')('runNpmInstall (a fake npm on PATH)', () => {
  it('runs npm with the install arguments; the binary it leaves is what resolution finds', async () => {
    const bin = join(root, 'bin')
    const argsFile = join(root, 'args')
    const name = opencodePlatformPackages()[0] as string
    // The fake npm records its arguments and lays out the packages under --prefix (its 4th argument).
    executable(
      join(bin, 'npm'),
      [
        '#!/bin/sh',
        `echo "$@" > ${argsFile}`,
        `p="$4/node_modules/${name}"`,
        'mkdir -p "$p/bin"',
        `echo '{"name":"${name}","version":"1.18.33"}' > "$p/package.json"`,
        'printf "#!/bin/sh\\necho 1.18.33\\n" > "$p/bin/opencode" && chmod +x "$p/bin/opencode"',
        'echo "added 2 packages"',
      ].join('\n'),
    )
    const dir = managedOpencodeDir(join(root, 'storage'))
    const lines: string[] = []
    await runNpmInstall({ dir, env: { PATH: `${bin}:/usr/bin:/bin` }, onOutput: (l) => lines.push(l) })
    expect(readFileSync(argsFile, 'utf8').trim()).toBe(npmInstallCommand(dir).args.join(' '))
    expect(lines).toEqual(['added 2 packages'])
    expect(resolveOpencodeBinary({ searchFrom: [dir], pathEnv: '' })).toBe(
      join(dir, 'node_modules', name, 'bin', 'opencode'),
    )
  })

  it('is cancelled at once, its process ended; a failure carries npm output; a missing npm is named', async () => {
    const bin = join(root, 'bin')
    const pidFile = join(root, 'pid')
    executable(join(bin, 'npm'), `#!/bin/sh\necho $$ > ${pidFile}\nsleep 60\n`)
    const cancel = new AbortController()
    const env = { PATH: `${bin}:/usr/bin:/bin` }
    const run = runNpmInstall({ dir: join(root, 'x'), env, signal: cancel.signal })
    for (let i = 0; i < 100 && !readFileSafe(pidFile); i++) await new Promise((r) => setTimeout(r, 20))
    const started = Date.now()
    cancel.abort()
    await expect(run).rejects.toThrow('the install was cancelled')
    expect(Date.now() - started).toBeLessThan(2_000)

    executable(join(bin, 'npm'), '#!/bin/sh\necho "npm ERR! 404 Not Found" >&2\nexit 1\n')
    await expect(runNpmInstall({ dir: join(root, 'x'), env })).rejects.toThrow(
      /failed \(exit 1\):\nnpm ERR! 404 Not Found/,
    )
    await expect(runNpmInstall({ dir: join(root, 'x'), env: { PATH: join(root, 'none') } })).rejects.toThrow(
      'npm was not found on PATH',
    )
  })
})

function readFileSafe(path: string): string {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    return ''
  }
}
