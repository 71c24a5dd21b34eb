import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { missionScript, type MissionScriptOptions } from '../../src/demo/mission-script'
import type { ChatRequest } from '../../src/demo/scripted-provider'
import { withJournaledOptions, type MissionOptions } from '../../src/engine/mission-options'
import { JournalFile } from '../../src/node/journal-file'
import { bashMissionScript } from '../fixtures/bash-mission'
import { todo, writes } from '../support/file-todos'
import { Sandbox } from '../support/sandbox'

let sandbox: Sandbox | undefined
afterEach(async () => {
  await sandbox?.dispose()
  sandbox = undefined
})

/** Six todos: a..e independent, f depends on a and b. */
const SIX = [todo('a'), todo('b'), todo('c'), todo('d'), todo('e'), todo('f', ['a', 'b'])]
/** A model call made after a mission tool's result: it can only say "done". */
const isClosingCall = (r: ChatRequest) =>
  r.toolResults.some((t) => /^(Plan accepted|Report recorded|Verdict recorded)/.test(t))

async function start(script: MissionScriptOptions, options: Partial<MissionOptions> = {}, latencyMs = 300) {
  const s = missionScript({ latencyMs, ...script })
  sandbox = await Sandbox.create({ script: s })
  const sup = await sandbox.supervise()
  const make = () =>
    sandbox!.mission(
      { sessions: sup, events: sup },
      { goal: 'Write six files', caps: { total: 3 }, ...options },
    )
  return { script: s, sup, make, provider: sandbox.provider, projectDir: sandbox.projectDir }
}

