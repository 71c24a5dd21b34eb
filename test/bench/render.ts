import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { Session } from 'node:inspector/promises'
import { join } from 'node:path'
import { chromium, type Browser, type CDPSession, type Page } from 'playwright-core'
import type { PlanTodo } from '../../src/engine/protocol/mission-protocol'
import { Mission } from '../../src/engine/mission'
import { silentLogger, systemClock, type HostEvent } from '../../src/engine/ports'
import type { DashboardSnapshot, MissionDelta } from '../../src/shared/protocol'
import { dashboardHtml } from '../../src/vscode/dashboard-html'
import { buildSnapshot } from '../../src/vscode/snapshot'
import { DashboardFeed } from '../../src/vscode/dashboard-feed'
import { FakeOpencode, FakeWorkspace, flush } from '../fixtures/fake-opencode'
import { MemoryStore } from '../fixtures/memory-journal'
import { repoRoot } from '../support/sandbox'
import { bundleModules, formatSummaries, summariseProfile, summariseTrace } from './render-profile'

// "Event → rendered dashboard" end to end, as far as it goes without VS Code: host events from the
// fake OpenCode ports drive the real engine Mission (system clock); every state change goes through
// DashboardView's DashboardFeed (16 ms frame, paced by the view's acknowledgements); each message,
// built by the real snapshot builder, goes into the production webview bundle in Debian's Chromium,
// where the page timestamps the first frame after the DOM shows it. Node and page clocks are aligned
// by round trips. Not covered: VS Code's own postMessage hop (extension host → renderer → webview
// iframe); page.evaluate over CDP stands in for it, and a page binding for the way back.

/** DashboardView's default coalescing window. */
const FRAME_MS = 16
const ORIGIN = 'http://webview.localhost'
const FINAL_TOOL = 'bench-final'

export interface RenderOptions {
  /** Host events per second. */
  rate: number
  /** The measured load, after the warm-up. */
  durationMs: number
  /**
   * Load run first and left out of the figures (its messages are marked `warmup`): the page's code
   * is compiled as its first messages come, which a dashboard open for a mission pays once. The cold
   * open is reported on its own.
   */
  warmupMs?: number
  /** Concurrent agent sessions (the mission's `caps.total`). */
  agents: number
  todos: number
  /**
   * `dashboard`: the webview draws every message. `acks-only`: the floor under it — the same host,
   * load and transport, and a page that draws the first snapshot and then only parses each message
   * and acknowledges it at the next frame, as the webview does.
   */
  view?: 'dashboard' | 'acks-only'
}

/** One posted snapshot, timestamps in Node's clock (ms since the epoch, sub-millisecond). */
export interface Delivery {
  k: number
  posted: number
  bytes: number
  /** Host events folded into this snapshot: their emit times. */
  events: number[]
  arrived: number
  received: number
  applied: number
  frame: number
  painted: number
  /** The DOM showed this snapshot's agent statuses and progress right after it was applied. */
  shown: boolean
  /** Posted before the measured load (the first snapshot, and the warm-up's). */
  warmup: boolean
}

export interface RenderResult {
  eventsSent: number
  elapsedMs: number
  deliveries: Delivery[]
  /**
   * Per host event of the measured load: emit → first frame painted after the DOM showed a snapshot
   * containing it.
   */
  latencies: number[]
  /** The same, the warm-up's events included. */
  latenciesWithWarmup: number[]
  /** Host CPU per event, synchronous part: engine fold, state publish, coalescer push (ms). */
  eventMs: number[]
  /** Host CPU per snapshot, synchronous part: snapshot build and handing it to page.evaluate (ms). */
  postMs: number[]
  /** requestAnimationFrame → first task after the frame, with no host message: the view's own frame cost. */
  idleFrameMs: number[]
  /** Half the best round trip of the clock alignment, before and after the run (ms). */
  clockUncertaintyMs: number
  /** Change of the page−Node clock offset over the run (ms). */
  clockDriftMs: number
  finalMarkerShown: boolean
  /** Agent rows on the dashboard at the end (finished sessions stay listed). */
  agentRows: number
  /** Timeline lanes and spans, budget and context meters on the dashboard at the end. */
  onScreen: {
    inViewport: boolean
    /** Times the meters or the timeline left the viewport during the load (the page keeps them in it). */
    leftView: number
    lanes: number
    spans: number
    meters: number
    contextMeters: number
  }
  reordered: number
  cspViolations: string[]
  pageErrors: string[]
  /** Requests the page made to anything but the stand-in webview origin (all refused). */
  offOrigin: string[]
  /** Messages the webview sent to the host, but its acknowledgements. */
  webviewPosted: unknown[]
  /** `rendered` acknowledgements the webview sent. */
  acks: number
}

