// What a frame of the render benchmark spends its time on, from the browser's own tools: a summary of
// a Chromium performance trace (the renderer's main thread by phase: script, style, layout, paint)
// and of a JS CPU profile of the page (self time by function, and by the webview module — component
// or library — that the time was spent for). Used by render.ts under BENCH_PROFILE; read the files it
// writes in DevTools (Performance panel: load the trace or the .cpuprofile) for the detail.

/** A trace event as Chromium writes it (only what the summary reads). */
interface TraceEvent {
  name: string
  ph: string
  pid: number
  tid: number
  ts: number
  dur?: number
  args?: Record<string, unknown>
}

type Phase = 'script' | 'style' | 'layout' | 'paint' | 'other'

/**
 * What a main-thread trace event counts as (the Performance panel's colours), by its name; an event
 * of none of these counts as what it runs within (a forced style recalc inside a script counts as
 * style; the frame's bookkeeping outside any is "other").
 */
function phaseOf(name: string): Phase | undefined {
  if (/recalcStyle|updateStyle|UpdateLayoutTree|StyleRecalc|ParseAuthorStyleSheet/i.test(name)) return 'style'
  if (/Layout|IntersectionObserver|CompositingInputs/.test(name)) return 'layout'
  if (/Paint|Composit|Layeriz|Raster|Commit|DisplayItem/.test(name)) return 'paint'
  if (
    /^(FunctionCall|EvaluateScript|RunMicrotasks|EventDispatch|TimerFire|FireAnimationFrame|V8\.|v8\.|.*GC)/.test(
      name,
    )
  )
    return 'script'
  return undefined
}

export interface TraceSummary {
  /** The page's main thread, in ms: busy (outermost tasks) and each phase's self time. */
  busyMs: number
  phases: Record<string, number>
  /** The trace events with the most self time on the main thread. */
  top: { name: string; selfMs: number; count: number }[]
  /** The main thread's frames (BeginMainFrame: rAF callbacks, style, layout, paint), in ms. */
  frames: { count: number; p50: number; p90: number; max: number }
  /**
   * The slowest frames, each with what invalidated the page since the frame before (present with
   * BENCH_TRACE_CATEGORIES=disabled-by-default-devtools.timeline.invalidationTracking).
   */
  slowest: { ms: number; layoutMs: number; paintMs: number; invalidations: string[] }[]
  /** Layouts forced by script (a read of geometry after a write), with a stack. */
  forcedLayouts: number
  layouts: number
  styleRecalcs: number
}

/** Self time per event name on the renderer's main thread (the one with the most events). */
export function summariseTrace(events: TraceEvent[]): TraceSummary {
  const threadName = new Map<string, string>()
  for (const e of events)
    if (e.ph === 'M' && e.name === 'thread_name')
      threadName.set(`${e.pid}:${e.tid}`, String((e.args as { name?: string } | undefined)?.name))
  const count = new Map<string, number>()
  for (const e of events) {
    const k = `${e.pid}:${e.tid}`
    if (e.ph === 'X' && threadName.get(k) === 'CrRendererMain') count.set(k, (count.get(k) ?? 0) + 1)
  }
  const main = [...count].sort((a, b) => b[1] - a[1])[0]?.[0]
  const xs = events
    .filter((e) => e.ph === 'X' && `${e.pid}:${e.tid}` === main && (e.dur ?? 0) > 0)
    .sort((a, b) => a.ts - b.ts || (b.dur ?? 0) - (a.dur ?? 0))
  const self = new Map<string, { selfMs: number; count: number }>()
  const phases: Record<Phase, number> = { script: 0, style: 0, layout: 0, paint: 0, other: 0 }
  type Frame = { e: TraceEvent; end: number; child: number; phase: Phase }
  const stack: Frame[] = []
  let busy = 0
  const close = (f: Frame) => {
    const ms = Math.max(0, (f.e.dur ?? 0) - f.child) / 1000
    const s = self.get(f.e.name) ?? { selfMs: 0, count: 0 }
    s.selfMs += ms
    s.count++
    self.set(f.e.name, s)
    phases[f.phase] += ms
  }
  let forcedLayouts = 0
  for (const e of xs) {
    while (stack.length && (stack.at(-1)?.end ?? 0) <= e.ts) close(stack.pop()!)
    const parent = stack.at(-1)
    if (parent) parent.child += e.dur ?? 0
    else busy += (e.dur ?? 0) / 1000
    const phase = phaseOf(e.name) ?? parent?.phase ?? 'other'
    if (e.name === 'Layout' && stack.some((f) => f.phase === 'script')) forcedLayouts++
    stack.push({ e, end: e.ts + (e.dur ?? 0), child: 0, phase })
  }
  while (stack.length) close(stack.pop()!)
  const top = [...self]
    .map(([name, s]) => ({ name, ...s }))
    .sort((a, b) => b.selfMs - a.selfMs)
    .slice(0, 15)
  return {
    busyMs: busy,
    phases,
    top,
    ...frameCosts(events, xs),
    forcedLayouts,
    layouts: self.get('Layout')?.count ?? 0,
    styleRecalcs: self.get('UpdateLayoutTree')?.count ?? 0,
  }
}

