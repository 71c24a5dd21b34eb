import { describe, expect, it } from 'vitest'
import type { MissionState } from '../../src/engine/record/mission-state'
import {
  EVIDENCE_TAIL_LINES,
  isHostToWebview,
  isWebviewToHost,
  PROTOCOL_VERSION,
} from '../../src/shared/protocol'
import { missionDelta } from '../../src/shared/mission-delta'
import { buildSnapshot, toMissionView } from '../../src/vscode/snapshot'
import { baselineRun, roundRun } from '../fixtures/check-runs'

describe('webview protocol guards', () => {
  it('is at version 9', () => {
    expect(PROTOCOL_VERSION).toBe(9)
  })

  it('accepts the known webview messages', () => {
    for (const ok of [
      { type: 'ready', protocol: 2 },
      { type: 'mission.start', goal: 'x' },
      { type: 'mission.stop' },
      { type: 'mission.pause' },
      { type: 'mission.resume' },
      { type: 'mission.keepWaiting' },
      { type: 'mission.answerBaseline', answer: 'continue' },
      { type: 'mission.answerBaseline', answer: 'stop' },
      { type: 'mission.answerBaseline', answer: 'changeCheck' },
      { type: 'mission.answerBaseline', answer: 'changeCheck', command: 'npm run test:unit' },
      { type: 'walkthrough.open' },
      { type: 'permission.reply', requestId: 'per_1', reply: 'once' },
      { type: 'permission.reply', requestId: 'per_1', reply: 'always' },
      { type: 'permission.reply', requestId: 'per_1', reply: 'reject' },
      { type: 'agent.transcript', sessionId: 'ses_1' },
      { type: 'file.diff', todoId: 'api', path: 'src/api.ts' },
      { type: 'rendered', seq: 7 },
      { type: 'changes.act', action: 'apply' },
      { type: 'changes.act', action: 'review' },
      { type: 'changes.act', action: 'keep' },
      { type: 'changes.act', action: 'discard' },
      { type: 'changes.merge', path: 'src/a.ts' },
      { type: 'interrupted.resume', id: 'm-1' },
      { type: 'interrupted.discard', id: 'm-1' },
    ])
      expect(isWebviewToHost(ok), JSON.stringify(ok)).toBe(true)
  })

  it('rejects unknown kinds, wrong payloads and non-objects', () => {
    for (const bad of [
      null,
      'ready',
      { type: 'agent.kill' },
      { type: 'ready' },
      { type: 'ready', protocol: '1' },
      { type: 'mission.start', goal: 42 },
      { type: 'mission.start', goal: 'x'.repeat(20_001) },
      { type: 'permission.reply', requestId: 'per_1' },
      { type: 'interrupted.resume' },
      { type: 'interrupted.discard', id: '' },
      { type: 'permission.reply', requestId: 'per_1', reply: 'yes' },
      { type: 'permission.reply', requestId: 'per_1', reply: 'ONCE' },
      { type: 'permission.reply', requestId: 'per_1', reply: ['once'] },
      { type: 'permission.reply', requestId: 1, reply: 'once' },
      { type: 'permission.reply', requestId: { id: 'per_1' }, reply: 'once' },
      { type: 'permission.reply', requestId: '', reply: 'once' },
      { type: 'permission.reply', requestId: 'x'.repeat(513), reply: 'once' },
      { type: 'permission.reply', reply: 'once' },
      { type: 'agent.transcript' },
      { type: 'agent.transcript', sessionId: '' },
      { type: 'changes.act' },
      { type: 'changes.act', action: 'merge' },
      { type: 'changes.act', action: 'Apply' },
      { type: 'changes.merge' },
      { type: 'changes.merge', path: '' },
      { type: 'changes.merge', path: 'x'.repeat(4097) },
      { type: 'file.diff', todoId: 'api' },
      { type: 'file.diff', todoId: 'api', path: '' },
      { type: 'file.diff', path: 'a.ts' },
      { type: 'rendered' },
      { type: 'rendered', seq: '3' },
      { type: 'rendered', seq: 1.5 },
      { type: 'mission.answerBaseline' },
      { type: 'mission.answerBaseline', answer: 'yes' },
      { type: 'mission.answerBaseline', answer: 'changeCheck', command: '  ' },
      { type: 'mission.answerBaseline', answer: 'changeCheck', command: 7 },
      { type: 'mission.answerBaseline', answer: 'changeCheck', command: 'x'.repeat(4097) },
    ])
      expect(isWebviewToHost(bad), JSON.stringify(bad)).toBe(false)
  })

  it('checks host messages too', () => {
    expect(isHostToWebview({ type: 'snapshot', protocol: 2, state: { server: { status: 'ready' } } })).toBe(
      true,
    )
    expect(isHostToWebview({ type: 'snapshot', protocol: 2 })).toBe(false)
    expect(isHostToWebview({ type: 'other' })).toBe(false)
    expect(isHostToWebview({ type: 'delta', protocol: 3, seq: 2, base: 1, mission: { id: 'm' } })).toBe(true)
    expect(isHostToWebview({ type: 'delta', protocol: 3, seq: 2, mission: { id: 'm' } })).toBe(false)
    expect(isHostToWebview({ type: 'delta', protocol: 3, seq: 2, base: 1, mission: {} })).toBe(false)
  })
})

