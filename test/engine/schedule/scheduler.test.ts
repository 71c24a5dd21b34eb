import { describe, expect, it } from 'vitest'
import {
  FILE_HOLDING_STATUSES,
  schedule,
  type Assignment,
  type ScheduleInput,
  type SchedulerCaps,
  type SchedulerSession,
  type SchedulerTodo,
} from '../../../src/engine/schedule/scheduler'
import type { TodoStatus } from '../../../src/engine/record/entries'
import type { ModelRef, Role } from '../../../src/engine/ports'

const A: ModelRef = { providerID: 'alpha', modelID: 'a1' }
const B: ModelRef = { providerID: 'beta', modelID: 'b1' }

const todo = (id: string, files: string[] = [], more: Partial<SchedulerTodo> = {}): SchedulerTodo => ({
  id,
  files,
  dependsOn: [],
  status: 'pending',
  ...more,
})
const session = (sessionId: string, more: Partial<SchedulerSession> = {}): SchedulerSession => ({
  sessionId,
  role: 'worker',
  model: A,
  busy: false,
  todosDone: 1,
  lastFiles: [],
  ...more,
})
const run = (input: Partial<ScheduleInput> & Pick<ScheduleInput, 'todos'>): Assignment[] =>
  schedule({
    sessions: [],
    caps: { total: 10 },
    maxTodosPerSession: 3,
    models: { worker: A, reviewer: B },
    ...input,
  })
const pairs = (out: Assignment[]) => out.map((a) => `${a.todoId}@${a.sessionId}`)

describe('schedule: readiness', () => {
  it('dispatches a todo only when every dependency has passed review', () => {
    const todos = [
      todo('a', [], { status: 'reported' }),
      todo('b', [], { status: 'passed' }),
      todo('c', [], { dependsOn: ['a', 'b'] }),
      todo('d', [], { dependsOn: ['b'] }),
      todo('e', [], { dependsOn: ['ghost'] }),
    ]
    const out = run({ todos })
    expect(out.filter((x) => x.role === 'worker').map((x) => x.todoId)).toEqual(['d'])
    const passed = todos.map((t) => (t.id === 'a' ? { ...t, status: 'passed' as const } : t))
    expect(run({ todos: passed }).map((x) => x.todoId)).toEqual(['c', 'd'])
  })

  it('treats `ready` like `pending` and never dispatches settled or in-flight todos', () => {
    const statuses: TodoStatus[] = ['ready', 'running', 'reviewing', 'passed', 'failed', 'blocked']
    const out = run({ todos: statuses.map((s) => todo(s, [], { status: s })) })
    expect(out.map((x) => x.todoId)).toEqual(['ready'])
  })

  it('sends reported todos to a reviewer, before new work', () => {
    const out = run({
      todos: [todo('w1'), todo('r1', ['x'], { status: 'reported' })],
      caps: { total: 1 },
    })
    expect(out).toEqual([{ todoId: 'r1', sessionId: 'new', role: 'reviewer', model: B, kind: 'new' }])
  })

  it('takes todos oldest first', () => {
    const out = run({ todos: [todo('t1'), todo('t2'), todo('t3')], caps: { total: 2 } })
    expect(out.map((x) => x.todoId)).toEqual(['t1', 't2'])
  })
})