/** The frames of the main thread's events `xs` (sorted by start), the slowest with what led to them. */
function frameCosts(events: TraceEvent[], xs: TraceEvent[]): Pick<TraceSummary, 'frames' | 'slowest'> {
  const ms = (e: TraceEvent) => (e.dur ?? 0) / 1000
  const frames = xs.filter((e) => e.name === 'ProxyMain::BeginMainFrame')
  const sorted = frames.map(ms).sort((a, b) => a - b)
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0
  const within = (f: TraceEvent, name: string) =>
    xs
      .filter((e) => e.name === name && e.ts >= f.ts && e.ts < f.ts + (f.dur ?? 0))
      .reduce((n, e) => n + ms(e), 0)
  const tracked = events.filter((e) => e.name.endsWith('InvalidationTracking')).sort((a, b) => a.ts - b.ts)
  const slowest = frames
    .map((f, i) => ({ f, since: frames[i - 1] ? frames[i - 1]!.ts + (frames[i - 1]!.dur ?? 0) : 0 }))
    .sort((a, b) => ms(b.f) - ms(a.f))
    .slice(0, 5)
    .map(({ f, since }) => {
      const kinds = new Map<string, number>()
      for (const e of tracked) {
        if (e.ts < since || e.ts > f.ts + (f.dur ?? 0)) continue
        const d = (e.args as { data?: { nodeName?: string; reason?: string } } | undefined)?.data
        const node = (d?.nodeName ?? '').replace(/ svelte-\w+/g, '')
        const k = `${e.name.replace('InvalidationTracking', '')} ${node}${d?.reason ? `: ${d.reason}` : ''}`
        kinds.set(k, (kinds.get(k) ?? 0) + 1)
      }
      return {
        ms: ms(f),
        layoutMs: within(f, 'LocalFrameView::UpdateStyleAndLayout'),
        paintMs: within(f, 'LocalFrameView::RunPaintLifecyclePhase'),
        invalidations: [...kinds]
          .sort((a, b) => b[1] - a[1])
          .slice(0, 4)
          .map(([k, n]) => `${n}× ${k}`),
      }
    })
  return { frames: { count: frames.length, p50: at(0.5), p90: at(0.9), max: sorted.at(-1) ?? 0 }, slowest }
}

/** A V8 CPU profile (Profiler.stop). */
interface CpuProfile {
  nodes: {
    id: number
    callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number }
    children?: number[]
  }[]
  samples?: number[]
  timeDeltas?: number[]
}

export interface ProfileSummary {
  totalMs: number
  /** Functions by self time: name, and the module of the bundle they come from. */
  functions: { fn: string; module: string; selfMs: number }[]
  /**
   * Time by the nearest module of ours on the stack (a component or a webview lib): Svelte's own
   * functions count for the component that called them.
   */
  modules: { module: string; ms: number }[]
}

/**
 * Where each line of an unminified esbuild bundle comes from: esbuild heads each module with a
 * `// path` comment. A minified bundle has none: its functions are named by line and column.
 */
