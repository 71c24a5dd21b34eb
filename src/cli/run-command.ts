import { randomUUID } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { constants as osConstants, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { DEMO_CHECK, DEMO_FILES, DEMO_GOAL, demoScript } from '../demo/demo-script'
import { offlineEnv } from '../demo/offline-env'
import { writeProject } from '../demo/sample-project'
import { ScriptedProvider, scriptedProviderConfig } from '../demo/scripted-provider'
import { Mission } from '../engine/mission'
import { withJournaledOptions, type IfCheckFails, type MissionOptions } from '../engine/mission-options'
import type { JournalStore } from '../engine/record/journal'
import type { MissionState } from '../engine/record/mission-state'
import { scrubSecrets } from '../engine/util/scrub-secrets'
import { systemClock, type Logger } from '../engine/ports'
import { serverUrlProblem } from '../engine/preflight/server-url'
import { resolveOpencodeBinary } from '../opencode/binary'
import { checkOpencodeBinary } from '../opencode/binary-version'
import { PACKAGE_NAME } from '../shared/constants'
import { createClient } from '../opencode/client'
import { Supervisor } from '../opencode/supervisor'
import { missionServerConfig } from '../plugin-config/server-config'
import { JournalFile } from '../node/journal-file'
import { VerbatimFile } from '../node/verbatim-file'
import { NodeWorkspace } from '../node/workspace'
import type { InterruptedMission } from '../node/interrupted-missions'
import { LiveMissionWriter } from '../node/live-mission'
import { ProjectLock, ProjectLockedError } from '../node/project-lock'
import { orchestratorFolder } from '../plugin/orchestrator-folder'
import { BUDGET_FLAG_OPTIONS, BUDGET_HELP, BUDGET_USAGE } from './budget-flags'
import { parseTuning, TUNING_FLAG_OPTIONS, type RunTuning } from './run-tuning'
import { findResumable } from '../node/resume-target'
import { ProcessRegistry } from '../node/process-registry'
import { folderProblem } from './folder-problem'
import type { CliIo } from './io'
import { answerPermissions } from './permission-prompt'
import { LiveStatus } from './live-status'
import { cliPreflight } from './preflight-check'
import { endLine, isolationLine, mergeLines, notStartedReport, progressLine, toReport } from './report'
import { missionWorktrees } from '../node/mission-worktrees'
import { checkLine, checkRunLines, unsaidRuns } from '../shared/check-lines'
import { answerBaseline } from './baseline-prompt'
import { answerStuck, terminalAsk } from './stuck-prompt'

const USAGE = `usage: orchestrator run --goal "<text>" [--dir D] [--server-url URL [--password-file F | --password P]]
       [--opencode-config FILE] [--model role=provider/model]... [--concurrency N]
       [--check "<cmd>" | --no-check] [--if-check-fails ask|continue|stop] [--cap role:worker=N | provider:ID=N | model:PROVIDER/MODEL=N]...
       ${BUDGET_USAGE} [--cancel-after-rejections N] [--opencode PATH]
       [--isolation worktree|shared] [--worktree-setup "<cmd>"] [--json] [--demo]
       orchestrator run --resume [<mission id>] [--dir D] [--server-url URL [--password-file F | --password P]] [--json]`

const HELP = `${USAGE}

Runs one mission: a planner splits the goal into todos, workers do them in parallel OpenCode
sessions, a reviewer checks each, and the check command gives the evidence. Progress goes to
stderr; the exit code is 0 only when the mission completed. One mission per project at a time.
Ctrl-C stops the mission; SIGTERM or a closed terminal (SIGHUP) interrupts it: --resume continues it.

  --goal "<text>"          what the mission should achieve
  --resume [<mission id>]  continue an interrupted mission of the project (default: the latest one),
                           with the options it started with (see orchestrator history)
  --demo                   the offline demo with the built-in scripted model (in a new project unless --dir)
  --dir D                  the project folder (default: the current one)
  --server-url URL         use a running OpenCode server instead of starting one
  --password-file F        that server's password: the first line of F (else OPENCODE_SERVER_PASSWORD)
  --password P             the same on the command line, where every local user can read it (\`ps\`)
  --opencode-config FILE   JSON merged into the started server's config (providers, models)
  --opencode PATH          the opencode binary to start
  --model role=p/m         the model of a role: planner, worker or reviewer (repeatable)
  --concurrency N          agents at once; --cap narrows it per role, provider or model
  --check "<cmd>"          the check command (default: detected from the project); --no-check: none
  --if-check-fails X       when the check cannot run before any change (the project is not set up):
                           ask (the default on a terminal), stop (the default otherwise) or continue
  ${BUDGET_HELP}   budgets
  --cancel-after-rejections N
                           cancel a todo once reviews failed it N times (re-plans included)
                           instead of trying it again or re-planning it (default: never)
  --isolation X            worktree (the default in a git repository): each todo works in a git
                           worktree of its own, only reviewed work is merged, the check runs on the
                           merged result, and a completed mission's result is applied to the folder
                           (files you changed meanwhile are left, and named); shared: every agent
                           works in the folder itself
  --worktree-setup "<cmd>" run once in each new worktree (e.g. "npm ci"); ignored dependency folders
                           (node_modules, .venv, vendor, …) are linked in without it
  --json                   print the final report as JSON on stdout
  --verbose                info log lines on stderr too (warnings and errors always show)`

/** `orchestrator run`: one mission, live progress on stderr, the report on stdout with --json. */
export async function runCommand(argv: string[], rawIo: CliIo): Promise<number> {
  const io = scrubbedIo(rawIo)
  let parsed
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        goal: { type: 'string' },
        dir: { type: 'string' },
        'server-url': { type: 'string' },
        password: { type: 'string' },
        'password-file': { type: 'string' },
        'opencode-config': { type: 'string' },
        opencode: { type: 'string' },
        ...TUNING_FLAG_OPTIONS,
        ...BUDGET_FLAG_OPTIONS,
        json: { type: 'boolean', default: false },
        demo: { type: 'boolean', default: false },
        verbose: { type: 'boolean', default: false },
        resume: { type: 'boolean', default: false },
        'worktree-setup': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: true,
    })
  } catch (err) {
    io.stderr(`${(err as Error).message}\n${USAGE}\n`)
    return 2
  }
  const args = parsed.values
  if (args.help) {
    io.stdout(`${HELP}\n`)
    return 0
  }
  const [resumeId, extra] = args.resume ? parsed.positionals : [undefined, ...parsed.positionals]
  if (extra !== undefined) {
    io.stderr(`orchestrator run: unexpected argument "${extra}"\n${USAGE}\n`)
    return 2
  }
  if (args.resume && (args.goal !== undefined || args.demo)) {
    io.stderr('orchestrator run: --resume continues a mission with its own goal: give no --goal or --demo\n')
    return 2
  }
  const goal = (args.goal ?? (args.demo ? DEMO_GOAL : '')).trim()
  if (!goal && !args.resume) {
    io.stderr(`orchestrator run: --goal is required (or --resume, --demo)\n${USAGE}\n`)
    return 2
  }
  if (args.dir !== undefined) {
    const problem = folderProblem(resolve(io.cwd, args.dir))
    if (problem) {
      io.stderr(`orchestrator run: --dir ${args.dir} ${problem}\n`)
      return 2
    }
  }
  let tuning: RunTuning
  try {
    tuning = parseTuning(args)
  } catch (err) {
    io.stderr(`orchestrator run: ${(err as Error).message}\n${USAGE}\n`)
    return 2
  }
  let extraConfig: Record<string, unknown> = {}
  if (args['opencode-config']) {
    try {
      const parsed: unknown = JSON.parse(readFileSync(args['opencode-config'], 'utf8'))
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
        throw new Error(`${args['opencode-config']} must hold a JSON object`)
      extraConfig = parsed as Record<string, unknown>
    } catch (err) {
      io.stderr(`orchestrator run: cannot read --opencode-config: ${(err as Error).message}\n`)
      return 2
    }
  }

  // On a terminal, progress is one status block redrawn in place; log lines print above it.
  const live = io.terminalColumns
    ? new LiveStatus({
        write: io.terminal ?? io.stderr,
        columns: io.terminalColumns,
        budgets: tuning.budgets,
      })
    : undefined
  const say = live ? (t: string) => live.print(t) : io.stderr
  const logger = cliLogger(say, args.verbose)
  // What an earlier run that was killed outright left running (its server, its check) ends first.
  const processes = ProcessRegistry.forUser(io.env, logger)
  await processes.reap()
  const cleanup: (() => Promise<void> | void)[] = []
  let mission: Mission | undefined
  let stopRequested = false
  let interruptedBy: (signal: NodeJS.Signals) => void = () => {}
  const interrupted = new Promise<NodeJS.Signals>((resolve) => (interruptedBy = resolve))
  // First signal: Ctrl-C stops the mission; SIGTERM and SIGHUP (the terminal closed) interrupt it,
  // leaving it to its journal for --resume. Before the mission starts, either one starts nothing.
  // A second signal: clean up now.
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopRequested) {
      io.stderr('\nstopping now\n')
      void Promise.allSettled([...cleanup].reverse().map((c) => c())).then(() => process.exit(130))
      return
    }
    stopRequested = true
    if (mission && signal !== 'SIGINT') {
      io.stderr(`\n${signal}: interrupting the mission (its journal keeps it for --resume)…\n`)
      interruptedBy(signal)
      return
    }
    io.stderr('\nstopping the mission…\n')
    void mission?.stop('stopped by the user (signal)')
  }
  // With --json, a mission that never started still gets its one report line on stdout.
  const began = Date.now()
  const notStarted = (status: 'failed' | 'stopped', reason: string, code: number): number => {
    if (args.json) io.stdout(`${JSON.stringify(notStartedReport(status, reason, Date.now() - began))}\n`)
    return code
  }
  for (const signal of SIGNALS) process.on(signal, onSignal)
  try {
    let connection: Supervisor
    let directory = resolve(io.cwd, args.dir ?? '.')
    const journalDir = () => orchestratorFolder(directory)
    let resumed: InterruptedMission | undefined
    if (args.resume) {
      const found = await findResumable(journalDir(), resumeId, logger)
      if (typeof found === 'string') {
        io.stderr(`orchestrator run: ${found}\n`)
        return notStarted('failed', found, 2)
      }
      resumed = found
      io.stderr(`resuming mission ${found.id}: ${found.goal}\n`)
    }
    let demoRoot = ''
    if (args.demo) {
      const root = (demoRoot = mkdtempSync(join(tmpdir(), 'orchestrator-demo-')))
      cleanup.push(() => rmSync(root, { recursive: true, force: true }))
      if (!args.dir) directory = writeProject(join(root, 'greeter'), DEMO_FILES)
    }
    const id = resumed?.id ?? randomUUID()
    // Before the server: a project another mission holds is refused at once, naming that mission.
    let lock: ProjectLock
    try {
      lock = await ProjectLock.acquire(directory, { missionId: id, runner: 'cli' }, logger)
    } catch (err) {
      if (!(err instanceof ProjectLockedError)) throw err
      io.stderr(`orchestrator run: ${err.message}\n`)
      return notStarted('failed', err.message, 2)
    }
    cleanup.push(() => lock.release())
    if (args.demo) {
      const root = demoRoot
      const provider = await ScriptedProvider.start({ script: demoScript, latencyMs: 150 })
      cleanup.push(() => provider.close())
      io.stderr(`demo: scripted model on ${provider.baseUrl}, project ${directory}\n`)
      connection = await Supervisor.start({
        kind: 'spawn',
        binary: await resolveCliBinary(args.opencode, directory, io),
        directory,
        env: offlineEnv(root, io.env),
        configContent: withPlugin(io, { ...scriptedProviderConfig(provider), permission: { '*': 'allow' } }),
        logger,
        processes,
      })
    } else if (args['server-url']) {
      const url = args['server-url'].trim()
      const bad = serverUrlProblem(url)
      if (bad) {
        io.stderr(`orchestrator run: --server-url ${bad}\n`)
        return 2
      }
      let password: string | undefined
      try {
        const file = args['password-file']
        password = serverPassword(args.password, file && resolve(io.cwd, file), io.env)
      } catch (err) {
        io.stderr(`orchestrator run: ${(err as Error).message}\n`)
        return 2
      }
      // Before connecting: an attached server may not answer, or lack our plugin or a provider.
      const client = createClient({ baseUrl: url, directory, ...(password && { password }) })
      const refused = await cliPreflight(client, url, { attached: true, ...models(tuning) }, io)
      if (refused) return notStarted('failed', refused, 2)
      connection = await Supervisor.start({
        kind: 'attach',
        url,
        directory,
        logger,
        ...(password && { password }),
      })
    } else {
      io.stderr('starting opencode serve…\n')
      connection = await Supervisor.start({
        kind: 'spawn',
        binary: await resolveCliBinary(args.opencode, directory, io),
        directory,
        env: { ...io.env, OPENCODE_CLIENT: 'sdk' },
        configContent: withPlugin(io, extraConfig),
        logger,
        processes,
      })
    }
    cleanup.push(() => connection.dispose())
    if (!args['server-url']) {
      const request = { attached: false, ...models(tuning) }
      const refused = await cliPreflight(connection.client, connection.url, request, io)
      if (refused) return notStarted('failed', refused, 2)
    }
    if (stopRequested) {
      io.stderr('orchestrator run: stopped before the mission started\n')
      return notStarted('stopped', 'stopped before the mission started', 130)
    }

    const interactive = process.stdin.isTTY === true
    // Without anyone to ask (no terminal, or --json for a program), a question becomes a stop.
    const canAsk = interactive && !args.json
    const askable = (choice: IfCheckFails | undefined): IfCheckFails =>
      choice === 'ask' || choice === undefined ? (canAsk ? 'ask' : 'stop') : choice
    const file = new JournalFile(join(journalDir(), `${id}.jsonl`), { logger })
    // Once interrupted, nothing more is journaled: what the ended server does to the mission's turns
    // is not the mission's story, and the resume picks up from the last entry written before.
    let sealed = false
    void interrupted.then(() => (sealed = true))
    const journal: JournalStore = {
      append: (line) => (sealed ? Promise.resolve() : file.append(line)),
      readAll: () => file.readAll(),
    }
    const options: MissionOptions = {
      id,
      goal: resumed?.goal ?? goal,
      ...tuning,
      ...(args.demo && tuning.check === undefined && { check: DEMO_CHECK }),
      askWhenStuck: interactive,
      ifCheckFails: askable(tuning.ifCheckFails),
    }
    // A resumed mission runs with the options it started with, whatever the flags say now; whether
    // it can ask depends on this run.
    const runWith = resumed ? await withJournaledOptions(file, options) : options
    const ifCheckFails = askable(runWith.ifCheckFails)
    const workspace = new NodeWorkspace(directory, io.env, processes)
    const isolation = runWith.isolation ?? DEFAULT_ISOLATION
    const worktrees =
      isolation === 'worktree'
        ? await missionWorktrees({
            directory,
            missionId: id,
            env: io.env,
            logger,
            workspace,
            readyFolder: (folder) => connection.readyFolder(folder),
            ...(args['worktree-setup'] !== undefined && { setup: args['worktree-setup'] }),
          })
        : undefined
    // The todos' sessions work in their worktrees: their events and statuses are followed there.
    if (worktrees) cleanup.push(await connection.follow(() => worktrees.folders()))
    if (stopRequested) {
      io.stderr('orchestrator run: stopped before the mission started\n')
      return notStarted('stopped', 'stopped before the mission started', 130)
    }
    mission = new Mission(
      {
        sessions: connection,
        events: connection,
        workspace,
        journal,
        ...(worktrees && { worktrees }),
        verbatim: VerbatimFile.beside(file.path),
        clock: systemClock,
        logger,
      },
      { ...runWith, ifCheckFails, isolation },
    )
    const running = mission
    // A VS Code window follows the mission from its state beside the journal, and may stop it.
    const beside = await LiveMissionWriter.start(directory, lock.holder, {
      logger,
      onStop: (by) => {
        say(`orchestrator run: stop asked from ${by}\n`)
        void running
          .stop(`stopped by the user (from ${by})`)
          .catch((err: unknown) => logger.error(String(err)))
      },
    })
    cleanup.push(async () => beside.dispose())
    mission.onChange((s) => beside.publish(s))
    let last = ''
    let checkSaid: string | undefined
    const checksSaid = new Set<string>()
    const mergesSaid = new Map<string, string>()
    let isolationSaid = false
    mission.onChange((s) => {
      if (s.isolation?.mode === 'shared' && !isolationSaid) say(`[warn] ${s.isolation.reason}\n`)
      if (s.isolation) isolationSaid = true
      for (const line of mergeLines(s, mergesSaid)) say(`${line}\n`)
      const check = s.check && checkLine(s.check)
      if (check && check !== checkSaid) {
        checkSaid = check
        say(`${check}\n`)
      }
      // Every run of the check, at once: before the planner's next step, not only in the report.
      for (const run of unsaidRuns(s.checks, checksSaid)) say(`${checkRunLines(run).join('\n')}\n`)
      if (live) return live.update(s)
      const line = progressLine(s)
      if (line !== last) io.stderr(`${line}\n`)
      last = line
    })
    const suspend = live ? () => live.suspend() : undefined
    const stopAnswering = answerPermissions(mission, { ...io, stderr: say }, interactive, suspend)
    // The status block steps aside while the keep-waiting question is on screen.
    const askAbove: typeof terminalAsk = async (question, signal) => {
      const resume = suspend?.()
      try {
        return await terminalAsk(question, signal)
      } finally {
        resume?.()
      }
    }
    const stopAsking = interactive ? answerStuck(mission, askAbove) : () => {}
    const stopAskingCheck = ifCheckFails === 'ask' ? answerBaseline(mission, askAbove, say) : () => {}
    const final: MissionState | NodeJS.Signals = await Promise.race([mission.run(), interrupted])
    stopAnswering()
    stopAsking()
    stopAskingCheck()
    live?.finish()
    if (typeof final !== 'string') await beside.close(final)
    mission.dispose()
    if (typeof final === 'string') {
      const resume = `orchestrator run --resume ${id}${args.dir !== undefined ? ` --dir ${directory}` : ''}`
      const reason = `interrupted by ${final}: continue it with ${resume}`
      io.stderr(`${reason}\n`)
      if (args.json)
        io.stdout(`${JSON.stringify(toReport({ ...mission.state, phase: 'stopped', reason }))}\n`)
      return 128 + (osConstants.signals[final] ?? 0)
    }
    if (final.result) io.stderr(`\n${final.result}\n\n`)
    const isolated = isolationLine(final)
    if (isolated) io.stderr(`${isolated}\n`)
    if (args.json) io.stdout(`${JSON.stringify(toReport(final))}\n`)
    else io.stderr(`${endLine(final)}\n`)
    return final.phase === 'completed' ? 0 : 1
  } catch (err) {
    io.stderr(`orchestrator run: ${(err as Error).message}\n`)
    return notStarted('failed', (err as Error).message, 1)
  } finally {
    for (const signal of SIGNALS) process.off(signal, onSignal)
    for (const c of [...cleanup].reverse()) await c()
  }
}

