import { appendFile, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  OUTPUT_TAIL_BYTES,
  type JournalEntry,
  type JournalEntryInput,
} from '../../../src/engine/record/entries'
import {
  MissionJournal,
  outputTail,
  parseEntries,
  sanitizeEntry,
  serializeEntry,
} from '../../../src/engine/record/journal'
import { replay } from '../../../src/engine/record/replay'
import type { PlanTodo } from '../../../src/engine/protocol/mission-protocol'
import { scrubSecrets } from '../../../src/engine/util/scrub-secrets'
import { STEER_KEPT } from '../../../src/engine/record/steering-receipts'
import { FakeClock } from '../../fixtures/fake-clock'
import { MemoryStore } from '../../fixtures/memory-journal'
import { JournalFile } from '../../../src/node/journal-file'

const planTodo = (id: string, files: string[], dependsOn: string[] = []): PlanTodo => ({
  id,
  title: `do ${id}`,
  description: `describe ${id}`,
  files,
  dependsOn,
  acceptance: [`${id} works`],
})

/** A mission with every entry type: a review failure, a requeue, a failing check, a re-plan, completion. */
const script: JournalEntryInput[] = [
  {
    type: 'mission.started',
    goal: 'add auth',
    options: { concurrency: 3, maxTokens: 100000, serverPassword: 'hunter2', models: { worker: 'p/m' } },
  },
  {
    type: 'plan.accepted',
    iteration: 1,
    todos: [planTodo('api', ['src/api.ts']), planTodo('ui', ['src/ui.ts'], ['api'])],
  },
  { type: 'session.created', sessionId: 'w1', role: 'worker', todoId: 'api' },
  { type: 'todo.dispatched', todoId: 'api', sessionId: 'w1', attempt: 1 },
  { type: 'usage', sessionId: 'w1', role: 'worker', tokens: 1200, cost: 0.01 },
  {
    type: 'todo.reported',
    todoId: 'api',
    status: 'done',
    summary: 'added login route',
    filesChanged: ['src/api.ts'],
  },
  { type: 'session.created', sessionId: 'r1', role: 'reviewer', todoId: 'api' },
  { type: 'todo.dispatched', todoId: 'api', sessionId: 'r1', attempt: 1 },
  { type: 'usage', sessionId: 'r1', role: 'reviewer', tokens: 300, cost: 0.002 },
  { type: 'todo.verdict', todoId: 'api', verdict: 'fail', findings: ['no test for logout'] },
  { type: 'todo.requeued', todoId: 'api', reason: 'review failed' },
  { type: 'todo.dispatched', todoId: 'api', sessionId: 'w1', attempt: 2 },
  {
    type: 'todo.reported',
    todoId: 'api',
    status: 'done',
    summary: 'added logout test',
    filesChanged: ['src/api.ts'],
  },
  { type: 'todo.dispatched', todoId: 'api', sessionId: 'r1', attempt: 2 },
  { type: 'todo.verdict', todoId: 'api', verdict: 'pass', findings: [] },
  { type: 'session.created', sessionId: 'w2', role: 'worker', todoId: 'ui' },
  { type: 'todo.dispatched', todoId: 'ui', sessionId: 'w2', attempt: 1 },
  { type: 'todo.reported', todoId: 'ui', status: 'blocked', summary: 'needs design', filesChanged: [] },
  { type: 'todo.requeued', todoId: 'ui', reason: 'blocked' },
  { type: 'todo.dispatched', todoId: 'ui', sessionId: 'w2', attempt: 2 },
  { type: 'todo.reported', todoId: 'ui', status: 'done', summary: 'form added', filesChanged: ['src/ui.ts'] },
  { type: 'todo.dispatched', todoId: 'ui', sessionId: 'r1', attempt: 1 },
  { type: 'todo.verdict', todoId: 'ui', verdict: 'pass', findings: [] },
  {
    type: 'evidence',
    command: 'npm test',
    exitCode: 1,
    durationMs: 4200,
    outputTail: 'FAIL src/ui.test.ts\nAPI_KEY=sk-abcdefghijklmnopqrstuvwxyz\n1 failed',
  },
  { type: 'plan.accepted', iteration: 2, todos: [planTodo('ui', ['src/ui.ts', 'src/ui.test.ts'], ['api'])] },
  { type: 'todo.dispatched', todoId: 'ui', sessionId: 'w2', attempt: 3 },
  {
    type: 'todo.reported',
    todoId: 'ui',
    status: 'done',
    summary: 'fixed test',
    filesChanged: ['src/ui.test.ts'],
  },
  { type: 'todo.dispatched', todoId: 'ui', sessionId: 'r1', attempt: 2 },
  { type: 'todo.verdict', todoId: 'ui', verdict: 'pass', findings: [] },
  { type: 'evidence', command: 'npm test', exitCode: 0, durationMs: 3900, outputTail: 'all passed' },
  { type: 'steering.queued', sessionId: 'w2', id: 'steer_1', text: 'use token: hunter2 for the API' },
  { type: 'steering.delivered', sessionId: 'w2', ids: ['steer_1'] },
  { type: 'mission.ended', status: 'completed', reason: 'check passed' },
]