export function bundleModules(bundle: string): (line: number) => string {
  const starts: { line: number; path: string }[] = []
  bundle.split('\n').forEach((text, i) => {
    const m = /^\/\/ ((?:node_modules|webview|src)\/\S+)$/.exec(text)
    if (m?.[1]) starts.push({ line: i, path: m[1] })
  })
  return (line) => {
    let lo = 0
    let hi = starts.length - 1
    let at = '?'
    while (lo <= hi) {
      const mid = (lo + hi) >> 1
      const s = starts[mid]!
      if (s.line <= line) {
        at = s.path
        lo = mid + 1
      } else hi = mid - 1
    }
    return at.replace(/^node_modules\/svelte\/src\/internal\/client\//, 'svelte/')
  }
}

export function summariseProfile(p: CpuProfile, moduleAt: (line: number) => string): ProfileSummary {
  const byId = new Map(p.nodes.map((n) => [n.id, n]))
  const parent = new Map<number, number>()
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
  const where = (id: number) => {
    const f = byId.get(id)?.callFrame
    if (!f) return { fn: '?', module: '?' }
    const module = f.url.endsWith('/webview.js')
      ? moduleAt(f.lineNumber)
      : f.url
        ? 'page'
        : `(${f.functionName})`
    return { fn: f.functionName || '(anonymous)', module }
  }
  const ours = (m: string) => m.startsWith('webview/') || m.startsWith('src/')
  const self = new Map<string, { fn: string; module: string; selfMs: number }>()
  const modules = new Map<string, number>()
  let total = 0
  const deltas = p.timeDeltas ?? []
  ;(p.samples ?? []).forEach((id, i) => {
    const ms = (deltas[i + 1] ?? deltas[i] ?? 0) / 1000
    const w = where(id)
    if (w.fn === '(idle)' || w.fn === '(program)') return
    total += ms
    const k = `${w.fn} ${w.module}`
    const s = self.get(k) ?? { ...w, selfMs: 0 }
    s.selfMs += ms
    self.set(k, s)
    let owner = w.module.startsWith('(') ? w.fn : 'svelte (no component on the stack)'
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const m = where(at).module
      if (ours(m)) {
        owner = m
        break
      }
    }
    if (w.fn === '(garbage collector)') owner = '(garbage collector)'
    modules.set(owner, (modules.get(owner) ?? 0) + ms)
  })
  return {
    totalMs: total,
    functions: [...self.values()].sort((a, b) => b.selfMs - a.selfMs).slice(0, 20),
    modules: [...modules].map(([module, ms]) => ({ module, ms })).sort((a, b) => b.ms - a.ms),
  }
}

const fix = (n: number) => n.toFixed(1).padStart(8)

/** The summaries as text, for the console and a file beside the trace. */
export function formatSummaries(view: string, trace?: TraceSummary, profile?: ProfileSummary): string {
  const out: string[] = []
  if (trace) {
    out.push(`${view}: renderer main thread over the load, ms (trace, self time)`)
    out.push(`  busy ${fix(trace.busyMs)}`)
    for (const [k, v] of Object.entries(trace.phases)) out.push(`  ${k.padEnd(6)} ${fix(v)}`)
    out.push(
      `  ${trace.styleRecalcs} style recalcs, ${trace.layouts} layouts (${trace.forcedLayouts} forced by script)`,
    )
    for (const t of trace.top) out.push(`  ${fix(t.selfMs)}  ×${String(t.count).padEnd(6)} ${t.name}`)
    const f = trace.frames
    out.push(
      `${view}: ${f.count} frames, ms: p50 ${f.p50.toFixed(1)}, p90 ${f.p90.toFixed(1)}, max ${f.max.toFixed(1)}; the slowest:`,
    )
    for (const s of trace.slowest) {
      out.push(`  ${fix(s.ms)}  style and layout ${s.layoutMs.toFixed(1)}, paint ${s.paintMs.toFixed(1)}`)
      for (const i of s.invalidations) out.push(`            ${i}`)
    }
  }
  if (profile) {
    out.push(`${view}: JS CPU profile, ${profile.totalMs.toFixed(0)} ms of script`)
    out.push('  by module (Svelte internals counted for the component that ran them):')
    for (const m of profile.modules.slice(0, 15)) out.push(`  ${fix(m.ms)}  ${m.module}`)
    out.push('  by function, self time:')
    for (const f of profile.functions) out.push(`  ${fix(f.selfMs)}  ${f.fn}  ${f.module}`)
  }
  return out.join('\n')
}