const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP']

/**
 * `io` whose stderr, and the status block's terminal, pass the journal's scrubber: progress, reasons
 * and log lines can carry a provider's error text, which may echo a key.
 */
export function scrubbedIo(io: CliIo): CliIo {
  const terminal = io.terminal
  return {
    ...io,
    stderr: (text) => io.stderr(scrubSecrets(text)),
    ...(terminal && { terminal: (text: string) => terminal(scrubSecrets(text)) }),
  }
}

/** Isolation when neither the flag nor a resumed journal says: worktrees (shared outside git, said so). */
const DEFAULT_ISOLATION = 'worktree' as const

/**
 * The attached server's password: from --password-file (its first line), --password, else
 * OPENCODE_SERVER_PASSWORD. The file and the variable keep it out of the argv that `ps` shows.
 */
function serverPassword(
  flag: string | undefined,
  file: string | undefined,
  env: NodeJS.ProcessEnv,
): string | undefined {
  if (flag !== undefined && file !== undefined)
    throw new Error('give --password-file or --password, not both')
  if (file === undefined) return flag ?? env.OPENCODE_SERVER_PASSWORD
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (err) {
    throw new Error(`cannot read --password-file: ${(err as Error).message}`)
  }
  const password = text.split(/\r?\n/, 1)[0] ?? ''
  if (!password) throw new Error(`--password-file ${file} is empty: its first line is the password`)
  return password
}

