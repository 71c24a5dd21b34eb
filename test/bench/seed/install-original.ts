import { execFile } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { homedir, tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'

// Installs the original plugin from the npm registry into a sandbox of its own: a temporary HOME and
// XDG folders (so neither npm nor anything else reads or writes this machine's real config), install
// scripts off. npm's cache sits under ~/.cache/ to make a second run quicker; npm still asks the
// registry, so a missing or stale cache changes nothing but the time.

export const ORIGINAL = { name: 'opencode-orchestrator', version: '1.7.22' } as const

export interface InstalledOriginal {
  /** Absolute path of the plugin's entry (its package.json `main`). */
  entry: string
  version: string
  installMs: number
  dispose(): void
}

export async function installOriginal(): Promise<InstalledOriginal> {
  const root = mkdtempSync(join(tmpdir(), 'orch-seed-original-'))
  try {
    const dirs = {
      HOME: join(root, 'home'),
      XDG_CONFIG_HOME: join(root, 'config'),
      XDG_DATA_HOME: join(root, 'data'),
      XDG_CACHE_HOME: join(root, 'cache'),
      XDG_STATE_HOME: join(root, 'state'),
    }
    for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true })
    const project = join(root, 'install')
    mkdirSync(project)
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'seed-install', private: true }))
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      LANG: process.env.LANG ?? 'C.UTF-8',
      ...dirs,
      npm_config_cache: join(homedir(), '.cache', 'opencode-orchestrator-bench', 'npm'),
      npm_config_registry: 'https://registry.npmjs.org/',
      npm_config_update_notifier: 'false',
    }
    const t0 = Date.now()
    await promisify(execFile)(
      'npm',
      [
        'install',
        '--ignore-scripts',
        '--no-audit',
        '--no-fund',
        '--loglevel=error',
        `${ORIGINAL.name}@${ORIGINAL.version}`,
      ],
      { cwd: project, env, timeout: 300_000 },
    )
    const installMs = Date.now() - t0
    const dir = join(project, 'node_modules', ORIGINAL.name)
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
      version: string
      main?: string
    }
    if (manifest.version !== ORIGINAL.version)
      throw new Error(`installed ${ORIGINAL.name}@${manifest.version}, expected ${ORIGINAL.version}`)
    return {
      entry: join(dir, manifest.main ?? 'dist/index.js'),
      version: manifest.version,
      installMs,
      dispose: () => rmSync(root, { recursive: true, force: true }),
    }
  } catch (err) {
    rmSync(root, { recursive: true, force: true })
    throw err
  }
}