describe('schedule: caps', () => {
  const many = (n: number) => Array.from({ length: n }, (_, i) => todo(`t${i}`))

  it('counts a session whose turn is cut (closing) against no cap, and gives it no todo', () => {
    const todos = [todo('r1', ['x'], { status: 'reported' }), todo('r2', ['y'], { status: 'reported' })]
    const busy = session('w1', { busy: true })
    // Busy with a turn: the one slot is taken.
    expect(run({ todos, sessions: [busy], caps: { total: 1 } })).toEqual([])
    // Its result is in and its closing call cut: the slot is free, for a new session, not for it.
    const out = run({ todos, sessions: [{ ...busy, closing: true }], caps: { total: 1 } })
    expect(pairs(out)).toEqual(['r1@new'])
  })

  it('counts busy sessions against the total and fills up to it', () => {
    const busy = [session('s1', { busy: true }), session('p', { role: 'planner', busy: true })]
    expect(run({ todos: many(10), sessions: busy, caps: { total: 5 } })).toHaveLength(3)
    expect(run({ todos: many(10), sessions: busy, caps: { total: 2 } })).toEqual([])
  })

  it('never adds work when a lowered cap is already exceeded', () => {
    const busy = Array.from({ length: 4 }, (_, i) => session(`s${i}`, { busy: true }))
    const caps: SchedulerCaps = Object.freeze({ total: 2, perRole: Object.freeze({ worker: 1 }) })
    expect(run({ todos: many(5), sessions: busy, caps })).toEqual([])
    expect(caps).toEqual({ total: 2, perRole: { worker: 1 } })
  })

  it('applies per-role caps', () => {
    const out = run({
      todos: [...many(5), todo('r', [], { status: 'reported' })],
      caps: { total: 10, perRole: { worker: 2, reviewer: 0 } },
    })
    expect(out.map((x) => x.role)).toEqual(['worker', 'worker'])
  })

  it('applies per-provider caps to new and reused sessions alike', () => {
    const sessions = [
      session('busyA', { busy: true }),
      session('idleA', { lastFiles: ['f0'] }),
      session('idleB', { model: B, lastFiles: ['f1'] }),
    ]
    const todos = [todo('t0', ['f0']), todo('t1', ['f1']), todo('t2'), todo('t3')]
    const out = run({ todos, sessions, caps: { total: 10, perProvider: { alpha: 1 } } })
    expect(pairs(out)).toEqual(['t1@idleB'])
  })

  it('applies per-model caps keyed provider/model', () => {
    const out = run({ todos: many(5), caps: { total: 10, perModel: { 'alpha/a1': 3 } } })
    expect(out).toHaveLength(3)
    const other = run({ todos: many(5), caps: { total: 10, perModel: { 'alpha/zz': 0 } } })
    expect(other).toHaveLength(5)
  })

  it('validates caps and options with exact messages', () => {
    expect(() => run({ todos: [], caps: { total: -1 } })).toThrow(
      new TypeError('Expected `caps.total` to be an integer >= 0 or Infinity, got -1'),
    )
    expect(() => run({ todos: [], caps: { total: 1, perProvider: { alpha: 1.5 } } })).toThrow(
      new TypeError('Expected `caps.perProvider.alpha` to be an integer >= 0 or Infinity, got 1.5'),
    )
    expect(() => run({ todos: [], caps: { total: 1, perRole: { worker: Number.NaN } } })).toThrow(
      new TypeError('Expected `caps.perRole.worker` to be an integer >= 0 or Infinity, got NaN'),
    )
    expect(() => run({ todos: [], caps: { total: 1, perModel: { 'a/b': -2 } } })).toThrow(
      new TypeError('Expected `caps.perModel.a/b` to be an integer >= 0 or Infinity, got -2'),
    )
    expect(() => run({ todos: [], maxTodosPerSession: 0 })).toThrow(
      new TypeError('Expected `maxTodosPerSession` to be an integer >= 1 or Infinity, got 0'),
    )
    expect(() => run({ todos: [], caps: { total: Infinity } })).not.toThrow()
  })
})

describe('schedule: file ownership', () => {
  it('never starts two todos owning the same file in one tick', () => {
    const out = run({ todos: [todo('a', ['x', 'y']), todo('b', ['y']), todo('c', ['z']), todo('d', ['x'])] })
    expect(out.map((x) => x.todoId)).toEqual(['a', 'c'])
  })

  it('waits for running, reported and reviewed todos that hold the file', () => {
    for (const status of FILE_HOLDING_STATUSES) {
      const out = run({ todos: [todo('held', ['x'], { status }), todo('next', ['x']), todo('free', ['q'])] })
      expect(out.filter((a) => a.role === 'worker').map((x) => x.todoId)).toEqual(['free'])
    }
  })

  it('releases the file once the holder passed or failed', () => {
    for (const status of ['passed', 'failed'] as const) {
      const out = run({ todos: [todo('held', ['x'], { status }), todo('next', ['x'])] })
      expect(out.map((x) => x.todoId)).toEqual(['next'])
    }
  })
})

