import { execFileSync } from 'node:child_process'
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { availableParallelism, loadavg } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { afterAll, describe, expect, it } from 'vitest'
import { missionScript } from '../../src/demo/mission-script'
import { TOOL_REPORT, type PlanTodo } from '../../src/engine/protocol/mission-protocol'
import { workBrief } from '../../src/engine/protocol/prompts'
import type { EventPort, SessionPort, WorktreePort } from '../../src/engine/ports'
import type { MissionState } from '../../src/engine/record/mission-state'
import { schedule, type SchedulerTodo } from '../../src/engine/schedule/scheduler'
import { captureGitBase } from '../../src/node/git-base'
import { GitWorktrees } from '../../src/node/git-worktrees'
import { missionWorktrees } from '../../src/node/mission-worktrees'
import type { Supervisor } from '../../src/opencode/supervisor'
import { PROTOCOL_VERSION } from '../../src/shared/protocol'
import { fakeMission } from '../fixtures/fake-mission'
import { flush } from '../fixtures/fake-opencode'
import { packNpm, packVsix } from '../support/pack'
import { runCli } from '../support/run-cli'
import { repoRoot, Sandbox } from '../support/sandbox'
import { benchRender } from './render'
import { timedWorktrees } from './timed-worktrees'
import { traced } from './trace'

// Performance targets from product.md, measured as numbers and ratios within one run. Timings are
// reported, never asserted (they depend on the machine's load); facts are asserted: the missions
// complete, no model call beyond plan + work + review, the bundles within their sizes. The assertions
// are soft, so the table is whole even when one fails. `npm run bench` prints the table and writes
// artifacts/bench/bench.json.

const rows: { metric: string; value: number; unit: string; target: string }[] = []
const record = (metric: string, value: number, unit: string, target: string) =>
  rows.push({ metric, value: Math.round(value * 100) / 100, unit, target })

const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))] ?? 0

afterAll(() => {
  const dir = join(repoRoot, 'artifacts', 'bench')
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, 'bench.json'), JSON.stringify({ at: new Date().toISOString(), rows }, null, 2))
  console.table(rows)
})

const todo = (id: string, dependsOn: string[] = []): PlanTodo => ({
  id,
  title: `Todo ${id}`,
  description: '',
  files: [`${id}.txt`],
  dependsOn,
  acceptance: [],
})

/**
 * The benchmark mission, run in the shared folder and in worktree mode: six todos, f after a and b, a
 * reviewer per todo, every model call at 400 ms. Each worker writes its own file (in worktree mode
 * something to commit and merge; the same writes in the shared folder, for a fair ratio).
 */
const LATENCY = 400
const PLAN = [todo('a'), todo('b'), todo('c'), todo('d'), todo('e'), todo('f', ['a', 'b'])]
/**
 * The bigger mission: 24 todos in two dependency chains of three stages, four todos a stage, each
 * stage after the whole stage before it in its chain, at cap 8: the two chains' stages run together,
 * eight todos at once (⌈24/8⌉ = 3 waves, as many as the chains are deep).
 */
const CHAINS_CAP = 8
const CHAINS_STAGES = 3
const CHAINS: PlanTodo[] = ['x', 'y'].flatMap((chain) =>
  Array.from({ length: CHAINS_STAGES }, (_, stage) =>
    Array.from({ length: 4 }, (_, i) =>
      todo(
        `${chain}${stage}-${i}`,
        stage === 0 ? [] : Array.from({ length: 4 }, (_, j) => `${chain}${stage - 1}-${j}`),
      ),
    ),
  ).flat(),
)
/** The todo of the hop floor's one-step hops: its worker only reports. */
const ONE_STEP = 'hop'
const benchScript = (plan: PlanTodo[] = PLAN) =>
  missionScript({
    latencyMs: LATENCY,
    plan: () => plan,
    work: (id) => ({
      summary: `did ${id}`,
      ...(id !== ONE_STEP && { files: { [`${id}.txt`]: `${id}\n` } }),
    }),
  })
/** Worktree missions after the first on one server, each beside a shared one: pairs taken in turn. */
const NEXT_PAIRS = 3
/**
 * Missions after the first on one server, against the host-aware bound: the hop floors are measured
 * on the server the first mission warmed, so these are the like-for-like comparison (and the common
 * case: VS Code's server and `/task`'s OpenCode serve every mission after the first). The first on a
 * new server also pays OpenCode's first use of each agent and code path, reported beside them.
 */
const NEXT_MISSIONS = 3

/** The project's own files (not the orchestrator's or OpenCode's dot folders), to put it back as it was. */
const projectFiles = (sandbox: Sandbox): Set<string> =>
  new Set(readdirSync(sandbox.projectDir).filter((n) => !n.startsWith('.')))

/**
 * Runs the same mission `NEXT_MISSIONS` times more on the sandbox's server, each from a new journal
 * and from the project as the first found it (`before`: the files the first mission and the hop
 * floors wrote are removed, so the workers write new files again): their makespans, once each
 * completed with exactly `calls` model calls answered.
 */
async function nextMissions(
  sandbox: Sandbox,
  sup: Supervisor,
  before: Set<string>,
  id: string,
  calls: number,
  shape?: { goal: string; cap: number },
): Promise<number[]> {
  const makespans: number[] = []
  for (let i = 0; i < NEXT_MISSIONS; i++) {
    rmSync(join(sandbox.root, 'journal.jsonl'), { force: true })
    for (const n of projectFiles(sandbox))
      if (!before.has(n)) rmSync(join(sandbox.projectDir, n), { recursive: true, force: true })
    const answered = () => sandbox.provider.chatRequests.filter((r) => !r.aborted).length
    const callsBefore = answered()
    const { final, makespan } = await runBenchMission(sandbox, sup, `${id}-next-${i}`, undefined, shape)
    expect.soft(final.phase, `${id}: next mission ${i}`).toBe('completed')
    expect.soft(answered() - callsBefore, `${id}: next mission ${i}, model calls answered`).toBe(calls)
    makespans.push(makespan)
  }
  return makespans
}

