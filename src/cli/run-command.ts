import { randomUUID } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { DEMO_CHECK, DEMO_FILES, DEMO_GOAL, demoScript } from '../demo/demo-script'
import { offlineEnv } from '../demo/offline-env'
import { writeProject } from '../demo/sample-project'
import { ScriptedProvider, scriptedProviderConfig } from '../demo/scripted-provider'
import { withCapSpec } from '../engine/schedule/caps'
import { Mission } from '../engine/mission'
import { MISSION_DEFAULTS, type MissionOptions } from '../engine/mission-options'
import { parseModelRef } from '../engine/protocol/model-ref'
import type { MissionState } from '../engine/record/mission-state'
import { ROLES, systemClock, type Logger, type Role } from '../engine/ports'
import type { SchedulerCaps } from '../engine/schedule/scheduler'
import { resolveOpencodeBinary } from '../opencode/binary'
import { Supervisor } from '../opencode/supervisor'
import { missionServerConfig } from '../plugin-config/server-config'
import { JournalFile } from '../node/journal-file'
import { NodeWorkspace } from '../node/workspace'
import type { CliIo } from './io'
import { answerPermissions } from './permission-prompt'
import { checkLine, endLine, progressLine, toReport } from './report'

const USAGE = `usage: orchestrator run --goal "<text>" [--dir D] [--server-url URL --password P]
       [--opencode-config FILE] [--model role=provider/model]... [--concurrency N]
       [--check "<cmd>" | --no-check] [--cap role:worker=N | provider:ID=N | model:PROVIDER/MODEL=N]...
       [--max-iterations N] [--max-tokens N] [--max-minutes N] [--opencode PATH] [--json] [--demo]`