describe('schedule: affinity and work stealing', () => {
  it('gives an idle session the todo sharing its files, not the oldest one', () => {
    const out = run({
      todos: [todo('old', ['a']), todo('mid', ['b']), todo('warm', ['c', 'api.ts'])],
      sessions: [session('s1', { lastFiles: ['api.ts'] })],
    })
    expect(out).toContainEqual({
      todoId: 'warm',
      sessionId: 's1',
      role: 'worker',
      model: A,
      kind: 'affinity',
    })
    expect(pairs(out)).toEqual(['warm@s1', 'old@new', 'mid@new'])
  })

  it('picks the oldest of several related todos', () => {
    const out = run({
      todos: [todo('t1', ['z']), todo('t2', ['b']), todo('t3', ['a'])],
      sessions: [session('s1', { lastFiles: ['a', 'b'] })],
      caps: { total: 1 },
    })
    expect(pairs(out)).toEqual(['t2@s1'])
  })

  it('sends a todo back to the session listed in its affinity first', () => {
    const out = run({
      todos: [todo('t1', ['a']), todo('again', ['q'], { affinity: ['gone', 's2'] })],
      sessions: [session('s1', { lastFiles: ['a'] }), session('s2', { lastFiles: ['a'] })],
    })
    expect(pairs(out)).toEqual(['again@s2', 't1@s1'])
  })

  it('does not reuse a used session for an unrelated todo by default (no transcript leak)', () => {
    const out = run({ todos: [todo('t1', ['x'])], sessions: [session('s1', { lastFiles: ['other'] })] })
    expect(pairs(out)).toEqual(['t1@new'])
  })

  it('lets a blank idle session steal the oldest todo no one has affinity for', () => {
    const out = run({
      todos: [todo('t1', ['x']), todo('t2', ['y']), todo('t3', ['warm'])],
      sessions: [session('blank', { todosDone: 0 }), session('s1', { lastFiles: ['warm'] })],
    })
    expect(out).toEqual([
      { todoId: 't3', sessionId: 's1', role: 'worker', model: A, kind: 'affinity' },
      { todoId: 't1', sessionId: 'blank', role: 'worker', model: A, kind: 'steal' },
      { todoId: 't2', sessionId: 'new', role: 'worker', model: A, kind: 'new' },
    ])
  })

  it('with reuseUnrelated, idle used sessions steal the oldest unreserved todos before new sessions', () => {
    const out = run({
      todos: [todo('t1', ['x']), todo('t2', ['y']), todo('t3', ['warm']), todo('t4')],
      sessions: [session('s0', { lastFiles: ['elsewhere'] }), session('s1', { lastFiles: ['warm'] })],
      reuseUnrelated: true,
    })
    expect(pairs(out)).toEqual(['t3@s1', 't1@s0', 't2@new', 't4@new'])
    expect(out.map((a) => a.kind)).toEqual(['affinity', 'steal', 'new', 'new'])
  })

  it('never reuses a session that reached its reuse limit', () => {
    const sessions = [session('s1', { lastFiles: ['a'], todosDone: 2 }), session('s2', { todosDone: 2 })]
    const todos = [todo('t1', ['a'], { affinity: ['s1'] }), todo('t2', ['b'])]
    const out = run({ todos, sessions, maxTodosPerSession: 2, reuseUnrelated: true })
    expect(pairs(out)).toEqual(['t1@new', 't2@new'])
    expect(pairs(run({ todos, sessions, maxTodosPerSession: 3 }))).toEqual(['t1@s1', 't2@new'])
  })

  it('only reuses sessions of the needed role, and uses each once per tick', () => {
    const out = run({
      todos: [todo('t1', ['a']), todo('t2', ['a2']), todo('r1', ['r'], { status: 'reported' })],
      sessions: [
        session('rev', { role: 'reviewer', model: B, lastFiles: ['r', 'a'] }),
        session('w', { lastFiles: ['a', 'a2', 'r'] }),
      ],
    })
    expect(pairs(out)).toEqual(['r1@rev', 't1@w', 't2@new'])
  })

  it('does not use an idle session whose affinity todo conflicts on files', () => {
    const out = run({
      todos: [todo('busy', ['a'], { status: 'running' }), todo('t1', ['a']), todo('t2', ['b'])],
      sessions: [session('s1', { lastFiles: ['a', 'b'] })],
    })
    expect(pairs(out)).toEqual(['t2@s1'])
  })
})