describe('missions against the real OpenCode server', () => {
  it('runs six todos with a dependency, at least three workers at once and never more than the cap', async () => {
    // 1 s per model call: long enough that three workers' calls overlap even on a busy machine.
    const { script, make, provider, projectDir } = await start({ plan: () => SIX, work: writes }, {}, 1_000)
    const final = await make().run()
    expect(final.phase, final.reason).toBe('completed')
    expect(final.todos.map((t) => [t.id, t.status, t.attempts])).toEqual(SIX.map((t) => [t.id, 'passed', 1]))
    for (const t of SIX) expect(readFileSync(join(projectDir, `${t.id}.txt`), 'utf8')).toBe(`${t.id}\n`)
    expect(script.stats.maxConcurrentWorkers).toBeGreaterThanOrEqual(3)
    expect(provider.maxInFlight).toBeLessThanOrEqual(3)
    // f ran only after a and b passed review.
    const log = script.stats.log
    const fStart = Math.min(
      ...log.filter((c) => c.role === 'worker' && c.todoId === 'f').map((c) => c.startedAt),
    )
    const abReviewed = Math.max(
      ...log
        .filter((c) => c.role === 'reviewer' && ['a', 'b'].includes(c.todoId ?? ''))
        .map((c) => c.endedAt ?? 0),
    )
    expect(fStart).toBeGreaterThanOrEqual(abReviewed)
    // Plan + (write, report) per todo + verdict per review: no title call, no delegation turn, and no
    // closing call after a mission tool (the engine ends the turn; the plugin holds the call till then).
    expect(provider.requests.filter((r) => r.kind === 'title')).toEqual([])
    expect(script.stats.calls.other).toBe(0)
    expect(provider.chatRequests.filter(isClosingCall).map((r) => r.toolResults)).toEqual([])
    expect(provider.chatRequests).toHaveLength(1 + 2 * SIX.length + SIX.length)
    expect(final.modelCalls).toBe(provider.chatRequests.filter((r) => !r.aborted).length)
  })

  it('sends a failed review back and passes on the second attempt', async () => {
    const { make, script } = await start({
      plan: () => [todo('a')],
      work: writes,
      review: (_id, attempt) =>
        attempt === 1 ? { verdict: 'fail', findings: ['a.txt lacks a header'] } : { verdict: 'pass' },
    })
    const final = await make().run()
    expect(final.phase, final.reason).toBe('completed')
    expect(final.todos[0]).toMatchObject({ status: 'passed', attempts: 2 })
    expect(script.stats.reviewAttempts.a).toBe(2)
  })

  it('re-plans after a failing check command and then completes', async () => {
    // The check sees what each round wrote, so a failing round is not the base's failure again.
    const { make, projectDir } = await start(
      { plan: (iteration) => (iteration === 1 ? [todo('a')] : [todo('fix', ['a'])]), work: writes },
      { check: 'test -f fix.txt || (echo "fix.txt is missing; found: $(ls *.txt 2>/dev/null)" && exit 3)' },
    )
    const final = await make().run()
    expect(final.phase, final.reason).toBe('completed')
    expect(final.iteration).toBe(2)
    expect(final.evidence.map((e) => e.exitCode)).toEqual([3, 0])
    expect(final.evidence[0]?.outputTail).toContain('fix.txt is missing')
    expect(existsSync(join(projectDir, 'fix.txt'))).toBe(true)
  })

  it('stops on the token budget with the reason', async () => {
    const { make } = await start({ plan: () => SIX, work: writes }, { budgets: { maxTokens: 20_000 } })
    const final = await make().run()
    expect(final.phase).toBe('failed')
    expect(final.reason).toMatch(/budget exhausted \(tokens\)/)
    expect(final.tokens).toBeGreaterThanOrEqual(20_000)
  })

  it('a user stop leaves no running session and no later model call', async () => {
    const { make, sup, provider } = await start({ plan: () => SIX, work: writes }, {}, 5_000)
    const mission = make()
    const done = mission.run()
    await provider.waitFor((r) => r.lastUserText.startsWith('todoId:'))
    const t0 = Date.now()
    await mission.stop()
    const stopMs = Date.now() - t0
    expect((await done).phase).toBe('stopped')
    expect(stopMs).toBeLessThan(1_000)
    const calls = provider.requests.length
    await new Promise((r) => setTimeout(r, 1_500))
    expect(await sup.statuses()).toEqual({})
    expect(provider.requests.length).toBe(calls)
    expect(
      provider.requests.filter((r) => r.lastUserText.startsWith('todoId:')).every((r) => r.aborted),
    ).toBe(true)
  })

  it('survives a burst of 429s from the provider', async () => {
    let errors = 0
    const { make, script } = await start({
      plan: () => [todo('a'), todo('b'), todo('c')],
      work: writes,
      errorFor: (req) =>
        req.lastUserText.startsWith('todoId:') && errors < 3
          ? (errors++, { status: 429, headers: { 'retry-after': '0' } })
          : undefined,
    })
    const final = await make().run()
    expect(final.phase, final.reason).toBe('completed')
    expect(script.stats.errors).toBe(3)
  })

  it('restarts a SIGKILLed server and completes the mission with no todo lost or redone', async () => {
    const { make, sup, script } = await start({ plan: () => SIX, work: writes }, {}, 800)
    const mission = make()
    const firstPass = new Promise<void>((resolve) =>
      mission.onChange((s) => s.todos.some((t) => t.status === 'passed') && resolve()),
    )
    const done = mission.run()
    await firstPass
    const passedAtKill = mission.state.todos.filter((t) => t.status === 'passed').map((t) => t.id)
    const openAtKill = mission.state.todos.filter((t) => t.status !== 'passed').map((t) => t.id)
    const pid = sup.pid ?? 0
    process.kill(pid, 'SIGKILL')
    const final = await done
    expect(final.phase, final.reason).toBe('completed')
    expect(sup.pid).not.toBe(pid)
    expect(openAtKill.length).toBeGreaterThan(0) // the kill really was mid-mission
    expect(final.todos.every((t) => t.status === 'passed')).toBe(true) // nothing lost
    for (const id of passedAtKill) {
      // nothing redone: a todo that had passed review was never worked on again
      expect(final.todos.find((t) => t.id === id)?.attempts).toBe(1)
      expect(script.stats.workAttempts[id]).toBe(1)
    }
  })

  it('a new engine instance resumes a mission from its journal', async () => {
    const { make, provider } = await start(
      { plan: () => [todo('a'), todo('b', ['a'])], work: writes },
      {},
      400,
    )
    const first = make()
    void first.run()
    await provider.waitFor((r) => r.lastUserText.startsWith('todoId: b'))
    first.dispose() // the host goes away while b is being worked on
    const startedAt = first.state.startedAt
    const second = make()
    const final = await second.run()
    expect(final.phase, final.reason).toBe('completed')
    // The mission keeps its own start, so its timeline (the planner's lane included) starts there.
    expect(final.startedAt).toBe(startedAt)
    const planner = final.agents.find((a) => a.role === 'planner')?.sessionId
    const lane = final.timeline.find((l) => l.sessionId === planner)
    expect(lane?.spans.length).toBeGreaterThan(0)
    expect(lane?.spans[0]?.start).toBeGreaterThanOrEqual(final.startedAt)
    expect(final.todos.map((t) => [t.id, t.status])).toEqual([
      ['a', 'passed'],
      ['b', 'passed'],
    ])
    const aBriefs = provider.requests.filter(
      (r) => r.lastUserText.startsWith('todoId: a') && r.toolResults.length === 0,
    )
    expect(aBriefs).toHaveLength(1) // a was not redone
  })

  it('a resumed mission runs with the options it journaled, not the ones given now', async () => {
    const three = [todo('a'), todo('b'), todo('c')]
    const { make, provider, script } = await start(
      { plan: () => three, work: writes },
      {
        caps: { total: 1 },
        check: 'echo first > check.txt',
      },
    )
    const first = make()
    void first.run()
    await provider.waitFor((r) => r.lastUserText.startsWith('todoId: a'))
    first.dispose()
    const journal = new JournalFile(join(sandbox!.root, 'journal.jsonl'))
    // The host goes away; the settings change meanwhile (more concurrency, another check).
    const now = { goal: 'Write six files', caps: { total: 3 }, check: 'echo second > check.txt' }
    const resumed = sandbox!.mission(
      { sessions: sandbox!.supervisors[0]!, events: sandbox!.supervisors[0]! },
      await withJournaledOptions(journal, { id: 'm', ...now }),
    )
    const final = await resumed.run()
    resumed.dispose()
    expect(final.phase, final.reason).toBe('completed')
    expect(readFileSync(join(sandbox!.projectDir, 'check.txt'), 'utf8')).toBe('first\n')
    expect(script.stats.maxConcurrentWorkers).toBe(1) // the journaled cap of 1, not 3
  })

  it('brings a nested permission ask to the inbox and goes on once it is answered', async () => {
    // The worker of "p" runs a shell command first; OpenCode asks for permission (bash: ask).
    const script = bashMissionScript()
    sandbox = await Sandbox.create({ script, config: { permission: { '*': 'allow', bash: 'ask' } } })
    const sup = await sandbox.supervise()
    const mission = sandbox.mission({ sessions: sup, events: sup }, { id: 'perm', goal: 'Run a command' })
    const asked = new Promise<void>((resolve) => mission.onChange((s) => s.inbox.length > 0 && resolve()))
    const done = mission.run()
    await asked
    const [ask] = mission.state.inbox
    expect(ask).toMatchObject({ role: 'worker', todoId: 'p', permission: 'bash' })
    expect(mission.state.agents.find((a) => a.role === 'worker')?.status).toBe('waiting')
    expect(existsSync(join(sandbox.projectDir, 'p.txt'))).toBe(false)
    await mission.replyPermission(ask!.requestId, 'once')
    const final = await done
    expect(final.phase, final.reason).toBe('completed')
    expect(readFileSync(join(sandbox.projectDir, 'p.txt'), 'utf8')).toBe('permitted\n')
    expect(final.inbox).toEqual([])
  })
})