const state = (patch: Partial<MissionState> = {}): MissionState => ({
  id: 'm1',
  goal: 'Add a farewell function',
  phase: 'working',
  iteration: 2,
  paused: true,
  startedAt: 1_000,
  agents: [
    {
      sessionId: 's1',
      role: 'worker',
      title: 'Worker: api',
      todoId: 'api',
      status: 'retry',
      tool: 'edit',
      tokens: 10,
      cost: 0.5,
      retry: { attempt: 2, message: 'rate limited', next: 9_000 },
      startedAt: 1_000,
      lastActivityAt: 2_000,
      busyMs: 0,
    },
  ],
  todos: [
    {
      id: 'api',
      title: 'Add the API',
      status: 'running',
      attempts: 2,
      files: ['src/api.ts'],
      dependsOn: [],
      findings: ['no test'],
      filesChanged: ['src/api.ts'],
      reviews: [{ attempt: 1, verdict: 'fail', findings: ['no test'] }],
      history: [
        {
          attempt: 1,
          sessionId: 'ses_w1',
          report: { status: 'done', summary: 'added the API', filesChanged: ['src/api.ts'] },
          reviewerSessionId: 'ses_r1',
          review: { verdict: 'fail', findings: ['no test'] },
          requeued: 'review failed',
        },
        { attempt: 2, sessionId: 'ses_w2' },
      ],
    },
  ],
  evidence: [
    { iteration: 1, command: 'npm test', exitCode: 1, durationMs: 50, outputTail: 'old' },
    {
      iteration: 2,
      command: 'npm test',
      exitCode: null,
      durationMs: 60_000,
      outputTail: Array.from({ length: 100 }, (_, i) => `line ${i}`).join('\n') + '\n',
    },
  ],
  checks: [],
  inbox: [
    {
      requestId: 'per_1',
      sessionId: 'child-session',
      role: 'worker',
      todoId: 'api',
      permission: 'bash',
      patterns: ['rm -rf build'],
    },
  ],
  tokens: 10,
  cost: 0.5,
  modelCalls: 3,
  budgets: {},
  timeline: [],
  ...patch,
})

