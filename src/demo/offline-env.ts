import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/**
 * An isolated, offline environment for `opencode serve`: temp HOME and XDG dirs, the flags that
 * stop every background download, and a pre-seeded config dir so OpenCode's own
 * `npm install @opencode-ai/plugin` never runs (it would wait 70 s for a network that is not there).
 */
export function offlineEnv(root: string, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const dirs = {
    HOME: join(root, 'home'),
    XDG_DATA_HOME: join(root, 'data'),
    XDG_CONFIG_HOME: join(root, 'config'),
    XDG_CACHE_HOME: join(root, 'cache'),
    XDG_STATE_HOME: join(root, 'state'),
  }
  for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true })
  preseedConfigDir(join(dirs.XDG_CONFIG_HOME, 'opencode'))
  return {
    PATH: base.PATH ?? '/usr/bin:/bin',
    LANG: base.LANG ?? 'C.UTF-8',
    ...dirs,
    OPENCODE_DISABLE_AUTOUPDATE: '1',
    OPENCODE_DISABLE_MODELS_FETCH: '1',
    OPENCODE_DISABLE_LSP_DOWNLOAD: '1',
    OPENCODE_DISABLE_SHARE: '1',
    OPENCODE_DISABLE_DEFAULT_PLUGINS: '1',
    OPENCODE_DISABLE_CLAUDE_CODE: '1',
    OPENCODE_DISABLE_EXTERNAL_SKILLS: '1',
    OPENCODE_CLIENT: 'sdk',
    npm_config_offline: 'true',
  }
}

/** OpenCode skips its background install when node_modules exists and the lock lists every dependency. */
export function preseedConfigDir(dir: string): void {
  const deps = { '@opencode-ai/plugin': '*' }
  mkdirSync(join(dir, 'node_modules'), { recursive: true })
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ dependencies: deps }))
  writeFileSync(
    join(dir, 'package-lock.json'),
    JSON.stringify({
      name: 'opencode',
      lockfileVersion: 3,
      requires: true,
      packages: { '': { dependencies: deps } },
    }),
  )
}