/** The rows of missions after the first against their bound: the median (the target) and the spread. */
function recordNext(label: string, makespans: number[], bound: number): void {
  const ratios = makespans.map((m) => m / bound)
  record(
    `${label}: next missions on the server, makespan (median of ${makespans.length})`,
    pct(makespans, 0.5),
    'ms',
    '',
  )
  record(
    `${label}: next missions on the server, makespan / host-aware bound (median of ${makespans.length})`,
    pct(ratios, 0.5),
    '×',
    '≤ 1.15',
  )
  record(`${label}: next missions, lowest / bound`, Math.min(...ratios), '×', '')
  record(`${label}: next missions, highest / bound`, Math.max(...ratios), '×', '')
}

/** Measured by the shared-folder run, for the worktree run's ratio. */
let sharedMakespan: number | undefined
const GIT_ID = ['-c', 'user.name=Bench User', '-c', 'user.email=bench@example.com']

/**
 * Runs the benchmark mission on the sandbox's server: its makespan from run() to its final state.
 * With BENCH_TRACE, prints every session call, event and model request with its time since the start.
 */
async function runBenchMission(
  sandbox: Sandbox,
  sup: Supervisor,
  id: string,
  worktrees?: WorktreePort,
  shape: { goal: string; cap: number } = { goal: 'Six todos', cap: 6 },
): Promise<{
  final: MissionState
  makespan: number
  t0: number
  notifications: string[]
  /** The server's main-thread CPU from run() to the final state (0 where /proc is missing). */
  serverCpu: number
  /** This process's CPU over the same span: the engine, and the scripted provider beside it. */
  hostCpu: number
}> {
  const notifications: string[] = []
  const trace: string[] = []
  let t0 = Date.now()
  const ports = process.env.BENCH_TRACE ? traced(sup, () => t0, trace) : { sessions: sup, events: sup }
  const mission = sandbox.mission(worktrees ? { ...ports, worktrees } : ports, {
    id,
    goal: shape.goal,
    caps: { total: shape.cap },
    check: false,
    ...(worktrees && { isolation: 'worktree' as const }),
  })
  if (process.env.BENCH_TRACE)
    mission.onEntry((e) => {
      const todo = 'todoId' in e ? ` ${String(e.todoId)}` : ''
      trace.push(`${String(Date.now() - t0).padStart(5)} J ${e.type}${todo}`)
    })
  mission.onChange((s) => {
    if (['completed', 'failed', 'stopped'].includes(s.phase) && !notifications.includes(s.phase))
      notifications.push(s.phase)
  })
  const cpu0 = sup.pid === undefined ? 0 : processCpuMs(sup.pid, 'main thread')
  const host0 = process.cpuUsage()
  t0 = Date.now()
  const final = await mission.run()
  const makespan = Date.now() - t0
  const serverCpu = sup.pid === undefined ? 0 : processCpuMs(sup.pid, 'main thread') - cpu0
  const host = process.cpuUsage(host0)
  const hostCpu = (host.user + host.system) / 1000
  if (process.env.BENCH_TRACE) {
    console.log(trace.join('\n'))
    for (const r of sandbox.provider.requests)
      console.log(
        `P ${r.receivedAt % 100000}\t${r.receivedAt - t0}\t${(r.finishedAt ?? 0) - t0}\t${r.kind}:${r.toolResults.length ? 'cont' : 'fresh'}\t${r.lastUserText.split('\n')[0]?.slice(0, 40)}`,
      )
  }
  return { final, makespan, t0, notifications, serverCpu, hostCpu }
}

/**
 * A worktree mission of the benchmark on the sandbox's server, as a host runs one: tidy and load the
 * worktrees, follow their folders, run. Every worktree call timed; when each folder made ahead was
 * readied, for the table.
 */
async function runWorktreeMission(sandbox: Sandbox, sup: Supervisor, id: string) {
  const readied: number[] = []
  const s0 = Date.now()
  const worktrees = await missionWorktrees({
    directory: sandbox.projectDir,
    missionId: id,
    env: sandbox.env,
    logger: sandbox.log,
    readyFolder: (folder) => sup.readyFolder(folder).then(() => void readied.push(Date.now())),
  })
  if (!worktrees) throw new Error('the project is in git: worktrees expected')
  const stop = await sup.follow(() => worktrees.folders())
  const setup = Date.now() - s0
  const git = timedWorktrees(worktrees)
  const run = await runBenchMission(sandbox, sup, id, git.port).finally(stop)
  if (process.env.BENCH_TRACE) {
    for (const at of readied) console.log(`R ${at - run.t0}\tfolder readied`)
    for (const c of git.calls) console.log(`W ${c.at - run.t0}\t${c.ms}\t${c.method} ${c.arg}`)
    const byMethod = new Map<string, { calls: number; ms: number }>()
    for (const c of git.calls) {
      const m = byMethod.get(c.method) ?? { calls: 0, ms: 0 }
      byMethod.set(c.method, { calls: m.calls + 1, ms: m.ms + c.ms })
    }
    console.table(Object.fromEntries(byMethod))
  }
  return { run, git, setup, readied }
}

/**
 * CPU time (user and system) a Linux process has used so far, from /proc: all its threads, or its main
 * thread alone (where OpenCode's server does its work: one JavaScript thread); 0 where there is none.
 */
function processCpuMs(pid: number, which: 'all threads' | 'main thread' = 'all threads'): number {
  try {
    const stat = which === 'main thread' ? `/proc/${pid}/task/${pid}/stat` : `/proc/${pid}/stat`
    const fields = readFileSync(stat, 'utf8').split(') ')[1]?.split(' ') ?? []
    return (Number(fields[11]) + Number(fields[12])) * 10 // clock ticks of 10 ms
  } catch {
    return 0
  }
}

/** The render benchmark's load: host events per second for 4 s after a 1 s warm-up, 6 busy agents, 40 todos. */
const RENDER_LOAD = { rate: 2000, warmupMs: 1000, durationMs: 4000, agents: 6, todos: 40 }
let dashboardP99: { measured: number; withWarmup: number } | undefined

/**
 * What one step costs any client of the server beyond the model's latency: create a session, prompt
 * it, until the model's mission tool call is done (the engine acts on the call, not on the idle).
 * `width` hops start together, as a wave of the mission does; the median hop of each of `rounds`
 * rounds, then their median. On the server the mission ran on, once it is idle. A `write` hop is a
 * worker's turn of the benchmark mission: a write step (a new file) before its report, two latencies.
 */
