import { dirname, join } from 'node:path'
import { historyCommand } from './history-command'
import { runCommand } from './run-command'
import { runInstall } from './install-command'
import type { CliIo } from './io'
import { terminalText } from '../shared/terminal-text'

const USAGE = `usage: orchestrator <command> [options]

commands:
  run       run a mission (orchestrator run --goal "<text>" | --demo), or continue an interrupted
            one (orchestrator run --resume [<mission id>])
  history   the project's past missions, newest first (orchestrator history [--dir D] [--json])
  install   add the companion plugin to an OpenCode config (--dir D | --global) [--uninstall]
`

async function main(argv: string[]): Promise<number> {
  const io: CliIo = {
    // What a model or a file chose reaches the terminal as text, never as control sequences; a
    // program reading stdout (--json) gets it as written.
    stdout: (t) => void process.stdout.write(process.stdout.isTTY ? terminalText(t) : t),
    stderr: (t) => void process.stderr.write(terminalText(t)),
    env: process.env,
    cwd: process.cwd(),
    packageRoot: dirname(__dirname),
    ...(process.stderr.isTTY && {
      terminalColumns: () => process.stderr.columns || 80,
      terminal: (t: string) => void process.stderr.write(t),
    }),
  }
  const [command, ...rest] = argv
  switch (command) {
    case 'run':
      return runCommand(rest, io)
    case 'history':
      return historyCommand(rest, io)
    case 'install':
      return runInstall(rest, {
        stdout: process.stdout,
        stderr: process.stderr,
        env: io.env,
        cwd: io.cwd,
        pluginFile: join(io.packageRoot, 'dist', 'plugin.js'),
      })
    case undefined:
    case '--help':
    case '-h':
      io.stdout(USAGE)
      return command === undefined ? 2 : 0
    default:
      io.stderr(`orchestrator: unknown command "${command}"\n${USAGE}`)
      return 2
  }
}

// A closed terminal (SIGHUP) takes stdout and stderr with it: a write there fails, and the run
// must still interrupt its mission and clean up rather than die of the write error.
for (const stream of [process.stdout, process.stderr]) stream.on('error', () => {})

void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code
})