/** What the dashboard must show for a host state: each agent's status text, the progress text. */
interface Expected {
  statuses: string[]
  progress?: string
}

function expected(state: DashboardSnapshot): Expected {
  const m = state.mission
  if (!m) return { statuses: [] }
  const statuses = m.agents.map((a) => `${a.status}${a.tool ? ` · ${a.tool}` : ''}`)
  if (m.todos.length === 0) return { statuses }
  const done = m.todos.filter((t) => t.status === 'passed').length
  return { statuses, progress: `${done}/${m.todos.length} todos` }
}

const nodeNow = () => performance.timeOrigin + performance.now()
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))

interface BenchGlobal {
  __bench: {
    now(): number
    isReady(): boolean
    idleFrames(n: number): Promise<number[]>
    deliver(k: number, json: string, want: Expected): void
    painted(): number
    keepInView(): void
    leftView(): number
    result(): {
      records: (Omit<Delivery, 'posted' | 'bytes' | 'events'> | null)[]
      reordered: number
      violations: string[]
      posted: unknown[]
      acks: number
    }
  }
}

/** The webview document DashboardView serves, with this page's origin for its resources. */
const html = () =>
  dashboardHtml({
    cspSource: ORIGIN,
    script: `${ORIGIN}/dist/webview.js`,
    style: `${ORIGIN}/dist/webview.css`,
    codicons: `${ORIGIN}/dist/codicons/codicon.css`,
  })

const TYPES: Record<string, string> = {
  js: 'text/javascript',
  css: 'text/css',
  ttf: 'font/ttf',
}

/** Page clock minus Node clock, from the round trip with the smallest delay. */
async function clockOffset(page: Page): Promise<{ offset: number; uncertainty: number }> {
  let best = { offset: 0, uncertainty: Infinity }
  for (let i = 0; i < 30; i++) {
    const t0 = nodeNow()
    const p = await page.evaluate(() => (globalThis as unknown as BenchGlobal).__bench.now())
    const t1 = nodeNow()
    if ((t1 - t0) / 2 < best.uncertainty) best = { offset: p - (t0 + t1) / 2, uncertainty: (t1 - t0) / 2 }
  }
  return best
}

const todo = (i: number): PlanTodo => ({
  id: `t${i}`,
  title: `Todo ${i}: implement part ${i} of the feature`,
  description: '',
  files: [`src/part${i}.ts`],
  dependsOn: [],
  acceptance: [],
})

/**
 * A page with the webview document and the built bundle, served by request interception: no request
 * reaches the network.
 */
async function openWebview(browser: Browser, view: RenderOptions['view'], onAck: (seq: number) => void) {
  const page = await browser.newPage({ viewport: { width: 380, height: 1000 } })
  // The view's `rendered` acknowledgements, back to the host as VS Code's webview postMessage would.
  await page.exposeBinding('__benchAck', (_source, seq: number) => onAck(seq))
  const pageErrors: string[] = []
  page.on('pageerror', (e) => pageErrors.push(e.message))
  page.on('console', (m) => m.type() === 'error' && pageErrors.push(m.text()))
  const offOrigin: string[] = []
  await page.route('**/*', (route) => {
    const url = new URL(route.request().url())
    if (url.origin !== ORIGIN) {
      offOrigin.push(url.href)
      return route.abort()
    }
    if (url.pathname === '/') return route.fulfill({ contentType: 'text/html', body: html() })
    const ext = url.pathname.split('.').pop() ?? ''
    const type = TYPES[ext]
    if (!url.pathname.startsWith('/dist/') || url.pathname.includes('..') || !type)
      return route.fulfill({ status: 404 })
    return route.fulfill({ contentType: type, body: readFileSync(join(repoRoot, url.pathname)) })
  })
  await page.addInitScript(`window.__benchView = ${JSON.stringify(view ?? 'dashboard')}`)
  await page.addInitScript({ path: join(repoRoot, 'test/bench/render-harness.js') })
  await page.goto(`${ORIGIN}/`)
  await page.waitForFunction(() => (globalThis as unknown as BenchGlobal).__bench.isReady())
  return { page, pageErrors, offOrigin }
}