async function runScript(entries: readonly JournalEntryInput[]) {
  const clock = new FakeClock(1_700_000_000_000)
  const store = new MemoryStore()
  const { journal } = await MissionJournal.open({ store, clock })
  const states = []
  for (const e of entries) {
    clock.advance(250)
    await journal.append(e)
    states.push(journal.snapshot())
  }
  return { journal, store, states }
}

describe('journal replay', () => {
  it('rebuilds exactly the live state after every entry', async () => {
    const { store, states } = await runScript(script)
    const { entries, skipped } = parseEntries(store.lines)
    expect(skipped).toBe(0)
    expect(entries).toHaveLength(script.length)
    for (let i = 0; i < entries.length; i++) expect(replay(entries.slice(0, i + 1))).toStrictEqual(states[i])
  })

  it('resumes a journal opened on the same store with the same state, and keeps appending', async () => {
    const { journal, store } = await runScript(script.slice(0, 12))
    const { journal: resumed } = await MissionJournal.open({ store, clock: new FakeClock(1_800_000_000_000) })
    expect(resumed.snapshot()).toStrictEqual(journal.snapshot())
    await resumed.append({ type: 'mission.ended', status: 'stopped', reason: 'user stop' })
    expect(replay(parseEntries(store.lines).entries)).toStrictEqual(resumed.snapshot())
  })

  it('follows the todo life cycle', async () => {
    const { states } = await runScript(script)
    const api = (i: number) => states[i]?.todos.api
    expect(api(1)?.status).toBe('pending')
    expect(api(3)).toMatchObject({ status: 'running', sessionId: 'w1', attempts: 1 })
    expect(api(5)).toMatchObject({
      status: 'reported',
      summary: 'added login route',
      filesChanged: ['src/api.ts'],
    })
    expect(api(7)).toMatchObject({
      status: 'reviewing',
      reviewerSessionId: 'r1',
      sessionId: 'w1',
      attempts: 1,
    })
    expect(api(9)).toMatchObject({ status: 'failed', verdict: 'fail', findings: ['no test for logout'] })
    expect(api(10)).toMatchObject({ status: 'pending', requeueReason: 'review failed', sessionId: 'w1' })
    expect(api(11)).toMatchObject({ status: 'running', attempts: 2 })
    expect(api(14)).toMatchObject({ status: 'passed', verdict: 'pass', findings: [] })
    // The failed review of attempt 1 stays on record after the pass.
    expect(api(14)?.reviews).toEqual([
      { attempt: 1, verdict: 'fail', findings: ['no test for logout'] },
      { attempt: 2, verdict: 'pass', findings: [] },
    ])
    expect(states[17]?.todos.ui?.status).toBe('blocked')
  })

  it('keeps every attempt: its worker, report, reviewer, findings and requeue, across a re-plan', async () => {
    const { states } = await runScript(script)
    const last = states.at(-1)
    expect(last?.todos.api?.history).toEqual([
      {
        attempt: 1,
        sessionId: 'w1',
        report: { status: 'done', summary: 'added login route', filesChanged: ['src/api.ts'] },
        reviewerSessionId: 'r1',
        review: { verdict: 'fail', findings: ['no test for logout'] },
        requeued: 'review failed',
      },
      {
        attempt: 2,
        sessionId: 'w1',
        report: { status: 'done', summary: 'added logout test', filesChanged: ['src/api.ts'] },
        reviewerSessionId: 'r1',
        review: { verdict: 'pass', findings: [] },
      },
    ])
    expect(
      last?.todos.ui?.history.map((a) => [a.attempt, a.report?.status, a.requeued, a.review?.verdict]),
    ).toEqual([
      [1, 'blocked', 'blocked', undefined],
      [2, 'done', undefined, 'pass'],
      [3, 'done', undefined, 'pass'], // the re-plan kept the earlier attempts
    ])
  })

  it('reopens only the todos a revised plan lists, keeping their attempts', async () => {
    const { states } = await runScript(script)
    const before = states[23]
    const after = states[24]
    expect(before?.todos.ui).toMatchObject({ status: 'passed', attempts: 2 })
    expect(after?.iteration).toBe(2)
    expect(after?.todos.ui).toMatchObject({
      status: 'pending',
      attempts: 2,
      iteration: 2,
      files: ['src/ui.ts', 'src/ui.test.ts'],
      sessionId: 'w2',
    })
    expect(after?.todos.api).toStrictEqual(before?.todos.api)
    expect(after?.todoOrder).toEqual(['api', 'ui'])
  })

  it('totals usage per session and per mission, and ends with the reason', async () => {
    const { journal } = await runScript(script)
    const s = journal.snapshot()
    expect(s.sessions.w1).toMatchObject({ role: 'worker', todoId: 'api', tokens: 1200, cost: 0.01 })
    expect(s.sessions.r1).toMatchObject({ role: 'reviewer', tokens: 300, cost: 0.002 })
    expect(s.tokens).toBe(1500)
    expect(s.cost).toBeCloseTo(0.012)
    expect(s.evidence.map((e) => [e.iteration, e.exitCode])).toEqual([
      [1, 1],
      [2, 0],
    ])
    expect(s).toMatchObject({ status: 'completed', reason: 'check passed', goal: 'add auth' })
    expect(s.endedAt).toBeGreaterThan(s.startedAt ?? Infinity)
  })

  it('folds steering receipts per session: queued, then delivered or dropped, only the messages named', async () => {
    const { states, store } = await runScript([
      { type: 'mission.started', goal: 'g', options: {} },
      { type: 'session.created', sessionId: 'w1', role: 'worker', todoId: 'a' },
      { type: 'steering.queued', sessionId: 'w1', id: 'steer_1', text: 'keep the API' },
      { type: 'steering.queued', sessionId: 'w1', id: 'steer_2', text: 'and the docs' },
      { type: 'steering.delivered', sessionId: 'w1', ids: ['steer_1'] },
      // A settled message never changes again; the one still queued is dropped with the note.
      { type: 'steering.dropped', sessionId: 'w1', ids: ['steer_1', 'steer_2'], note: 'the mission ended' },
      { type: 'steering.queued', sessionId: 'w1', id: 'steer_3', text: 'one more' },
      // Entries about an unknown session change nothing; a session journaled again keeps its receipts.
      { type: 'steering.queued', sessionId: 'nobody', id: 'steer_4', text: 'lost' },
      { type: 'session.created', sessionId: 'w1', role: 'worker', todoId: 'a' },
    ])
    const at = (i: number) => 1_700_000_000_000 + 250 * (i + 1)
    const last = states.at(-1)
    expect(last?.sessions.w1?.steering).toEqual([
      { id: 'steer_1', text: 'keep the API', status: 'delivered', queuedAt: at(2), deliveredAt: at(4) },
      { id: 'steer_2', text: 'and the docs', status: 'dropped', queuedAt: at(3), note: 'the mission ended' },
      { id: 'steer_3', text: 'one more', status: 'queued', queuedAt: at(6) },
    ])
    expect(last?.sessions.nobody).toBeUndefined()
    expect(states[2]?.sessions.w1?.steering?.map((m) => m.status)).toEqual(['queued'])
    const { entries, skipped } = parseEntries(store.lines)
    expect(skipped).toBe(0)
    expect(replay(entries)).toStrictEqual(last)
  })

  it(`keeps at most ${STEER_KEPT} steering receipts per session, never dropping a queued one`, async () => {
    const queued = (n: number): JournalEntryInput => ({
      type: 'steering.queued',
      sessionId: 'w1',
      id: `steer_${n}`,
      text: `m${n}`,
    })
    const { journal } = await runScript([
      { type: 'mission.started', goal: 'g', options: {} },
      { type: 'session.created', sessionId: 'w1', role: 'worker' },
      ...Array.from({ length: STEER_KEPT }, (_, i) => queued(i + 1)),
      { type: 'steering.delivered', sessionId: 'w1', ids: ['steer_1', 'steer_2', 'steer_3'] },
      queued(STEER_KEPT + 1),
      queued(STEER_KEPT + 2),
    ])
    const kept = journal.snapshot().sessions.w1?.steering ?? []
    expect(kept).toHaveLength(STEER_KEPT)
    expect(kept.map((m) => m.id).slice(0, 2)).toEqual(['steer_3', 'steer_4'])
    expect(kept.at(-1)?.id).toBe(`steer_${STEER_KEPT + 2}`)
  })

  it('is pure: replay does not touch its inputs', async () => {
    const { store } = await runScript(script)
    const entries = parseEntries(store.lines).entries
    const copy = structuredClone(entries)
    const base = replay(entries.slice(0, 2))
    const baseCopy = structuredClone(base)
    replay(entries.slice(2), base)
    expect(entries).toStrictEqual(copy)
    expect(base).toStrictEqual(baseCopy)
    expect(replay(entries.slice(2), base)).toStrictEqual(replay(entries))
  })

  it('shares the timeline between snapshots, and never changes a lane a snapshot holds', async () => {
    const { journal } = await MissionJournal.open({ store: new MemoryStore(), clock: new FakeClock(1_000) })
    const lane = (sessionId: string, from: number): JournalEntryInput => ({
      type: 'timeline',
      sessionId,
      from,
      spans: [['thinking', 0, 100]],
    })
    await journal.append(script[0]!)
    await journal.append(lane('w1', 1_000))
    const before = journal.snapshot()
    await journal.append({ type: 'session.created', sessionId: 'w1', role: 'worker' })
    // No copy of the timeline per entry: it is the bulk of a long mission's state.
    expect(journal.snapshot().timeline).toBe(before.timeline)
    const held = structuredClone(before.timeline)
    await journal.append(lane('w1', 1_500))
    await journal.append(lane('w2', 2_000))
    expect(before.timeline).toStrictEqual(held)
    expect(journal.snapshot().timeline.map((l) => [l.sessionId, l.spans.length])).toEqual([
      ['w1', 2],
      ['w2', 1],
    ])
  })

  it('keeps the folder a mission started in, and replays a start that names none', () => {
    const start = { type: 'mission.started', version: 1, goal: 'g', options: {} } as const
    expect(replay([{ ...start, at: 1, directory: '/work/a' }]).directory).toBe('/work/a')
    const old = replay([{ ...start, at: 1 }])
    expect(old.status).toBe('running')
    expect(old.directory).toBeUndefined()
  })

  it('skips blank, unknown and misshapen lines, and counts them', () => {
    const good = serializeEntry({ type: 'todo.requeued', at: 1, todoId: 'a', reason: 'x' })
    const { entries, skipped } = parseEntries([
      good,
      '',
      '{"type":"nope","at":1}',
      '[1]',
      '{"type":"todo.requeued","todoId":"a","reason":"x"}', // no `at`
      '{"type":"plan.accepted","at":1,"iteration":2}', // no todos: the reducer would throw
      '{"type":"todo.reported","at":1,"todoId":"a","status":"done","summary":"s","filesChanged":"a.ts"}',
      good,
    ])
    expect(entries).toHaveLength(2)
    expect(skipped).toBe(5)
    expect(() => replay(entries)).not.toThrow()
  })

  it('resumes over a torn tail as a crash leaves it on disk, and the next entry is not glued onto it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'journal-torn-'))
    try {
      const path = join(dir, 'm.jsonl')
      const { journal: first } = await MissionJournal.open({
        store: new JournalFile(path),
        clock: new FakeClock(1),
      })
      for (const e of script.slice(0, 4)) await first.append(e)
      // The crash: the first bytes of the next line, no line end after them.
      const next = serializeEntry({ type: 'todo.requeued', at: 2, todoId: 'api', reason: 'lost' })
      await appendFile(path, next.slice(0, next.length / 2))
      const { journal: resumed, skipped } = await MissionJournal.open({
        store: new JournalFile(path),
        clock: new FakeClock(10),
      })
      expect(skipped).toBe(1)
      await resumed.append(script[5]!) // the todo reported
      const reread = parseEntries(await new JournalFile(path).readAll())
      expect(reread).toMatchObject({ skipped: 0, entries: { length: 5 } })
      expect(replay(reread.entries)).toStrictEqual(resumed.snapshot())
      expect(resumed.snapshot().todos.api?.status).toBe('reported')
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})

describe('journal hygiene', () => {
  it('stores no secret from options, text or evidence', async () => {
    const { store, journal } = await runScript(script)
    const disk = store.lines.join('\n')
    expect(disk).not.toContain('hunter2')
    expect(journal.snapshot().sessions.w2?.steering?.[0]?.text).toBe('use token: [redacted]')
    expect(disk).not.toContain('sk-abcdefghijklmnopqrstuvwxyz')
    expect(journal.snapshot().options).toEqual({
      concurrency: 3,
      maxTokens: 100000,
      serverPassword: '[redacted]',
      models: { worker: 'p/m' },
    })
    expect(journal.snapshot().evidence[0]?.outputTail).toBe(
      'FAIL src/ui.test.ts\nAPI_KEY= [redacted]\n1 failed',
    )
  })

  it('stores only the tail of a long check output', async () => {
    const output = Array.from({ length: 10_000 }, (_, i) => `test ${i} ok`).join('\n')
    const { store, journal } = await runScript([
      { type: 'mission.started', goal: 'g', options: {} },
      { type: 'evidence', command: 'npm test', exitCode: 0, durationMs: 1, outputTail: output },
    ])
    expect(store.lines[1]?.length).toBeLessThan(2 * OUTPUT_TAIL_BYTES)
    expect(journal.snapshot().evidence[0]?.outputTail).toBe(outputTail(output))
  })

  it('scrubs secret assignments and well-known key shapes', () => {
    const input = [
      'ok line',
      'OPENAI_API_KEY=sk-proj-aaaaaaaaaaaaaaaaaaaa',
      '  "password": "p@ss w0rd",',
      'client_secret : abc',
      'auth token=xyz123',
      'Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.payload.sig',
      'pushed with ghp_abcdefghijklmnopqrstuvwxyz0123',
      'aws AKIAABCDEFGHIJKLMNOP here',
      '-----BEGIN RSA PRIVATE KEY-----',
      'MIIEowIBAAKCAQEA',
      '-----END RSA PRIVATE KEY-----',
      'tokens: 1234 used',
    ].join('\n')
    const out = scrubSecrets(input)
    for (const secret of ['sk-proj', 'p@ss', 'abc', 'xyz123', 'eyJhbG', 'ghp_', 'AKIAABCD', 'MIIEow'])
      expect(out).not.toContain(secret)
    expect(out).toContain('ok line')
    expect(out).toContain('tokens: 1234 used')
    expect(scrubSecrets(out)).toBe(out)
  })

  it('keeps only the last 4 KB of output', () => {
    const lines = Array.from({ length: 2000 }, (_, i) => `line ${i} ${'x'.repeat(20)}`)
    const tail = outputTail(lines.join('\n'))
    expect(new TextEncoder().encode(tail).length).toBe(OUTPUT_TAIL_BYTES)
    expect(tail.endsWith(`line 1999 ${'x'.repeat(20)}`)).toBe(true)
    expect(tail).not.toContain('line 1800 ')
  })

  it('scrubs before cutting, so a cut through the key does not leave the value', () => {
    const after = 'z'.repeat(OUTPUT_TAIL_BYTES - 'word: hunter2\n'.length)
    const output = `${'a'.repeat(9000)}\npassword: hunter2\n${after}`
    // The cut lands inside "password": cutting first would keep "word: hunter2".
    expect(output.slice(-OUTPUT_TAIL_BYTES).startsWith('word: hunter2')).toBe(true)
    const tail = outputTail(output)
    expect(tail).not.toContain('hunter2')
    expect(tail.endsWith(after)).toBe(true)
  })

  it('never starts the tail inside a multi-byte character, and leaves short output alone', () => {
    const tail = outputTail(`head\n${'é'.repeat(5000)}\n${'日本'.repeat(3000)}`)
    expect(tail).not.toContain('\uFFFD')
    expect(new TextEncoder().encode(tail).length).toBeGreaterThan(OUTPUT_TAIL_BYTES - 3)
    expect(new TextEncoder().encode(tail).length).toBeLessThanOrEqual(OUTPUT_TAIL_BYTES)
    expect(outputTail('short\noutput')).toBe('short\noutput')
  })

  it('keeps the tail of one very long line (e.g. a JSON reporter)', () => {
    const tail = outputTail(`{"results":[${'1,'.repeat(50_000)}2]}`)
    expect(tail.endsWith('1,2]}')).toBe(true)
    expect(tail.length).toBe(OUTPUT_TAIL_BYTES)
  })

  it('sanitises idempotently', () => {
    const e: JournalEntry = {
      type: 'evidence',
      at: 1,
      command: 'TOKEN=abc npm test',
      exitCode: 1,
      durationMs: 5,
      outputTail: 'x\n'.repeat(5000) + 'secret=1',
    }
    const once = sanitizeEntry(e)
    expect(once).toMatchObject({ command: 'TOKEN= [redacted]' })
    expect(once.type === 'evidence' && once.outputTail.length).toBe(OUTPUT_TAIL_BYTES)
    expect(sanitizeEntry(once)).toStrictEqual(once)
  })
})