describe('schedule: cooling providers', () => {
  it('sends no new work to a cooling provider, new or reused', () => {
    const cooling = new Set(['alpha'])
    const out = run({
      todos: [todo('t1', ['a']), todo('t2'), todo('r1', [], { status: 'reported' })],
      sessions: [session('s1', { lastFiles: ['a'] })],
      coolingProviders: cooling,
    })
    expect(pairs(out)).toEqual(['r1@new'])
    expect(out[0]?.model).toEqual(B)
  })

  it('still reuses an idle session on a healthy provider', () => {
    const out = run({
      todos: [todo('t1', ['a'])],
      sessions: [session('s1', { model: B, lastFiles: ['a'] })],
      coolingProviders: new Set(['alpha']),
    })
    expect(pairs(out)).toEqual(['t1@s1'])
  })
})

// --- Property check: random missions driven to the end, invariants checked at every tick. ------

function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

interface SimSession extends SchedulerSession {
  todoId?: string
}

function simulate(seed: number): { maxBusy: number } {
  const check = (ok: boolean, what: string) => {
    if (!ok) throw new Error(`seed ${seed}: ${what}`)
  }
  const rnd = mulberry32(seed)
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1))
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T
  const models: ModelRef[] = [
    { providerID: 'p0', modelID: 'm0' },
    { providerID: 'p0', modelID: 'm1' },
    { providerID: 'p1', modelID: 'm2' },
    { providerID: 'p2', modelID: 'm3' },
  ]
  const roleModel = { worker: pick(models), reviewer: pick(models) }
  const caps: SchedulerCaps = {
    total: int(1, 8),
    perRole: { worker: int(1, 6), reviewer: int(1, 3) },
    perProvider: Object.fromEntries(['p0', 'p1', 'p2'].filter(() => rnd() < 0.6).map((p) => [p, int(1, 4)])),
    perModel: Object.fromEntries(
      models.filter(() => rnd() < 0.4).map((m) => [`${m.providerID}/${m.modelID}`, int(1, 3)]),
    ),
  }
  const maxTodosPerSession = int(1, 4)
  const reuseUnrelated = rnd() < 0.5
  const pool = Array.from({ length: int(3, 30) }, (_, i) => `src/f${i}.ts`)
  const todos: SchedulerTodo[] = Array.from({ length: int(5, 80) }, (_, i) => ({
    id: `t${i}`,
    files: pool.filter(() => rnd() < 2 / pool.length),
    dependsOn: i === 0 ? [] : Array.from({ length: int(0, 2) }, () => `t${int(0, i - 1)}`),
    status: 'pending' as TodoStatus,
  }))
  const byId = new Map(todos.map((t) => [t.id, t]))
  const sessions: SimSession[] = []
  let nextId = 0
  let maxBusy = 0

  for (let tick = 0; tick < 20_000; tick++) {
    const cooling = new Set(rnd() < 0.2 ? [pick(['p0', 'p1', 'p2'])] : [])
    const before = new Map(todos.map((t) => [t.id, t.status]))
    const out = schedule({
      todos,
      sessions,
      caps,
      maxTodosPerSession,
      models: roleModel,
      coolingProviders: cooling,
      reuseUnrelated,
    })

    for (const a of out) {
      const t = byId.get(a.todoId)
      if (!t) throw new Error(`unknown todo ${a.todoId}`)
      if (a.role === 'worker') {
        check(before.get(t.id) === 'pending', `${t.id} dispatched from ${before.get(t.id)}`)
        for (const d of t.dependsOn)
          check(byId.get(d)?.status === 'passed', `${t.id} started before ${d} passed`)
        t.status = 'running'
      } else {
        check(before.get(t.id) === 'reported', `${t.id} reviewed from ${before.get(t.id)}`)
        t.status = 'reviewing'
      }
      let s: SimSession | undefined
      if (a.sessionId === 'new') {
        check(a.model === roleModel[a.role], 'new session without the role model')
        s = { sessionId: `s${nextId++}`, role: a.role, busy: false, todosDone: 0, lastFiles: [] }
        if (a.model) s.model = a.model
        sessions.push(s)
      } else {
        s = sessions.find((x) => x.sessionId === a.sessionId)
        if (!s) throw new Error(`unknown session ${a.sessionId}`)
        check(!s.busy, `${s.sessionId} reused while busy`)
        check(s.role === a.role, `${s.sessionId} reused for another role`)
        check(s.todosDone < maxTodosPerSession, `${s.sessionId} reused past its limit`)
        if (!reuseUnrelated && a.kind === 'steal') check(s.todosDone === 0, 'used session got unrelated work')
      }
      if (s.model) check(!cooling.has(s.model.providerID), `work sent to cooling ${s.model.providerID}`)
      s.busy = true
      s.todoId = t.id
    }

    // Caps hold over every busy session.
    const busy = sessions.filter((s) => s.busy)
    maxBusy = Math.max(maxBusy, busy.length)
    check(busy.length <= caps.total, `total ${busy.length} > ${caps.total}`)
    const count = (f: (s: SimSession) => string | undefined) => {
      const m = new Map<string, number>()
      for (const s of busy) {
        const k = f(s)
        if (k !== undefined) m.set(k, (m.get(k) ?? 0) + 1)
      }
      return m
    }
    for (const [role, n] of count((s) => s.role))
      check(n <= (caps.perRole?.[role as Role] ?? Infinity), `role ${role}: ${n} busy`)
    for (const [p, n] of count((s) => s.model?.providerID))
      check(n <= (caps.perProvider?.[p] ?? Infinity), `provider ${p}: ${n} busy`)
    for (const [m, n] of count((s) => s.model && `${s.model.providerID}/${s.model.modelID}`))
      check(n <= (caps.perModel?.[m] ?? Infinity), `model ${m}: ${n} busy`)

    // No file is held by two todos at once.
    const owner = new Map<string, string>()
    for (const t of todos)
      if (FILE_HOLDING_STATUSES.has(t.status))
        for (const f of new Set(t.files)) {
          check(!owner.has(f), `${f} held by ${owner.get(f)} and ${t.id}`)
          owner.set(f, t.id)
        }

    if (todos.every((t) => t.status === 'passed')) return { maxBusy }
    // Liveness: with nothing cooling and nothing running, something must have been dispatched.
    if (cooling.size === 0 && busy.length === 0) throw new Error(`stalled at tick ${tick} (seed ${seed})`)

    // Some busy sessions finish their turn.
    for (const s of busy) {
      if (rnd() < 0.4) continue
      const t = byId.get(s.todoId ?? '') as SchedulerTodo
      s.busy = false
      s.todosDone++
      s.lastFiles = t.files
      if (s.role === 'worker') t.status = 'reported'
      else if (rnd() < 0.8) t.status = 'passed'
      else {
        t.status = 'pending'
        const worker = sessions.find((x) => x.role === 'worker' && x.todoId === t.id)
        t.affinity = worker ? [worker.sessionId] : []
      }
    }
  }
  throw new Error(`mission did not finish (seed ${seed})`)
}

describe('schedule: random workloads', () => {
  it('never exceeds a cap, never shares a file, never stalls, and runs in parallel', () => {
    let parallel = 0
    for (let seed = 1; seed <= 150; seed++) {
      if (simulate(seed).maxBusy > 1) parallel++
    }
    expect(parallel).toBeGreaterThan(100)
  })
})

describe('sessions bound to a todo (worktree mode: they work in its folder)', () => {
  it('take only their own todo, by affinity; other todos get new sessions', () => {
    const out = run({
      todos: [
        todo('b', ['b.ts']),
        todo('a', ['a.ts'], { affinity: ['w-a'] }),
        todo('c', ['shared.ts'], { affinity: ['w-b'] }),
      ],
      sessions: [
        // Warm on b's file and blank: neither may take b, which is not theirs.
        session('w-a', { boundTo: 'a', lastFiles: ['b.ts'] }),
        session('w-b', { boundTo: 'b', todosDone: 0 }),
      ],
    })
    expect(out.map((x) => [x.todoId, x.sessionId, x.kind])).toEqual([
      ['a', 'w-a', 'affinity'],
      ['b', 'new', 'new'],
      ['c', 'new', 'new'],
    ])
  })
})