/** Adds the characters of each part of a delta to `into`. */
function deltaParts(d: MissionDelta, into: Map<string, { chars: number; times: number }>): void {
  const add = (k: string, v: unknown) => {
    if (v === undefined) return
    const t = into.get(k) ?? { chars: 0, times: 0 }
    t.chars += JSON.stringify(v).length
    t.times++
    into.set(k, t)
  }
  for (const [k, v] of Object.entries(d.fields ?? {})) add(`fields.${k}`, v)
  add('agents', d.agents)
  add('agentOrder', d.agentOrder)
  add('todos', d.todos)
  add('todoOrder', d.todoOrder)
  add('lanes', d.lanes)
  add('laneEdits', d.laneEdits)
  add('laneOrder', d.laneOrder)
}

/**
 * The page's composited layers at the end of the load, by why Chromium made them: each one is a cost
 * of every frame's layerization (`PaintArtifactCompositor::Update`) and commit.
 */
async function compositedLayers(cdp: CDPSession): Promise<string> {
  const tree = new Promise<{ layerId: string }[]>((resolve) =>
    cdp.once('LayerTree.layerTreeDidChange', (e) => resolve(e.layers ?? [])),
  )
  await cdp.send('LayerTree.enable')
  const layers = await Promise.race([tree, sleep(2_000).then(() => [])])
  const why = new Map<string, number>()
  for (const l of layers) {
    const r = await cdp.send('LayerTree.compositingReasons', { layerId: l.layerId }).catch(() => undefined)
    const k = r?.compositingReasonIds?.join(' + ') || '(none given)'
    why.set(k, (why.get(k) ?? 0) + 1)
  }
  await cdp.send('LayerTree.disable')
  const lines = [...why].sort((a, b) => b[1] - a[1]).map(([k, n]) => `  ${String(n).padStart(8)}  ${k}`)
  return `composited layers at the end: ${layers.length}, by reason:\n${lines.join('\n')}`
}