describe('mission snapshot for the webview', () => {
  it("carries the mission's question to the user without the session it is about", () => {
    const needsYou = {
      kind: 'stuck',
      role: 'planner',
      sessionId: 'ses_p',
      reason: 'waiting on p',
      deadline: 9,
    } as const
    expect(toMissionView(state({ needsYou })).needsYou).toEqual({
      kind: 'stuck',
      role: 'planner',
      reason: 'waiting on p',
      deadline: 9,
    })
    expect(toMissionView(state()).needsYou).toBeUndefined()
  })

  it('carries todos, iteration, pause, inbox, agents with todo and retry', () => {
    const view = toMissionView(state())
    expect(view).toMatchObject({ iteration: 2, paused: true })
    expect(view.todos).toEqual([
      {
        id: 'api',
        title: 'Add the API',
        status: 'running',
        attempts: 2,
        files: ['src/api.ts'],
        dependsOn: [],
        findings: ['no test'],
        filesChanged: ['src/api.ts'],
        reviews: [{ attempt: 1, verdict: 'fail', findings: ['no test'] }],
        history: state().todos[0]?.history,
        folded: [],
      },
    ])
    expect(view.agents[0]).toMatchObject({
      todoId: 'api',
      tool: 'edit',
      retry: { attempt: 2, message: 'rate limited', next: 9_000 },
    })
    // The view answers by request id; the session id stays in the host.
    expect(view.inbox).toEqual([
      { requestId: 'per_1', role: 'worker', todoId: 'api', permission: 'bash', patterns: ['rm -rf build'] },
    ])
  })

  it('carries every check run, the output only of the baseline and the latest, at most its last lines', () => {
    const long = Array.from({ length: 100 }, (_, i) => `line ${i}`).join('\n') + '\n'
    const checks = [
      baselineRun({ outputTail: 'base failure' }),
      roundRun(1, { outputTail: 'round 1 output' }),
      roundRun(2, { exitCode: null, durationMs: 60_000, outputTail: long, vsBaseline: 'new-failures' }),
    ]
    const view = toMissionView(state({ checks }))
    expect(
      view.checks?.map((c) => [c.kind, c.iteration, c.exitCode, c.vsBaseline ?? c.classification]),
    ).toEqual([
      ['baseline', 0, 1, 'fails'],
      ['round', 1, 1, 'unchanged'],
      ['round', 2, null, 'new-failures'],
    ])
    expect(view.checks?.[0]).toMatchObject({
      command: 'npm test',
      cwd: '.',
      tail: 'base failure',
      passed: false,
    })
    expect(view.checks?.[1]).not.toHaveProperty('tail')
    const lines = view.checks![2]!.tail!.split('\n')
    expect(lines).toHaveLength(EVIDENCE_TAIL_LINES)
    expect(lines.at(-1)).toBe('line 99')
    expect(toMissionView(state()).checks).toBeUndefined()
    const huge = toMissionView(state({ checks: [roundRun(1, { outputTail: 'x'.repeat(1e6) })] }))
    expect(huge.checks![0]!.tail!.length).toBeLessThanOrEqual(4_000)
  })

  it("carries the baseline question with its run, and keeps a run's view while the run is the same", () => {
    const baseline = baselineRun({
      command: 'nonexistent-tool-xyz --run',
      exitCode: 127,
      outputTail: 'sh: nonexistent-tool-xyz: not found',
      classification: 'not-set-up',
      diagnosis: 'command not found (exit 127)',
    })
    const reason = 'nonexistent-tool-xyz --run: command not found (exit 127)'
    const s = state({ checks: [baseline], needsYou: { kind: 'baseline', baseline, reason } })
    const view = toMissionView(s)
    expect(view.needsYou).toEqual({
      kind: 'baseline',
      reason,
      check: {
        kind: 'baseline',
        iteration: 0,
        command: 'nonexistent-tool-xyz --run',
        source: 'package.json scripts.test',
        cwd: '.',
        exitCode: 127,
        durationMs: 1_200,
        passed: false,
        tail: 'sh: nonexistent-tool-xyz: not found',
        classification: 'not-set-up',
        diagnosis: 'command not found (exit 127)',
      },
    })
    const again = toMissionView({ ...s, tokens: 11 })
    expect(again.checks).toBe(view.checks)
    expect(missionDelta(view, again)).toEqual({ id: view.id, fields: { tokens: 11 } })
  })

  it('keeps a todo view while its state and folded agents are the same, so deltas skip the todos', () => {
    const s = state()
    const first = toMissionView(s)
    const again = toMissionView({ ...s, tokens: 11 })
    expect(again.todos[0]).toBe(first.todos[0])
    expect(missionDelta(first, again)).toEqual({ id: first.id, fields: { tokens: 11 } })
    // A changed todo is a new view, and the delta carries it.
    const todos = [{ ...s.todos[0]!, status: 'passed' as const }]
    const changed = toMissionView({ ...s, todos })
    expect(changed.todos[0]).not.toBe(first.todos[0])
    expect(missionDelta(first, changed)?.todos?.[0]?.status).toBe('passed')
  })

  it('carries what else the dashboard offers: the mission starting, the interrupted one, the list', () => {
    const starting = { goal: 'key sk-abcdefghijklmnopqrstuvwxyz0123', step: 'Starting', since: 1 }
    const interrupted = { id: 'i', goal: 'Resume me' }
    const missions = [{ id: 'i', goal: 'Resume me', status: 'interrupted' as const, startedAt: 1 }]
    const snap = buildSnapshot({ status: 'starting' }, undefined, undefined, undefined, undefined, {
      starting,
      interrupted,
      missions,
    })
    expect(snap).toMatchObject({ interrupted, missions, starting: { step: 'Starting' } })
    // A goal can quote a key: it is scrubbed on its way to the view.
    expect(snap.starting?.goal).not.toContain('sk-abcdefghijklmnopqrstuvwxyz0123')
  })

  it('survives a structured clone, as postMessage does', () => {
    const snap = buildSnapshot({ status: 'ready', url: 'http://127.0.0.1:1' }, state(), undefined)
    expect(structuredClone(snap)).toEqual(snap)
  })
})