/** `orchestrator run`: one mission, live progress on stderr, the report on stdout with --json. */
export async function runCommand(argv: string[], io: CliIo): Promise<number> {
  let args
  try {
    args = parseArgs({
      args: argv,
      options: {
        goal: { type: 'string' },
        dir: { type: 'string' },
        'server-url': { type: 'string' },
        password: { type: 'string' },
        'opencode-config': { type: 'string' },
        opencode: { type: 'string' },
        model: { type: 'string', multiple: true, default: [] },
        concurrency: { type: 'string' },
        cap: { type: 'string', multiple: true, default: [] },
        check: { type: 'string' },
        'no-check': { type: 'boolean', default: false },
        'max-iterations': { type: 'string' },
        'max-tokens': { type: 'string' },
        'max-minutes': { type: 'string' },
        json: { type: 'boolean', default: false },
        demo: { type: 'boolean', default: false },
        verbose: { type: 'boolean', default: false },
      },
      strict: true,
    }).values
  } catch (err) {
    io.stderr(`${(err as Error).message}\n${USAGE}\n`)
    return 2
  }
  const goal = (args.goal ?? (args.demo ? DEMO_GOAL : '')).trim()
  if (!goal) {
    io.stderr(`orchestrator run: --goal is required (or --demo)\n${USAGE}\n`)
    return 2
  }
  let tuning: ReturnType<typeof parseTuning>
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

  const logger = cliLogger(io, args.verbose)
  const cleanup: (() => Promise<void> | void)[] = []
  let mission: Mission | undefined
  let stopRequested = false
  // First signal: stop the mission (or do not start it) and clean up. A second one: clean up now.
  const onSignal = () => {
    if (stopRequested) {
      io.stderr('\nstopping now\n')
      void Promise.allSettled(cleanup.reverse().map((c) => c())).then(() => process.exit(130))
      return
    }
    stopRequested = true
    io.stderr('\nstopping the mission…\n')
    void mission?.stop('stopped by the user (signal)')
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  try {
    let connection: Supervisor
    let directory = resolve(args.dir ?? io.cwd)
    if (args.demo) {
      const root = mkdtempSync(join(tmpdir(), 'orchestrator-demo-'))
      cleanup.push(() => rmSync(root, { recursive: true, force: true }))
      if (!args.dir) directory = writeProject(join(root, 'greeter'), DEMO_FILES)
      const provider = await ScriptedProvider.start({ script: demoScript, latencyMs: 150 })
      cleanup.push(() => provider.close())
      io.stderr(`demo: scripted model on ${provider.baseUrl}, project ${directory}\n`)
      connection = await Supervisor.start({
        kind: 'spawn',
        binary: resolveOpencodeBinary({ configured: args.opencode, searchFrom: [directory, io.packageRoot] }),
        directory,
        env: offlineEnv(root, io.env),
        configContent: withPlugin(io, { ...scriptedProviderConfig(provider), permission: { '*': 'allow' } }),
        logger,
      })
    } else if (args['server-url']) {
      connection = await Supervisor.start({
        kind: 'attach',
        url: args['server-url'],
        directory,
        logger,
        ...(args.password !== undefined && { password: args.password }),
      })
    } else {
      io.stderr('starting opencode serve…\n')
      connection = await Supervisor.start({
        kind: 'spawn',
        binary: resolveOpencodeBinary({
          configured: args.opencode,
          searchFrom: [directory, io.packageRoot],
          settingName: '--opencode',
        }),
        directory,
        env: { ...io.env, OPENCODE_CLIENT: 'sdk' },
        configContent: withPlugin(io, extraConfig),
        logger,
      })
    }
    cleanup.push(() => connection.dispose())
    if (stopRequested) {
      io.stderr('orchestrator run: stopped before the mission started\n')
      return 130
    }

    const id = randomUUID()
    const journal = new JournalFile(join(directory, '.opencode', 'orchestrator', `${id}.jsonl`))
    mission = new Mission(
      {
        sessions: connection,
        events: connection,
        workspace: new NodeWorkspace(directory, io.env),
        journal,
        clock: systemClock,
        logger,
      },
      { id, goal, ...tuning, ...(args.demo && tuning.check === undefined && { check: DEMO_CHECK }) },
    )
    let last = ''
    let checkSaid = false
    mission.onChange((s) => {
      if (s.check && !checkSaid) {
        checkSaid = true
        io.stderr(`${checkLine(s.check)}\n`)
      }
      const line = progressLine(s)
      if (line !== last) io.stderr(`${line}\n`)
      last = line
    })
    const stopAnswering = answerPermissions(mission, io, process.stdin.isTTY === true)
    const final: MissionState = await mission.run()
    stopAnswering()
    mission.dispose()
    if (final.result) io.stderr(`\n${final.result}\n\n`)
    if (args.json) io.stdout(`${JSON.stringify(toReport(final))}\n`)
    else io.stderr(`${endLine(final)}\n`)
    return final.phase === 'completed' ? 0 : 1
  } catch (err) {
    io.stderr(`orchestrator run: ${(err as Error).message}\n`)
    return 1
  } finally {
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
    for (const c of cleanup.reverse()) await c()
  }
}

function positiveInt(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined
  const n = Number(raw)
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a whole number >= 1, got "${raw}"`)
  return n
}

/** The mission options the command line can set, checked with messages that name the flag. */
function parseTuning(args: {
  model?: string[]
  concurrency?: string
  cap?: string[]
  check?: string
  'no-check'?: boolean
  'max-iterations'?: string
  'max-tokens'?: string
  'max-minutes'?: string
}): Pick<MissionOptions, 'models' | 'caps' | 'check' | 'budgets'> {
  const models: NonNullable<MissionOptions['models']> = {}
  for (const spec of args.model ?? []) {
    const m = /^(\w+)=(.*)$/.exec(spec)
    const role = m?.[1] as Role | undefined
    const model = parseModelRef(m?.[2])
    if (!role || !ROLES.includes(role) || !model)
      throw new Error(
        `--model must look like planner=provider/model (roles: ${ROLES.join(', ')}), got "${spec}"`,
      )
    models[role] = model
  }
  if (args.check !== undefined && args['no-check'])
    throw new Error('--check and --no-check contradict each other: give one of them')
  if (args.check !== undefined && args.check.trim() === '')
    throw new Error('--check needs a command (e.g. --check "npm test"); --no-check runs none')
  const concurrency = positiveInt('concurrency', args.concurrency)
  const maxIterations = positiveInt('max-iterations', args['max-iterations'])
  const maxTokens = positiveInt('max-tokens', args['max-tokens'])
  const maxMinutes = positiveInt('max-minutes', args['max-minutes'])
  let caps: SchedulerCaps = { total: concurrency ?? MISSION_DEFAULTS.caps.total }
  for (const spec of args.cap ?? []) caps = withCapSpec(caps, spec)
  return {
    ...(Object.keys(models).length && { models }),
    ...((concurrency !== undefined || args.cap?.length) && { caps }),
    ...(args.check !== undefined && { check: args.check }),
    ...(args['no-check'] && { check: false as const }),
    budgets: {
      ...(maxIterations !== undefined && { maxIterations }),
      ...(maxTokens !== undefined && { maxTokens }),
      ...(maxMinutes !== undefined && { maxWallMs: maxMinutes * 60_000 }),
    },
  }
}

/** Our plugin, shipped next to the CLI bundle, joins the server's config content (and the user's plugins). */
const withPlugin = (io: CliIo, base: Record<string, unknown>) =>
  missionServerConfig({ pluginFile: join(io.packageRoot, 'dist', 'plugin.js'), base })

function cliLogger(io: CliIo, verbose: boolean): Logger {
  const line = (level: string) => (m: string) => io.stderr(`[${level}] ${m}\n`)
  return {
    debug: () => {},
    info: verbose ? line('info') : () => {},
    warn: line('warn'),
    error: line('error'),
  }
}
