import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, expect, it } from 'vitest'
import { repoRoot, Sandbox } from '../../support/sandbox'
import { GOAL, LATENCY_MS, ourScript, PLAN } from './bench-mission'
import { installOriginal, ORIGINAL, type InstalledOriginal } from './install-original'
import { originalScript } from './original-script'
import { runTask, type TaskRun } from './task-run'

// `npm run bench:seed`: the original plugin (npm `opencode-orchestrator@1.7.22`, installed from the
// registry into a sandbox) and ours (dist/plugin.js), each driven through its own `/task` on the
// benchmark mission, one after the other, on servers of the same OpenCode binary with the same config
// but for the plugin entry. Prints both rows and their ratios; writes artifacts/bench/seed.json.
// What the comparison can and cannot say: docs/bench-seed.md.

const TIMEOUT_MS = 180_000
const SETTLE_MS = 3_000
/** Both servers keep OpenCode's per-step snapshots (default: off on both, as the product's servers). */
const snapshots = process.env.BENCH_SEED_SNAPSHOTS === '1'
/**
 * The original's server with this default agent (its installer sets none, so the turns its notices
 * start run as OpenCode's `build`; `Commander` makes them the Commander's).
 */
const defaultAgent = process.env.BENCH_SEED_DEFAULT_AGENT
/**
 * Agents ours runs at once (its plugin option `maxConcurrency`): by default the original's own cap
 * (10 per agent), so both run the mission's independent todos at once; `3` is `/task`'s default.
 */
const ourConcurrency = Number(process.env.BENCH_SEED_CONCURRENCY ?? 10)

let installed: InstalledOriginal | undefined
const sandboxes: Sandbox[] = []
afterAll(async () => {
  await Promise.allSettled(sandboxes.map((s) => s.dispose()))
  installed?.dispose()
})

/** Ends a sandbox's server and provider now (afterAll ends the ones a failure left). */
async function release(sandbox: Sandbox) {
  sandboxes.splice(sandboxes.indexOf(sandbox), 1)
  await sandbox.dispose()
}