async function hopFloor(
  port: SessionPort & EventPort,
  latencyMs: number,
  width: number,
  kind: 'report' | 'write' = 'report',
  rounds = 3,
): Promise<number> {
  const steps = kind === 'write' ? 2 : 1
  const hop = async (title: string, todoId: string) => {
    const t0 = Date.now()
    const { id } = await port.create({ title })
    const done = new Promise<void>((resolve) => {
      const off = port.subscribe((e) => {
        if (e.type !== 'part.tool' || e.sessionId !== id || e.tool !== TOOL_REPORT) return
        if (e.status !== 'completed' && e.status !== 'error') return
        off()
        resolve()
      })
    })
    await port.prompt({ sessionId: id, agent: 'worker', text: workBrief(todo(todoId), [], []) })
    await done
    const ms = Date.now() - t0 - steps * latencyMs
    await port.abort(id) // the closing call the engine would cut, before the next round
    return ms
  }
  const medians: number[] = []
  for (let r = 0; r < rounds; r++)
    medians.push(
      pct(
        await Promise.all(
          Array.from({ length: width }, (_, i) =>
            hop(`Bench: ${kind} hop ${r}.${i}`, kind === 'write' ? `hop-${width}-${r}-${i}` : ONE_STEP),
          ),
        ),
        0.5,
      ),
    )
  return pct(medians, 0.5)
}

type Chat = Sandbox['provider']['chatRequests']
interface PerRole {
  calls: number
  /** Means per call: characters in all, tool definitions, and the characters of the system prompt
   * and of the conversation (the brief, and the steps so far). */
  chars: number
  tools: number
  system: number
  conversation: number
}
/** Mean characters and tool definitions per call of each role, told apart by its system prompt. */
function perRole(chat: Chat): Record<string, PerRole> {
  const out: Record<string, PerRole> = {}
  for (const role of ['Planner', 'Worker', 'Reviewer']) {
    const calls = chat.filter((r) => new RegExp(`You are (the|a) ${role} `).test(r.system ?? ''))
    const mean = (f: (r: Chat[number]) => number) =>
      calls.length ? calls.reduce((n, r) => n + f(r), 0) / calls.length : 0
    out[role.toLowerCase()] = {
      calls: calls.length,
      chars: mean((r) => r.chars),
      tools: mean((r) => r.tools.length),
      system: mean((r) => JSON.stringify(r.messages.filter((m) => m.role === 'system')).length),
      conversation: mean((r) => JSON.stringify(r.messages.filter((m) => m.role !== 'system')).length),
    }
  }
  return out
}