const models = (t: Pick<MissionOptions, 'models'>) => (t.models ? { models: t.models } : {})

/** Our plugin, shipped next to the CLI bundle, joins the server's config content (and the user's plugins). */
const withPlugin = (io: CliIo, base: Record<string, unknown>) =>
  missionServerConfig({ pluginFile: join(io.packageRoot, 'dist', 'plugin.js'), base })

function cliLogger(write: (text: string) => void, verbose: boolean): Logger {
  const line = (level: string) => (m: string) => write(`[${level}] ${m}\n`)
  return {
    debug: () => {},
    info: verbose ? line('info') : () => {},
    warn: line('warn'),
    error: line('error'),
  }
}

/**
 * `--opencode`, else `opencode-ai` from the project or from this package's optional dependency, else
 * PATH; refused before it is started unless it is an OpenCode this build drives.
 */
async function resolveCliBinary(
  configured: string | undefined,
  directory: string,
  io: CliIo,
): Promise<string> {
  const binary = resolveOpencodeBinary({
    searchFrom: [directory, io.packageRoot],
    settingName: '--opencode',
    reinstallHint: `reinstall the CLI with its optional dependencies (npm install -g ${PACKAGE_NAME}, without --omit=optional)`,
    pathEnv: io.env.PATH ?? '',
    ...(configured !== undefined && { configured }),
  })
  const { warning } = await checkOpencodeBinary(binary, { fixes: CLI_OPENCODE_FIXES, env: io.env })
  if (warning) io.stderr(`[warn] ${warning}\n`)
  return binary
}

const CLI_OPENCODE_FIXES = [
  'pass `--opencode <path of an OpenCode 1.x binary>`',
  'run `npm i opencode-ai@1` in the project (or `npm i -g opencode-ai@1`)',
]