export async function benchRender(o: RenderOptions): Promise<RenderResult> {
  const oc = new FakeOpencode()
  // The agents' context meters need their model's window.
  oc.limits = { 'bench/scripted': { context: 200_000 } }
  const mission = new Mission(
    {
      sessions: oc,
      events: oc,
      workspace: new FakeWorkspace(),
      journal: new MemoryStore(),
      clock: systemClock,
      logger: silentLogger,
    },
    {
      id: 'render',
      goal: 'Render benchmark',
      caps: { total: o.agents },
      // Limits, so the budget meters draw their bars.
      budgets: { maxTokens: 1e12, maxCostUsd: 1e6 },
    },
  )
  let browser: Browser | undefined
  let feed: DashboardFeed | undefined
  let onAck: (seq: number) => void = () => {}
  try {
    // The mission first: planned, with its workers busy.
    void mission.run()
    const settle = async (done: () => boolean) => {
      for (let i = 0; i < 200 && !done(); i++) await flush()
    }
    await settle(() => mission.state.agents.length > 0)
    oc.turn(mission.state.agents[0]?.sessionId ?? '', 'orchestrator_plan', {
      todos: Array.from({ length: o.todos }, (_, i) => todo(i)),
    })
    const busy = () => mission.state.agents.filter((a) => a.status === 'busy')
    await settle(() => busy().length >= o.agents)
    if (busy().length < o.agents) throw new Error(`only ${busy().length} of ${o.agents} agents got busy`)

    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run'],
    })
    const { page, pageErrors, offOrigin } = await openWebview(browser, o.view, (seq) => onAck(seq))
    const before = await clockOffset(page)
    // BENCH_PROFILE=1: CPU profiles of the page and of the host side for DevTools, in artifacts/bench/,
    // named by view (the dashboard, the floor), with a summary of what the page spent its time on;
    // BENCH_PROFILE=trace adds a Chromium performance trace of the page.
    const profiling = process.env.BENCH_PROFILE
    const out = (ext: string) =>
      join(repoRoot, 'artifacts', 'bench', `render-${o.view === 'acks-only' ? 'floor' : 'dashboard'}${ext}`)
    if (profiling) mkdirSync(join(repoRoot, 'artifacts', 'bench'), { recursive: true })
    const profiler = profiling ? await page.context().newCDPSession(page) : undefined
    const hostProfiler = profiling ? new Session() : undefined
    if (hostProfiler) {
      hostProfiler.connect()
      await hostProfiler.post('Profiler.enable')
      await hostProfiler.post('Profiler.start')
    }
    if (profiling === 'trace')
      await browser.startTracing(page, {
        path: out('.trace.json'),
        // BENCH_TRACE_CATEGORIES adds categories, comma-separated: with
        // disabled-by-default-devtools.timeline.invalidationTracking the trace names what made each
        // frame restyle, lay out or paint again.
        categories: [
          'devtools.timeline',
          'blink',
          'cc',
          'v8',
          ...(process.env.BENCH_TRACE_CATEGORIES?.split(',')
            .map((c) => c.trim())
            .filter(Boolean) ?? []),
        ],
      })
    if (profiler) {
      await profiler.send('Profiler.enable')
      await profiler.send('Profiler.setSamplingInterval', { interval: 200 })
      await profiler.send('Profiler.start')
    }

    // The host side of DashboardView: its DashboardFeed, a snapshot on ready, then coalesced deltas
    // paced by the page's acknowledgements.
    const server = { status: 'ready' as const, url: 'http://127.0.0.1:4096' }
    const deliveries: Pick<Delivery, 'k' | 'posted' | 'bytes' | 'events' | 'warmup'>[] = []
    const inFlight: Promise<void>[] = []
    const deliverErrors: string[] = []
    let pending: number[] = []
    /** When the measured load starts (after the warm-up): snapshots posted before are the warm-up's. */
    let measuredFrom = Infinity
    let open = true
    const postMs: number[] = []
    /** BENCH_PROFILE: characters the deltas carried, by part (agents, lanes, each mission field). */
    const carried = new Map<string, { chars: number; times: number }>()
    const eventMs: number[] = []
    let built = { at: 0, state: buildSnapshot(server, undefined, undefined) }
    feed = new DashboardFeed({
      clock: systemClock,
      frameMs: FRAME_MS,
      open: () => open,
      state: () => {
        built = { at: nodeNow(), state: buildSnapshot(server, mission.state, undefined) }
        return built.state
      },
      post: (msg) => {
        const t = built.at
        // VS Code serializes webview messages as JSON on their way out of the extension host.
        const json = JSON.stringify(msg)
        if (profiling && msg.type === 'delta') deltaParts(msg.mission, carried)
        const k = deliveries.length
        const want = expected(built.state)
        inFlight.push(
          page
            .evaluate(
              ([k, json, want]) => (globalThis as unknown as BenchGlobal).__bench.deliver(k, json, want),
              [k, json, want] as const,
            )
            .catch((err: unknown) => void deliverErrors.push(String(err))),
        )
        postMs.push(nodeNow() - t)
        deliveries.push({ k, posted: t, bytes: json.length, events: pending, warmup: t < measuredFrom })
        pending = []
      },
    })
    const f = feed
    onAck = (seq) => f.rendered(seq)
    // The view opens on the whole snapshot; the load starts once it shows (its first render is
    // reported on its own: events waiting for it measure the cold open, not the view under load).
    f.full()
    await page.waitForFunction(() => (globalThis as unknown as BenchGlobal).__bench.painted() >= 1)
    // The meters and the timeline below them in the viewport (they sit below the plan): drawn, not
    // just in the DOM. The plan above them grows under the load (agents join their todos), so the page
    // keeps them there, as a user watching them would: scrolled back in the frame that laid the plan
    // out (a timer's scroll forced a layout of its own a few times a second). An observer counts
    // every time either left the viewport.
    await page.evaluate(() => (globalThis as unknown as BenchGlobal).__bench.keepInView())
    mission.onChange(() => f.changed())

    // Streaming load: text deltas, usage updates and tool calls of the busy agents, round robin;
    // every 200 events one busy agent ends its turn (report or verdict), so todos progress.
    let seq = 0
    const textOf = new Map<string, string>()
    const emit = (e: HostEvent) => {
      seq++
      const t = nodeNow()
      pending.push(t)
      oc.emit(e)
      eventMs.push(nodeNow() - t)
    }
    const KINDS = ['text', 'tool', 'text', 'usage', 'text', 'tool', 'text', 'usage', 'text', 'done'] as const
    const TOOLS = ['read', 'grep', 'edit', 'bash']
    const stream = (sessionId: string) => {
      const kind = KINDS[seq % KINDS.length]
      const messageId = `msg_${sessionId}`
      if (kind === 'text') {
        const text = `${textOf.get(sessionId) ?? ''} token${seq}`.slice(-2000)
        textOf.set(sessionId, text)
        emit({ type: 'part.text', sessionId, messageId, partId: 'p1', text, final: false })
      } else if (kind === 'usage')
        emit({
          type: 'message.assistant',
          sessionId,
          messageId,
          providerId: 'bench',
          modelId: 'scripted',
          tokens: seq,
          contextTokens: seq,
          cost: seq / 1e6,
          completed: false,
        })
      else
        emit({
          type: 'part.tool',
          sessionId,
          messageId,
          callId: `call_${seq}`,
          tool: `${TOOLS[seq % TOOLS.length]} #${seq}`,
          status: kind === 'tool' ? 'running' : 'completed',
          input: {},
        })
    }
    const endTurn = (a: { sessionId: string; role: string }) => {
      const before = seq
      const t = nodeNow()
      oc.passTurn(a)
      // A turn is five host events.
      for (let i = 0; i < 5; i++) pending.push(t)
      eventMs.push((nodeNow() - t) / 5)
      seq = before + 5
    }

    const t0 = nodeNow()
    measuredFrom = t0 + (o.warmupMs ?? 0)
    let turn = 0
    for (;;) {
      const elapsed = nodeNow() - t0
      if (elapsed >= (o.warmupMs ?? 0) + o.durationMs) break
      const due = Math.floor((elapsed * o.rate) / 1000)
      while (seq < due) {
        const agents = busy()
        if (agents.length === 0) break
        const a = agents[seq % agents.length]
        if (!a) break
        if (Math.floor(seq / 200) > turn) {
          turn = Math.floor(seq / 200)
          endTurn(a)
        } else stream(a.sessionId)
      }
      await sleep(1)
    }
    const elapsedMs = nodeNow() - t0
    const eventsSent = seq

    // The final marker: one more tool call, which the dashboard must show.
    const last = busy()[0]
    if (last)
      emit({
        type: 'part.tool',
        sessionId: last.sessionId,
        messageId: 'msg_final',
        callId: 'call_final',
        tool: FINAL_TOOL,
        status: 'running',
        input: {},
      })
    f.flushNow()
    // The last change may wait for the view's acknowledgement of the one before.
    for (let i = 0; i < 1000 && f.holding; i++) await sleep(2)
    open = false
    await Promise.all(inFlight)
    if (deliverErrors.length) throw new Error(`snapshots not delivered: ${deliverErrors.join('; ')}`)
    await page.waitForFunction(
      (n) => (globalThis as unknown as BenchGlobal).__bench.painted() >= n,
      deliveries.length,
      { timeout: 10_000 },
    )
    const trace = profiling === 'trace' ? await browser.stopTracing() : undefined
    if (profiler) {
      const { profile } = await profiler.send('Profiler.stop')
      writeFileSync(out('.cpuprofile'), JSON.stringify(profile))
      const parsed =
        trace && (JSON.parse(trace.toString()) as { traceEvents: Parameters<typeof summariseTrace>[0] })
      const bundle = readFileSync(join(repoRoot, 'dist', 'webview.js'), 'utf8')
      const summary = formatSummaries(
        o.view === 'acks-only' ? 'floor' : 'dashboard',
        parsed && summariseTrace(parsed.traceEvents),
        summariseProfile(profile, bundleModules(bundle)),
      )
      const parts = [...carried]
        .sort((a, b) => b[1].chars - a[1].chars)
        .map(
          ([k, v]) => `  ${(v.chars / 1024).toFixed(1).padStart(8)} KB  ×${String(v.times).padEnd(5)} ${k}`,
        )
      const layers = await compositedLayers(profiler)
      const all = `${summary}\n${layers}\nwhat the ${deliveries.length - 1} deltas carried, by part:\n${parts.join('\n')}`
      writeFileSync(out('.summary.txt'), `${all}\n`)
      console.log(all)
    }
    if (hostProfiler) {
      const { profile } = await hostProfiler.post('Profiler.stop')
      writeFileSync(out('-host.cpuprofile'), JSON.stringify(profile))
      hostProfiler.disconnect()
    }
    const finalMarkerShown =
      (await page.locator('[data-testid="agent"] .status', { hasText: FINAL_TOOL }).count()) === 1
    const agentRows = await page.locator('[data-testid="agent"]').count()
    const height = page.viewportSize()?.height ?? 0
    const visible = async (id: string) => {
      const box = await page.locator(`[data-testid="${id}"]`).boundingBox()
      return box !== null && box.y + box.height > 0 && box.y < height
    }
    const inViewport = (await visible('timeline')) && (await visible('meters'))
    const leftView = await page.evaluate(() => (globalThis as unknown as BenchGlobal).__bench.leftView())
    const onScreen = {
      inViewport,
      leftView,
      lanes: await page.locator('[data-testid="timeline"] [data-lane]').count(),
      spans: await page.locator('[data-testid="timeline"] [data-testid="span"]').count(),
      meters: await page.locator('[data-testid="meters"] [role="meter"]').count(),
      contextMeters: await page.locator('[data-testid="context"]').count(),
    }
    const idleFrameMs = await page.evaluate(() =>
      (globalThis as unknown as BenchGlobal).__bench.idleFrames(60),
    )
    const after = await clockOffset(page)
    const page2node = (t: number) => t - (before.offset + after.offset) / 2
    const got = await page.evaluate(() => (globalThis as unknown as BenchGlobal).__bench.result())
    const full: Delivery[] = deliveries.map((d) => {
      const r = got.records[d.k]
      if (!r) throw new Error(`snapshot ${d.k} never reached the page`)
      return {
        ...d,
        arrived: page2node(r.arrived),
        received: page2node(r.received),
        applied: page2node(r.applied),
        frame: page2node(r.frame),
        painted: page2node(r.painted),
        shown: r.shown,
      }
    })
    const eventLatencies = (ds: Delivery[]) => ds.flatMap((d) => d.events.map((t) => d.painted - t))
    const latencies = eventLatencies(full.filter((d) => !d.warmup))
    if (profiling) writeFileSync(out('-deliveries.json'), JSON.stringify(full))
    return {
      eventsSent,
      elapsedMs,
      deliveries: full,
      latencies,
      latenciesWithWarmup: eventLatencies(full.slice(1)),
      eventMs,
      postMs,
      idleFrameMs,
      clockUncertaintyMs: Math.max(before.uncertainty, after.uncertainty),
      clockDriftMs: after.offset - before.offset,
      finalMarkerShown,
      agentRows,
      onScreen,
      reordered: got.reordered,
      cspViolations: got.violations,
      pageErrors,
      offOrigin,
      webviewPosted: got.posted,
      acks: got.acks,
    }
  } finally {
    mission.dispose()
    feed?.dispose()
    await browser?.close()
  }
}