describe('benchmarks', () => {
  it('6-todo mission with a reviewer per todo at 400 ms per model call', async () => {
    const sandbox = await Sandbox.create({ script: benchScript() })
    try {
      const sup = await sandbox.supervise()
      const before = projectFiles(sandbox)
      const { final, makespan, t0, notifications, serverCpu, hostCpu } = await runBenchMission(
        sandbox,
        sup,
        'bench',
      )
      sharedMakespan = makespan
      // One model call per step (the engine ends each turn once its mission tool result is in); a
      // worker's turn has two steps, its write and its report. The critical path is
      // plan → a (write, report, review) → f (write, report, review).
      const callsOnCriticalPath = 1 + 2 * (2 + 1)
      const bound = callsOnCriticalPath * LATENCY
      const chat = sandbox.provider.chatRequests
      record('mission status completed', final.phase === 'completed' ? 1 : 0, 'bool', '1')
      expect.soft(final.phase, 'the 6-todo mission').toBe('completed')
      // product.md's 4300 ms is for plan + work + review; the workers' writes add two steps at 400 ms
      // to the critical path.
      record('mission makespan', makespan, 'ms', '≤ 5100 (4300 + 2 write steps)')
      record('mission start → first model call', (chat[0]?.receivedAt ?? t0) - t0, 'ms', '')
      record("OpenCode server's main-thread CPU during the mission", serverCpu, 'ms', '')
      record('engine host CPU during the mission (with the scripted provider)', hostCpu, 'ms', '')
      // A bound of model latency alone is below what any client of the server reaches (product.md).
      record('makespan / model-latency bound', makespan / bound, '×', '')
      const answered = chat.filter((r) => !r.aborted)
      // Plan, then per todo a worker's write and report, and a reviewer's verdict.
      const expectedCalls = 1 + 6 * (2 + 1)
      record(
        'model calls answered',
        answered.length,
        'calls',
        `= ${expectedCalls} (plan+write+report+review)`,
      )
      expect
        .soft(answered.length, 'model calls answered (plan + write + report + review)')
        .toBe(expectedCalls)
      // A turn's call after its mission tool result (the model closing the turn) is cut by the engine.
      const closing = chat.filter((r) =>
        r.toolResults.some((t) => /^(Plan accepted|Report|Verdict)/.test(t)),
      ).length
      record('closing calls that reached the provider', closing, 'calls', '0')
      expect.soft(closing, 'closing calls that reached the provider').toBe(0)
      record(
        'engine-counted model calls = provider-answered',
        final.modelCalls === answered.length ? 1 : 0,
        'bool',
        '1',
      )
      expect.soft(final.modelCalls, 'engine-counted model calls').toBe(answered.length)
      const titles = sandbox.provider.requests.filter((r) => r.kind === 'title').length
      record('title-generation calls', titles, 'calls', '0')
      expect.soft(titles, 'title-generation calls').toBe(0)
      // The write steps send each worker's context a second time: six calls more than plan + work + review.
      const chars = chat.reduce((n, r) => n + r.chars, 0)
      record('characters sent to the model', chars, 'chars', '≤ 420000')
      expect.soft(chars, 'characters sent to the model').toBeLessThanOrEqual(420_000)
      // Per call, by role (each role is offered only the tools its work needs): see the lean test.
      for (const [role, per] of Object.entries(perRole(chat))) {
        record(`characters per call, ${role}`, per.chars, 'chars', '')
        record(`tool definitions per call, ${role}`, per.tools, 'tools', '')
      }
      record('mission notifications', notifications.length, 'toasts', '≤ 3')
      record('max model calls in flight', sandbox.provider.maxInFlight, 'calls', '≤ 6 (cap)')
      expect.soft(sandbox.provider.maxInFlight, 'max model calls in flight').toBeLessThanOrEqual(6)
      // The host-aware bound: the critical path's steps at the model's latency plus OpenCode's own
      // floor per hop at that step's width: the plan, f's work and f's review run alone; a's work and
      // review run in waves of five (⌈6/6⌉ = 1 wave of each). A worker's hop has its write step too.
      const alone = await hopFloor(sup, LATENCY, 1)
      const inWave = await hopFloor(sup, LATENCY, 5)
      const writeAlone = await hopFloor(sup, LATENCY, 1, 'write')
      const writeInWave = await hopFloor(sup, LATENCY, 5, 'write')
      record(
        'OpenCode per-hop floor, one session (create → prompt → tool done, less latency)',
        alone,
        'ms',
        '',
      )
      record('OpenCode per-hop floor, five at once', inWave, 'ms', '')
      record('OpenCode per-hop floor with a write step, one session (less 2 latencies)', writeAlone, 'ms', '')
      record('OpenCode per-hop floor with a write step, five at once', writeInWave, 'ms', '')
      const hostAware = callsOnCriticalPath * LATENCY + 2 * alone + inWave + writeAlone + writeInWave
      record('host-aware bound', hostAware, 'ms', '')
      record('makespan / host-aware bound, first mission on a new server', makespan / hostAware, '×', '')
      recordNext('6 todos', await nextMissions(sandbox, sup, before, 'bench', expectedCalls), hostAware)
    } finally {
      await sandbox.dispose()
    }
  }, 360_000) // the mission, four hop floors and three next missions: over three minutes when loaded

  it('lean requests: characters and tool definitions per call by role, every tool offered (before) and lean (after)', async () => {
    // The same mission twice on one machine in one run: first with the tools the roles are no longer
    // offered (the plugin option offerTools), as before the lean toolsets, then as shipped.
    const runs: Record<string, ReturnType<typeof perRole>> = {}
    for (const [name, pluginOptions] of [
      ['before', { offerTools: ['skill', 'todowrite', 'webfetch'] }],
      ['after', {}],
    ] as const) {
      const sandbox = await Sandbox.create({ script: benchScript(), pluginOptions })
      try {
        const sup = await sandbox.supervise()
        const { final } = await runBenchMission(sandbox, sup, `lean-${name}`)
        expect.soft(final.phase, `the ${name} mission`).toBe('completed')
        runs[name] = perRole(sandbox.provider.chatRequests)
      } finally {
        await sandbox.dispose()
      }
    }
    for (const role of ['planner', 'worker', 'reviewer']) {
      const before = runs.before?.[role]
      const after = runs.after?.[role]
      if (!before || !after) continue
      expect.soft(after.calls, `${role} calls`).toBeGreaterThan(0)
      record(`lean: ${role} characters per call, every tool offered`, before.chars, 'chars', '')
      record(`lean: ${role} characters per call, lean`, after.chars, 'chars', '')
      record(`lean: ${role} tool definitions per call, every tool offered`, before.tools, 'tools', '')
      record(`lean: ${role} tool definitions per call, lean`, after.tools, 'tools', '')
      // Where a lean call's characters go: the rest is the tools' definitions (and the JSON around).
      record(`lean: ${role} system prompt per call`, after.system, 'chars', '')
      record(`lean: ${role} conversation per call (brief and steps)`, after.conversation, 'chars', '')
      record(
        `lean: ${role} tool definitions' characters per call (the rest)`,
        after.chars - after.system - after.conversation,
        'chars',
        '',
      )
      record(`lean: ${role} characters per call, after / before`, after.chars / before.chars, '×', '< 1')
    }
  }, 120_000)

  it('24 todos in two chains at cap 8: makespan against its host-aware bound', async () => {
    const sandbox = await Sandbox.create({ script: benchScript(CHAINS) })
    try {
      const sup = await sandbox.supervise()
      const before = projectFiles(sandbox)
      const shape = { goal: 'Twenty-four todos', cap: CHAINS_CAP }
      const { final, makespan, serverCpu, hostCpu } = await runBenchMission(
        sandbox,
        sup,
        'bench-24',
        undefined,
        shape,
      )
      expect.soft(final.phase, 'the 24-todo mission').toBe('completed')
      record(
        '24 todos, two chains, cap 8: status completed',
        final.phase === 'completed' ? 1 : 0,
        'bool',
        '1',
      )
      record('24 todos, two chains, cap 8: makespan', makespan, 'ms', '')
      record("24 todos: OpenCode server's main-thread CPU during the mission", serverCpu, 'ms', '')
      record('24 todos: engine host CPU during the mission (with the scripted provider)', hostCpu, 'ms', '')
      const answered = sandbox.provider.chatRequests.filter((r) => !r.aborted).length
      const expectedCalls = 1 + CHAINS.length * (2 + 1)
      record(
        '24 todos: model calls answered',
        answered,
        'calls',
        `= ${expectedCalls} (plan+write+report+review)`,
      )
      expect.soft(answered, '24 todos: model calls answered').toBe(expectedCalls)
      // The critical path: the plan, then per stage a worker's hop (write and report) and a review,
      // each stage's eight todos at once (⌈24/8⌉ = 3 waves, as deep as the chains): model latency per
      // step plus OpenCode's own floor per hop at the width it runs at, measured on this server now.
      const stages = CHAINS_STAGES
      const callsOnCriticalPath = 1 + stages * (2 + 1)
      const alone = await hopFloor(sup, LATENCY, 1)
      const inWave = await hopFloor(sup, LATENCY, CHAINS_CAP)
      const writeInWave = await hopFloor(sup, LATENCY, CHAINS_CAP, 'write')
      record('OpenCode per-hop floor, eight at once', inWave, 'ms', '')
      record('OpenCode per-hop floor with a write step, eight at once', writeInWave, 'ms', '')
      const hostAware = callsOnCriticalPath * LATENCY + alone + stages * (writeInWave + inWave)
      record('24 todos: host-aware bound', hostAware, 'ms', '')
      record(
        '24 todos: makespan / host-aware bound, first mission on a new server',
        makespan / hostAware,
        '×',
        '',
      )
      recordNext(
        '24 todos',
        await nextMissions(sandbox, sup, before, 'bench-24', expectedCalls, shape),
        hostAware,
      )
    } finally {
      await sandbox.dispose()
    }
  }, 300_000)

  it('the same mission in worktree mode: a worktree and a branch per todo, merged into one', async () => {
    const sandbox = await Sandbox.create({ script: benchScript() })
    try {
      // The project as a user has it: a repository with a commit (the sandbox's has none yet).
      const dir = sandbox.projectDir
      execFileSync('git', ['add', '-A'], { cwd: dir })
      execFileSync('git', [...GIT_ID, 'commit', '-q', '-m', 'start'], { cwd: dir })
      const sup = await sandbox.supervise()
      // Each mission starts from the project as committed: what the last one applied is undone.
      const anew = () => {
        execFileSync('git', ['reset', '-q', '--hard'], { cwd: dir })
        execFileSync('git', ['clean', '-q', '-f', '-d'], { cwd: dir })
        rmSync(join(sandbox.root, 'journal.jsonl'), { force: true })
      }
      // The first worktree mission on a new server: each of its folders is new to OpenCode.
      const first = await runWorktreeMission(sandbox, sup, 'bench-wt')
      // The next ones on the same server: their folders take the same paths, whose instances OpenCode
      // kept (as for the missions after the first in a VS Code window, or /task in one OpenCode).
      // Each beside the same mission shared, on this server, taken in turn: the median of the pairs'
      // ratios, since one pair's ratio moves with the server's per-hop cost from run to run.
      const nexts: Awaited<ReturnType<typeof runWorktreeMission>>[] = []
      const pairs: { worktree: number; shared: number }[] = []
      for (let i = 0; i < NEXT_PAIRS; i++) {
        anew()
        const next = await runWorktreeMission(sandbox, sup, `bench-wt-${i}`)
        anew()
        const shared = await runBenchMission(sandbox, sup, `bench-shared-${i}`)
        expect.soft(shared.final.phase, 'the shared mission beside it').toBe('completed')
        nexts.push(next)
        pairs.push({ worktree: next.run.makespan, shared: shared.makespan })
      }
      const ratios = pairs.map((p) => p.worktree / p.shared)
      const median = ratios.indexOf(pct(ratios, 0.5))
      const mid = pairs[median] ?? { worktree: 0, shared: 1 }
      const next = nexts[median] ?? expect.fail('no next mission')
      if (process.env.BENCH_TRACE) console.log(`next missions, worktree / shared: ${JSON.stringify(pairs)}`)
      const { run, git, setup, readied } = first
      for (const [which, { run: r }] of [
        ['the first', first],
        ...nexts.map((n) => ['a next', n] as const),
      ] as const) {
        expect.soft(r.final.phase, `${which} 6-todo mission in worktree mode`).toBe('completed')
        const merges = r.final.todos.map((t) => [t.id, t.merge?.result])
        expect.soft(merges, `every todo's merge, ${which} mission`).toEqual(PLAN.map((t) => [t.id, 'merged']))
        expect.soft(r.final.isolation?.closed?.applied, `applied, ${which} mission`).toHaveLength(PLAN.length)
      }
      const { final, makespan, serverCpu } = run
      record('mission status completed, worktree mode', final.phase === 'completed' ? 1 : 0, 'bool', '1')
      record('mission makespan, worktree mode, the first on a new server', makespan, 'ms', '')
      if (sharedMakespan !== undefined)
        // The first pays OpenCode's boot of an instance per new folder (below); the next ones do not.
        record(
          'worktree makespan / shared makespan, the first mission on a new server',
          makespan / sharedMakespan,
          '×',
          '',
        )
      record(
        `mission makespan, worktree mode, the next on that server (median of ${NEXT_PAIRS})`,
        mid.worktree,
        'ms',
        '',
      )
      record('mission makespan, shared, beside it on that server', mid.shared, 'ms', '')
      record(
        `worktree makespan / shared makespan, the next missions (median of ${NEXT_PAIRS} pairs)`,
        pct(ratios, 0.5),
        '×',
        '≤ 1.15',
      )
      record(
        'worktree makespan / shared makespan, the next missions, highest pair',
        Math.max(...ratios),
        '×',
        '',
      )
      // OpenCode serves every folder on one JavaScript thread: the mission cannot end before that
      // thread did its work, whatever the engine does.
      record(
        "OpenCode server's main-thread CPU during the mission, worktree mode, the first",
        serverCpu,
        'ms',
        '',
      )
      record(
        "OpenCode server's main-thread CPU during the mission, worktree mode, the next",
        next.run.serverCpu,
        'ms',
        '',
      )
      if (sharedMakespan !== undefined)
        record(
          "the first worktree mission: the server's main-thread CPU / shared makespan (a floor on one server)",
          serverCpu / sharedMakespan,
          '×',
          '',
        )
      const merged = final.todos.filter((t) => t.merge?.result === 'merged').length
      record('todos merged, worktree mode', merged, 'todos', `= ${PLAN.length}`)
      record('git time per todo, worktree mode', git.total() / PLAN.length, 'ms', '')
      record('git time per todo, worktree mode, the next mission', next.git.total() / PLAN.length, 'ms', '')
      record('worktree setup before the mission (tidy, load, follow)', setup, 'ms', '')
      // The todos' folders are made ahead and readied while the planner plans; a planner slower than
      // this (real ones take seconds) hides them whole.
      record('todo folders made ahead and readied, worktree mode', readied.length, 'folders', '')
      record('last folder readied, from the mission start', Math.max(0, ...readied) - run.t0, 'ms', '')
      // What OpenCode spends on a folder it has not seen (an instance boots per folder, and its first
      // prompt sets up more): the server's own CPU, one thread, paid once per folder.
      // A todo folder as the product makes it (links, the user's .opencode install), new to the server.
      const base = await captureGitBase(dir, sandbox.env)
      if (base.kind !== 'git') throw new Error(base.reason)
      const another = new GitWorktrees({
        repoDir: dir,
        root: join(sandbox.root, 'fresh'),
        missionId: 'fresh',
        env: sandbox.env,
      })
      await another.prepare(base.ref)
      const fresh = (await another.open('fresh')).dir
      const pid = sup.pid
      const cpu0 = pid === undefined ? 0 : processCpuMs(pid)
      const main0 = pid === undefined ? 0 : processCpuMs(pid, 'main thread')
      await sup.readyFolder(fresh)
      if (pid !== undefined) {
        record('OpenCode server CPU to ready one new folder', processCpuMs(pid) - cpu0, 'ms', '')
        record(
          "OpenCode server's main-thread CPU to ready one new folder",
          processCpuMs(pid, 'main thread') - main0,
          'ms',
          '',
        )
      }
      await another.close()
    } finally {
      await sandbox.dispose()
    }
  }, 120_000)

  it('/task inside OpenCode beside the CLI: the same mission on the same server, with the same options', async () => {
    const sandbox = await Sandbox.create({ script: benchScript() })
    try {
      const conn = await sandbox.start()
      const password = conn.process?.password
      const chat = () => sandbox.provider.chatRequests
      const between = (from: number, to: number) =>
        chat().filter((r) => r.receivedAt >= from && r.receivedAt <= to && !r.aborted)
      // The CLI attached to this server, with the options /task runs with: the shared folder, the
      // default caps and check (none in this project).
      const cliFrom = Date.now()
      const cli = await runCli(
        [
          'run',
          '--server-url',
          conn.url,
          ...(password ? ['--password', password] : []),
          '--dir',
          sandbox.projectDir,
          '--goal',
          'Six todos',
          '--isolation',
          'shared',
          '--json',
        ],
        { ...process.env, ...sandbox.env },
        120_000,
      )
      const cliTo = Date.now()
      const report = cli.stdout.trim().split('\n').at(-1) ?? ''
      if (!report.startsWith('{'))
        throw new Error(`the CLI printed no report (exit ${cli.code}): ${cli.stderr.slice(-1500)}`)
      const cliStatus = JSON.parse(report) as { status?: string }
      expect.soft(cliStatus.status, `the CLI's mission: ${cli.stderr.slice(-400)}`).toBe('completed')
      // /task in a user's session: from the request to the note that ends the mission.
      const { client } = conn
      const session = (await client.session.create({ title: 'Bench' })).data!
      const taskFrom = Date.now()
      await client.session.command({ sessionID: session.id, command: 'task', arguments: 'Six todos' })
      let end: string | undefined
      while (!end && Date.now() - taskFrom < 120_000) {
        const msgs = (await client.session.messages({ sessionID: session.id })).data ?? []
        end = msgs
          .flatMap((m) => m.parts)
          .flatMap((p) => (p.type === 'text' && p.ignored ? [p.text] : []))
          .find((t) => /^Orchestrator: mission (completed|failed|stopped)/.test(t))
        if (!end) await new Promise((r) => setTimeout(r, 25))
      }
      const taskTo = Date.now()
      record(
        '/task mission completed',
        end?.startsWith('Orchestrator: mission completed') ? 1 : 0,
        'bool',
        '1',
      )
      const said = async () =>
        ((await client.session.messages({ sessionID: session.id })).data ?? [])
          .flatMap((m) => m.parts)
          .flatMap((p) => (p.type === 'text' && p.ignored ? [p.text] : []))
          .join(' | ')
      expect
        .soft(end ?? '', `the /task mission: ${end ? '' : await said()}`)
        .toMatch(/^Orchestrator: mission completed/)
      const cliCalls = between(cliFrom, cliTo)
      const taskCalls = between(taskFrom, taskTo)
      record('CLI (attached, same options): start → exit', cliTo - cliFrom, 'ms', '')
      record('/task: request → final note', taskTo - taskFrom, 'ms', '')
      record('/task / CLI time', (taskTo - taskFrom) / (cliTo - cliFrom), '×', '≤ 1.1')
      record('CLI model calls', cliCalls.length, 'calls', '')
      record('/task model calls', taskCalls.length, 'calls', '= CLI + 1 (the command)')
      expect.soft(taskCalls.length, '/task model calls').toBe(cliCalls.length + 1)
      const chars = (rs: typeof cliCalls) => rs.reduce((n, r) => n + r.chars, 0)
      record('CLI characters sent', chars(cliCalls), 'chars', '')
      record('/task characters sent', chars(taskCalls), 'chars', '')
      record(
        "/task: the command's own call, characters",
        chars(taskCalls) - chars(cliCalls),
        'chars',
        '≤ 1000 (no tools, a four-line prompt)',
      )
    } finally {
      await sandbox.dispose()
    }
  }, 300_000)

  it('server start and first prompt', async () => {
    const sandbox = await Sandbox.create({ script: () => ({ text: 'ready' }) })
    try {
      const t0 = Date.now()
      const conn = await sandbox.start()
      const started = Date.now()
      const { id } = await conn.sessions.create({ title: 'Bench: first prompt' })
      const idle = new Promise<void>((resolve) =>
        conn.events.subscribe((e) => e.type === 'session.idle' && e.sessionId === id && resolve()),
      )
      await conn.sessions.prompt({ sessionId: id, agent: 'planner', text: 'Say ready' })
      await idle
      record('server start (spawn → healthy, instance warm)', started - t0, 'ms', '')
      record('first prompt round trip (scripted model, 0 ms latency)', Date.now() - started, 'ms', '')
    } finally {
      await sandbox.dispose()
    }
  }, 120_000)

  it('scheduler dispatch decision at 1000 todos', () => {
    const todos: SchedulerTodo[] = Array.from({ length: 1000 }, (_, i) => ({
      id: `t${i}`,
      files: [`f${i % 400}.ts`],
      dependsOn: i > 10 && i % 3 === 0 ? [`t${i - 7}`] : [],
      status: i % 5 === 0 ? 'passed' : i % 7 === 0 ? 'running' : 'pending',
    }))
    const sessions = Array.from({ length: 16 }, (_, i) => ({
      sessionId: `s${i}`,
      role: 'worker' as const,
      busy: i % 2 === 0,
      todosDone: i % 3,
      lastFiles: [`f${i}.ts`],
    }))
    const times: number[] = []
    for (let i = 0; i < 500; i++) {
      const t = performance.now()
      schedule({ todos, sessions, caps: { total: 16 }, maxTodosPerSession: 3 })
      times.push(performance.now() - t)
    }
    record('dispatch decision p50 (1000 todos)', pct(times, 0.5), 'ms', '')
    record('dispatch decision p99 (1000 todos)', pct(times, 0.99), 'ms', '< 5')
  })

  it('engine event handling and heap after a 1000-todo mission', async () => {
    // A small mission first, unrecorded: the JIT warms up on it rather than on the 100-todo one. The
    // 100-todo mission takes a tenth of a second, so one run of it is noise: the median of three.
    await fakeMissionRun(20)
    const smallTimes: number[] = []
    let smallsCompleted = true
    for (let i = 0; i < 3; i++) {
      const t = Date.now()
      const { completed } = await fakeMissionRun(100)
      smallTimes.push(Date.now() - t)
      smallsCompleted &&= completed
    }
    const elapsed100 = pct(smallTimes, 0.5)
    const gc = (globalThis as { gc?: () => void }).gc
    gc?.()
    const heapBefore = process.memoryUsage().heapUsed
    // Everything the mission touched is created inside fakeMissionRun and dropped when it returns.
    const t0 = Date.now()
    const { completed, perEvent, events } = await fakeMissionRun(1000)
    const elapsed = Date.now() - t0
    gc?.()
    await flush()
    gc?.()
    record('1000-todo mission (fakes) completed', completed ? 1 : 0, 'bool', '1')
    expect.soft(smallsCompleted, 'the 100-todo missions completed').toBe(true)
    expect.soft(completed, 'the 1000-todo mission completed').toBe(true)
    record('100-todo mission (fakes) duration', elapsed100, 'ms', '')
    record('1000-todo mission (fakes) duration', elapsed, 'ms', '< 30000')
    // Linear would be 10: the journal, its replay and the publish cost what an entry changes.
    record('ratio 1000/100 todos', elapsed / Math.max(1, elapsed100), '×', '≤ 12')
    record('engine handling per host event p99', pct(perEvent, 0.99), 'ms', '< 50 (incl. render)')
    record('host events handled', events, 'events', '')
    record(
      'heap after mission / before',
      process.memoryUsage().heapUsed / heapBefore,
      '×',
      '≈ 1 (back to baseline)',
    )
    // CPU-bound: seconds; the bound only keeps a hang from lasting.
  }, 300_000)

  it('event → rendered dashboard at 2000 events/s (real webview bundle in Chromium)', async () => {
    const RATE = RENDER_LOAD.rate
    // Browser, engine and Playwright share the machine: its load explains most of the run-to-run spread.
    const load = loadavg()[0] ?? 0
    const r = await benchRender(RENDER_LOAD)
    // The rendering must be real: every snapshot shown as sent, and the last event on screen.
    expect(r.finalMarkerShown).toBe(true)
    expect(r.deliveries.filter((d) => !d.shown).map((d) => d.k)).toEqual([])
    expect(r.pageErrors).toEqual([])
    expect(r.cspViolations).toEqual([])
    expect(r.offOrigin).toEqual([])
    expect(r.webviewPosted).toEqual([{ type: 'ready', protocol: PROTOCOL_VERSION }])
    // The view paced the host: it acknowledged what it drew.
    expect(r.acks).toBeGreaterThan(0)
    // The numbers hold with the timeline and the meters on screen, not beside them.
    expect(r.onScreen.inViewport).toBe(true)
    expect(r.onScreen.leftView, 'times the meters or the timeline left the viewport').toBe(0)
    expect(r.onScreen.lanes).toBeGreaterThanOrEqual(6)
    expect(r.onScreen.spans).toBeGreaterThan(r.onScreen.lanes)
    expect(r.onScreen.meters).toBeGreaterThanOrEqual(3)
    expect(r.onScreen.contextMeters).toBeGreaterThanOrEqual(6)
    const first = r.deliveries[0]
    if (first) record('render: first snapshot → painted (cold open)', first.painted - first.posted, 'ms', '')
    const sent = r.deliveries.slice(1) // the first one answers `ready`
    // The figures are the load's after its first second, in which the page's code is compiled as its
    // first messages come (the in-page figure with it is reported too).
    const d = sent.filter((x) => !x.warmup)
    const waits = d.flatMap((x) => x.events.map((t) => x.posted - t))
    const transport = d.map((x) => x.received - x.posted)
    const cdp = d.map((x) => x.arrived - x.posted)
    const queued = d.map((x) => x.received - x.arrived)
    const inPage = d.map((x) => x.painted - x.received)
    const apply = d.map((x) => x.applied - x.received)
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length)
    const perSecond = (n: number) => (n * 1000) / r.elapsedMs
    record('render: host events sent (6 busy agents, 40 todos)', r.eventsSent, 'events', '')
    record('render: host event rate', perSecond(r.eventsSent), 'events/s', `${RATE}`)
    record('render: messages posted per second', perSecond(sent.length), 'msgs/s', '≤ 62.5 (16 ms frame)')
    record('render: acknowledgements from the view per second', perSecond(r.acks), 'acks/s', '')
    record('render: agent rows on screen at the end', r.agentRows, 'rows', '')
    record('render: timeline lanes on screen at the end', r.onScreen.lanes, 'lanes', '')
    record('render: timeline spans on screen at the end', r.onScreen.spans, 'spans', '')
    record('render: meters on screen at the end (budgets + context)', r.onScreen.meters, 'meters', '')
    record('render: host events per snapshot', r.eventsSent / Math.max(1, sent.length), 'events', '')
    record('render: messages measured (after the warm-up)', d.length, 'msgs', '')
    // Node emit → the first frame after the DOM showed it (page clock aligned by round trips);
    // page.evaluate over CDP stands in for VS Code's webview postMessage.
    record('event → rendered dashboard p50', pct(r.latencies, 0.5), 'ms', '')
    dashboardP99 = { measured: pct(r.latencies, 0.99), withWarmup: pct(r.latenciesWithWarmup, 0.99) }
    // The end-to-end figure is information; the targets are the in-page cost and the cost above the floor.
    record('event → rendered dashboard p99', dashboardP99.measured, 'ms', '')
    record('event → rendered dashboard p99, the warm-up included', dashboardP99.withWarmup, 'ms', '')
    record('event → rendered dashboard p99 (timeline + meters on screen)', pct(r.latencies, 0.99), 'ms', '')
    // Coalescing (≤ 16 ms) and, while the view has not drawn the last message, holding for its ack.
    record('render: host wait p99 (emit → post)', pct(waits, 0.99), 'ms', '')
    record('render: transport p99 (post → message event, CDP)', pct(transport, 0.99), 'ms', '')
    record('render: transport, CDP part p99 (post → evaluate runs in page)', pct(cdp, 0.99), 'ms', '')
    record('render: transport, page queue p99 (evaluate → message event)', pct(queued, 0.99), 'ms', '')
    record('render: in page p99 (message event → painted frame)', pct(inPage, 0.99), 'ms', '≤ 20')
    record(
      'render: in page p99, the warm-up included',
      pct(
        sent.map((x) => x.painted - x.received),
        0.99,
      ),
      'ms',
      '',
    )
    // The in-page time in its three parts: the message handled and the DOM updated, the wait for the
    // next frame (set by the display's clock, not by the page), and the frame itself up to its paint.
    record('render: in page p50', pct(inPage, 0.5), 'ms', '')
    record('render: in page, apply + DOM update p99', pct(apply, 0.99), 'ms', '')
    record(
      'render: in page, wait for the frame p99',
      pct(
        d.map((x) => x.frame - x.applied),
        0.99,
      ),
      'ms',
      '',
    )
    record(
      'render: in page, frame → painted p99',
      pct(
        d.map((x) => x.painted - x.frame),
        0.99,
      ),
      'ms',
      '',
    )
    record(
      'render: snapshot apply + DOM update max (in page, the warm-up included)',
      Math.max(...sent.map((x) => x.applied - x.received)),
      'ms',
      '',
    )
    record('render: view frame cost at rest p50', pct(r.idleFrameMs, 0.5), 'ms', '')
    record('render: host CPU per event mean (engine + coalescer)', mean(r.eventMs), 'ms', '')
    record('render: host CPU per snapshot p99 (build + post)', pct(r.postMs, 0.99), 'ms', '')
    record(
      'render: largest message after the first snapshot (deltas)',
      Math.max(...sent.map((x) => x.bytes)) / 1024,
      'KB',
      '',
    )
    record('render: clock alignment uncertainty (±)', r.clockUncertaintyMs, 'ms', '')
    record(`render: machine load before (1 min avg, ${availableParallelism()} cores)`, load, 'load', '')
  }, 60_000)

  it('render floor: the same load and transport to a page that only acknowledges', async () => {
    // What any page costs on this machine, the dashboard's own cost being what lies above it: host
    // coalescing, the CDP hop and the wait for the page's next frame, nothing drawn after the first snapshot.
    const r = await benchRender({ ...RENDER_LOAD, view: 'acks-only' })
    expect(r.pageErrors).toEqual([])
    expect(r.acks).toBeGreaterThan(0)
    const floor = pct(r.latencies, 0.99)
    record(
      'render floor: event → acknowledged frame p50 (page draws nothing)',
      pct(r.latencies, 0.5),
      'ms',
      '',
    )
    record('render floor: event → acknowledged frame p99 (page draws nothing)', floor, 'ms', '')
    // Paced by acknowledgements, a message arrives just after the frame before it is painted: it waits
    // for the next frame whatever the page does, so the in-page time of a page drawing nothing is
    // about one frame interval.
    const floorInPage = r.deliveries.filter((x) => !x.warmup).map((x) => x.painted - x.received)
    record(
      'render floor: in page p99 (message → painted frame, page draws nothing)',
      pct(floorInPage, 0.99),
      'ms',
      '',
    )
    if (dashboardP99 !== undefined) {
      record('render: dashboard p99 above the floor', dashboardP99.measured - floor, 'ms', '≤ 16')
      record(
        'render: dashboard p99 above the floor, the warm-up included',
        dashboardP99.withWarmup - pct(r.latenciesWithWarmup, 0.99),
        'ms',
        '',
      )
    }
  }, 60_000)

  it('bundle sizes', () => {
    const dist = join(repoRoot, 'dist')
    const extension = statSync(join(dist, 'extension.js')).size / 1024
    const webview = gzipSync(readFileSync(join(dist, 'webview.js'))).length / 1024
    record('extension bundle', extension, 'KB', '< 400')
    record('webview bundle min+gz', webview, 'KB', '< 60')
    record('plugin bundle', statSync(join(dist, 'plugin.js')).size / 1024, 'KB', '')
    expect.soft(extension, 'extension bundle, KB').toBeLessThan(400)
    expect.soft(webview, 'webview bundle min+gz, KB').toBeLessThan(60)
  })

  it('package sizes (what users download)', async () => {
    const [vsix, tarball] = await Promise.all([packVsix(), packNpm()])
    record('.vsix package', vsix.size / 1024, 'KB', '< 1024')
    record('CLI npm tarball', tarball.size / 1024, 'KB', '< 1024')
    expect.soft(vsix.size / 1024, '.vsix package, KB').toBeLessThan(1024)
    expect.soft(tarball.size / 1024, 'CLI npm tarball, KB').toBeLessThan(1024)
  }, 60_000)
})

