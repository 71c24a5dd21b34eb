import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { formatDuration } from '../shared/format-duration'
import { MissionHistory, type HistoryItem } from '../node/mission-history'
import { orchestratorFolder } from '../plugin/orchestrator-folder'
import { folderProblem } from './folder-problem'
import type { CliIo } from './io'
import { cutLine } from '../engine/util/cut-line'

const USAGE = 'usage: orchestrator history [--dir D] [--json]'

const HELP = `${USAGE}

Lists the project's past missions, newest first, from their journals in <dir>/.opencode/orchestrator/:
when each started, how it ended, its todos and its goal. A mission that never ended was interrupted:
\`orchestrator run --resume <id>\` continues it.

  --dir D    the project folder (default: the current one)
  --json     one JSON array on stdout: [{ id, goal, startedAt, summary? }]`

/** `orchestrator history`: the missions run in a project, read from their journals' summary lines. */
export async function historyCommand(argv: string[], io: CliIo): Promise<number> {
  let args
  try {
    args = parseArgs({
      args: argv,
      options: {
        dir: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
    }).values
  } catch (err) {
    io.stderr(`${(err as Error).message}\n${USAGE}\n`)
    return 2
  }
  if (args.help) {
    io.stdout(`${HELP}\n`)
    return 0
  }
  const directory = resolve(io.cwd, args.dir ?? '.')
  const problem = folderProblem(directory)
  if (problem) {
    io.stderr(
      `orchestrator history: ${args.dir === undefined ? directory : `--dir ${args.dir}`} ${problem}\n`,
    )
    return 2
  }
  const warn = (m: string) => io.stderr(`[warn] ${m}\n`)
  const log = { debug: () => {}, info: () => {}, warn, error: warn }
  const items = await new MissionHistory(orchestratorFolder(directory), log).list()
  if (args.json) {
    io.stdout(`${JSON.stringify(items)}\n`)
    return 0
  }
  if (items.length === 0) {
    io.stdout(`no missions in ${directory}\n`)
    return 0
  }
  for (const item of items) io.stdout(`${historyLine(item)}\n`)
  return 0
}

/** One mission: its id, start, end and todos, then its goal. */
export function historyLine(item: HistoryItem): string {
  const started = new Date(item.startedAt).toISOString().replace('T', ' ').slice(0, 16)
  const s = item.summary
  const how = s
    ? `${s.status} after ${formatDuration(s.durationMs)}, ${s.todos.passed}/${s.todos.total} todos`
    : 'interrupted (orchestrator run --resume to continue)'
  return `${item.id}  ${started}  ${how}\n    ${oneLine(item.goal)}`
}

const oneLine = (text: string) => {
  const line = text.replace(/\s+/g, ' ').trim()
  return cutLine(line, 100)
}
