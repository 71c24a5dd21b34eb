// `orchestrator install [--dir D | --global] [--uninstall]`: adds (or removes) the companion plugin
// in an OpenCode config file. An explicit command, so it also runs when CI is set.
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { installPlugin, uninstallPlugin, type InstallOutcome } from '../plugin-config/installer'
import type { InstallScope } from '../plugin-config/locate'
import { folderProblem } from './folder-problem'

export interface InstallIo {
  stdout: { write(text: string): unknown }
  stderr: { write(text: string): unknown }
  env: NodeJS.ProcessEnv
  cwd: string
  /** The plugin bundle to install. Default: plugin.js next to the running CLI bundle (dist/). */
  pluginFile?: string
}

const USAGE = 'usage: orchestrator install [--dir D | --global] [--uninstall]\n'

/** dist/plugin.js beside the bundled CLI (dist/cli.js), or the repo's dist/ when run from source. */
export function defaultPluginFile(): string {
  const candidates = [join(__dirname, 'plugin.js'), resolve(__dirname, '../../dist/plugin.js')]
  return candidates.find((c) => existsSync(c)) ?? (candidates[0] as string)
}

/** Runs the install command; resolves with the process exit code (0 ok, 1 failed, 2 usage). */
export async function runInstall(argv: string[], io: InstallIo): Promise<number> {
  let values: { dir?: string; global?: boolean; uninstall?: boolean; help?: boolean }
  try {
    ;({ values } = parseArgs({
      args: argv,
      options: {
        dir: { type: 'string' },
        global: { type: 'boolean' },
        uninstall: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }))
  } catch (err) {
    io.stderr.write(`orchestrator install: ${(err as Error).message}\n${USAGE}`)
    return 2
  }
  if (values.help) {
    io.stdout.write(USAGE)
    return 0
  }
  if (values.global && values.dir !== undefined) {
    io.stderr.write(`orchestrator install: --dir and --global exclude each other\n${USAGE}`)
    return 2
  }
  if (values.dir !== undefined) {
    // A typo must not become a new project folder with an opencode.json in it.
    const problem = folderProblem(resolve(io.cwd, values.dir))
    if (problem) {
      io.stderr.write(`orchestrator install: --dir ${values.dir} ${problem}\n`)
      return 2
    }
  }
  const scope: InstallScope = values.global
    ? { kind: 'global' }
    : { kind: 'project', dir: resolve(io.cwd, values.dir ?? '.') }
  const pluginFile = io.pluginFile ?? defaultPluginFile()

  const outcome: InstallOutcome = values.uninstall
    ? await uninstallPlugin({ scope, pluginFile, env: io.env })
    : await installPlugin({ scope, pluginFile, env: io.env })
  if (!outcome.ok) {
    io.stderr.write(`orchestrator install: ${outcome.error.message}\n`)
    return 1
  }
  const backup = outcome.backup ? ` (backup: ${outcome.backup})` : ''
  const what = values.uninstall
    ? outcome.changed
      ? `Removed the orchestrator plugin from ${outcome.path}`
      : `The orchestrator plugin was not in ${outcome.path}; nothing to do`
    : outcome.changed
      ? `Installed the orchestrator plugin in ${outcome.path}`
      : `The orchestrator plugin is already installed in ${outcome.path}`
  io.stdout.write(`${what}${backup}\n`)
  return 0
}