it('the original /task and ours on the benchmark mission, side by side', async () => {
  if (!existsSync(join(repoRoot, 'dist', 'plugin.js')))
    throw new Error('dist/plugin.js is missing: run `node esbuild.mjs --production` first')
  installed = await installOriginal()

  // The original: its plugin entry instead of ours, the Commander selected as its /task expects.
  const oScript = originalScript(PLAN, LATENCY_MS)
  const orig = await Sandbox.create({
    script: oScript,
    plugin: false,
    config: {
      snapshot: snapshots,
      plugin: [pathToFileURL(installed.entry).href],
      ...(defaultAgent && { default_agent: defaultAgent }),
    },
  })
  sandboxes.push(orig)
  const oConn = await orig.start()
  await expectLoaded(oConn.client, 'Commander')
  const original = await runTask({
    client: oConn.client,
    provider: orig.provider,
    goal: GOAL,
    agent: 'Commander',
    ended: (s) => s.toast?.title.includes('Mission Complete') === true,
    timeoutMs: TIMEOUT_MS,
    settleMs: SETTLE_MS,
  })
  const version = /connected to OpenCode (\S+)/.exec(orig.log.lines.join('\n'))?.[1] ?? 'unknown'
  await release(orig)

  // Ours: the product's server config (our plugin entry, snapshots as chosen above for both).
  const mScript = ourScript()
  const ours = await Sandbox.create({
    script: mScript,
    config: { snapshot: snapshots },
    pluginOptions: { maxConcurrency: ourConcurrency },
  })
  sandboxes.push(ours)
  const uConn = await ours.start()
  const mine = await runTask({
    client: uConn.client,
    provider: ours.provider,
    goal: GOAL,
    ended: (s) => /^Orchestrator: mission (completed|failed|stopped)/.test(s.text ?? ''),
    timeoutMs: TIMEOUT_MS,
    settleMs: SETTLE_MS,
  })
  const ourVersion = /connected to OpenCode (\S+)/.exec(ours.log.lines.join('\n'))?.[1] ?? 'unknown'
  await release(ours)

  const rows = compare(original, mine)
  const script = {
    original: {
      commanderTurns: oScript.stats.commanderTurns,
      commanderAgents: oScript.stats.commanderAgents,
      turnStarts: oScript.stats.turnStarts,
      turnStartMs: oScript.stats.turnTimes.map((t) => t - original.startedAt),
      calls: oScript.stats.calls,
      chars: oScript.stats.chars,
      delegations: oScript.stats.delegations,
      resultReads: oScript.stats.resultReads,
      todoFileWrites: oScript.stats.todoWrites,
    },
    ours: { calls: mScript.stats.calls },
  }
  const report = {
    at: new Date().toISOString(),
    opencode: { original: version, ours: ourVersion },
    original: {
      package: `${ORIGINAL.name}@${installed.version}`,
      installMs: installed.installMs,
      defaultAgent: defaultAgent ?? null,
    },
    mission: {
      goal: GOAL,
      todos: PLAN.length,
      latencyMs: LATENCY_MS,
      reviewerPerTodo: true,
      snapshots,
      ourConcurrency,
    },
    rows,
    runs: { original, ours: mine },
    script,
  }
  const dir = join(repoRoot, 'artifacts', 'bench')
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, 'seed.json'), JSON.stringify(report, null, 2))
  console.log(
    `OpenCode ${version} (both servers: ${ourVersion}); ${ORIGINAL.name}@${installed.version} ` +
      `installed in ${installed.installMs} ms; ${PLAN.length} todos, a reviewer per todo, ${LATENCY_MS} ms per model call; ` +
      `ours at ${ourConcurrency} agents at once`,
  )
  console.table(rows)
  const s = script.original
  console.log(
    `The original's scripted Commander: ${s.commanderTurns} turns (${s.calls.commander} calls), ` +
      `${s.delegations} delegations, ${s.resultReads} result reads, ${s.todoFileWrites} writes of .opencode/todo.md; ` +
      `workers ${s.calls.worker} calls, reviewers ${s.calls.reviewer} calls.\n` +
      `Characters by role: ${JSON.stringify(s.chars)}\n` +
      `The user's session's calls ran as: ${JSON.stringify(s.commanderAgents)}\n` +
      `Its turns began with: ${s.turnStarts.map((t) => JSON.stringify(t)).join(', ')}, ` +
      `at ${s.turnStartMs.join(', ')} ms from the request (the mission ended at ${original.wallMs} ms)\n` +
      `Ours: ${JSON.stringify(script.ours.calls)} (other = the command's one short call).\n` +
      `Injected into the user's session, original: ${JSON.stringify(original.injected.firstLines)}\n` +
      `Injected into the user's session, ours: ${JSON.stringify(mine.injected.firstLines)}\n` +
      `Toasts, original: ${JSON.stringify(original.toasts)}\nToasts, ours: ${JSON.stringify(mine.toasts)}`,
  )
  // Facts, not timings: both missions ended (the numbers of one that did not would mean nothing).
  expect.soft(original.ended, "the original's mission ended (its Mission Complete toast)").toBe(true)
  expect.soft(mine.ended, 'our mission ended (its final note)').toBe(true)
  expect.soft(version, 'the same OpenCode on both servers').toBe(ourVersion)
}, 600_000)

/** Fails at once, naming what is missing, when the original plugin did not load into the server. */
async function expectLoaded(client: Sandbox['connections'][number]['client'], agent: string) {
  const agents = (await client.app.agents()).data ?? []
  const commands = (await client.command.list()).data ?? []
  if (!agents.some((a) => a.name === agent) || !commands.some((c) => c.name === 'task'))
    throw new Error(
      `the original plugin did not load: agents ${agents.map((a) => a.name).join(', ')}; ` +
        `commands ${commands.map((c) => c.name).join(', ')}`,
    )
}

function compare(o: TaskRun, u: TaskRun) {
  const row = (metric: string, original: number, ours: number, unit: string) => ({
    metric,
    original,
    ours,
    unit,
    'ours / original': original > 0 ? Math.round((ours / original) * 100) / 100 : null,
  })
  return [
    row('mission ended', o.ended ? 1 : 0, u.ended ? 1 : 0, 'bool'),
    row('wall time: /task request → mission end', o.wallMs, u.wallMs, 'ms'),
    row('model calls', o.modelCalls, u.modelCalls, 'calls'),
    row('characters sent to the model', o.chars, u.chars, 'chars'),
    row('notifications (TUI toasts)', o.toasts.length, u.toasts.length, 'toasts'),
    row(
      "messages injected into the user's session, sent to the model",
      o.injected.toModel,
      u.injected.toModel,
      'msgs',
    ),
    row(
      "notes written into the user's session, shown only",
      o.injected.shownOnly,
      u.injected.shownOnly,
      'msgs',
    ),
    row('title-generation calls', o.titleCalls, u.titleCalls, 'calls'),
    row('model calls after the end (settle time)', o.callsAfterEnd, u.callsAfterEnd, 'calls'),
  ]
}