/** A mission of `n` independent todos on fakes, each worked and reviewed by agents that answer at once. */
async function fakeMissionRun(
  n: number,
): Promise<{ completed: boolean; perEvent: number[]; events: number }> {
  const { oc, mission } = fakeMission({
    goal: `${n} todos`,
    caps: { total: 8 },
    maxTodosPerSession: n,
  })
  const done = mission.run()
  await flush()
  oc.turn(mission.state.agents[0]?.sessionId ?? '', 'orchestrator_plan', {
    todos: Array.from({ length: n }, (_, i) => todo(`t${i}`)),
  })
  const perEvent: number[] = []
  let events = 0
  // Each session's latest brief, read once per prompt: the driver must not grow with the square of
  // the todos, or the ratio measures it rather than the engine.
  const briefs = new Map<string, string>()
  let read = 0
  for (let round = 0; round < 3 * n && mission.state.phase !== 'completed'; round++) {
    await flush()
    for (; read < oc.prompts.length; read++) {
      const p = oc.prompts[read]
      if (p) briefs.set(p.sessionId, p.text)
    }
    for (const a of mission.state.agents.filter((x) => x.status === 'busy')) {
      const brief = briefs.get(a.sessionId) ?? ''
      const id = /todoId:? "?([\w-]+)"?/.exec(brief)?.[1] ?? ''
      const t = performance.now()
      if (a.role === 'worker')
        oc.turn(a.sessionId, 'orchestrator_report', {
          todoId: id,
          status: 'done',
          summary: 'ok',
          filesChanged: [],
        })
      else oc.turn(a.sessionId, 'orchestrator_verdict', { todoId: id, verdict: 'pass', findings: [] })
      perEvent.push((performance.now() - t) / 5) // a turn is five host events
      events += 5
    }
  }
  const final = await done
  mission.dispose()
  return { completed: final.phase === 'completed', perEvent, events }
}
