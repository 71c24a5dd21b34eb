import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { missionScript, parseBrief, type MissionScriptOptions } from '../../src/demo/mission-script'
import type { ChatRequest, Script } from '../../src/demo/scripted-provider'
import type { Mission } from '../../src/engine/mission'
import { OpencodeSessionPort } from '../../src/opencode/session-port'
import type { MissionState } from '../../src/engine/record/mission-state'
import { todo, writes } from '../support/file-todos'
import { Sandbox } from '../support/sandbox'

let sandbox: Sandbox | undefined
afterEach(async () => {
  await sandbox?.dispose()
  sandbox = undefined
})

/** Resolves with the mission's state once it satisfies `test` (checked on every change). */
const until = (m: Mission, test: (s: MissionState) => boolean) =>
  new Promise<MissionState>((resolve) => {
    if (test(m.state)) return resolve(m.state)
    const off = m.onChange((s) => {
      if (!test(s)) return
      off()
      resolve(s)
    })
  })

/** The first fresh work brief for `todoId` waits for `release()` before the script answers it. */
function heldScript(options: MissionScriptOptions, todoId: string) {
  const base = missionScript(options)
  let release = () => {}
  const held = new Promise<void>((r) => (release = r))
  let holding = true
  const script: Script = async (req) => {
    const brief = parseBrief(req.lastUserText)
    if (
      holding &&
      req.kind === 'chat' &&
      brief.kind === 'work' &&
      brief.todoId === todoId &&
      !req.toolResults.length
    ) {
      holding = false
      await held
    }
    return base(req)
  }
  return { script, release: () => release() }
}

const briefsFor = (requests: ChatRequest[], todoId: string) =>
  requests.filter((r) => r.lastUserText.startsWith(`todoId: ${todoId}`))

/**
 * A one-todo mission on the real server whose worker is held in its first turn (which then ends
 * with text only: the idle a steering message waits for). Resolves once that worker is busy.
 */
async function heldWorker() {
  const { script, release } = heldScript(
    { plan: () => [todo('a')], work: (id, attempt) => (attempt === 1 ? { skipReport: true } : writes(id)) },
    'a',
  )
  const box = (sandbox = await Sandbox.create({ script }))
  const conn = await box.start()
  const mission = box.mission(conn, { goal: 'Write a file' })
  const done = mission.run()
  const heldCall = await box.provider.waitFor((r) => r.lastUserText.startsWith('todoId: a'))
  const running = await until(mission, (s) =>
    s.agents.some((a) => a.role === 'worker' && a.status === 'busy'),
  )
  const worker = running.agents.find((a) => a.role === 'worker')?.sessionId ?? ''
  return { box, conn, mission, done, heldCall, worker, release }
}

describe('acting on one piece of a mission against the real OpenCode server', () => {
  it('cancels one todo mid-work: its session is aborted, its dependent waits, the others pass', async () => {
    const plan = [todo('a'), todo('b'), todo('c', ['a']), todo('d')]
    const { script, release } = heldScript({ plan: () => plan, work: writes }, 'a')
    sandbox = await Sandbox.create({ script })
    const conn = await sandbox.start()
    const m = sandbox.mission(conn, { goal: 'Write four files', caps: { total: 3 } })
    const done = m.run()
    const heldCall = await sandbox.provider.waitFor((r) => r.lastUserText.startsWith('todoId: a'))
    const running = await until(m, (s) => s.todos.find((t) => t.id === 'a')?.status === 'running')
    const workerA = running.agents.find((a) => a.role === 'worker' && a.todoId === 'a')?.sessionId ?? ''
    expect(await m.cancelTodo('a')).toBeUndefined()
    expect(m.state.todos.find((t) => t.id === 'c')).toMatchObject({ status: 'blocked', blockedBy: ['a'] })
    // The server ends the held call: the provider sees its client go away before the script answers.
    await vi.waitFor(() => expect(heldCall.aborted).toBe(true), { timeout: 15_000 })
    release()
    const final = await done
    m.dispose()
    expect(final.todos.map((t) => [t.id, t.status])).toEqual([
      ['a', 'cancelled'],
      ['b', 'passed'],
      ['c', 'blocked'],
      ['d', 'passed'],
    ])
    expect(final.phase).toBe('stopped')
    expect(final.reason).toBe('cancelled by the user: a; c waited on it')
    expect(final.agents.find((a) => a.sessionId === workerA)?.status).toBe('aborted')
    // The server really aborted the held call (the client went away), and a was never briefed again.
    expect(heldCall.aborted).toBe(true)
    expect(briefsFor(sandbox.provider.requests, 'a')).toHaveLength(1)
    expect(briefsFor(sandbox.provider.requests, 'c')).toEqual([])
    expect(existsSync(join(sandbox.projectDir, 'a.txt'))).toBe(false)
    expect(existsSync(join(sandbox.projectDir, 'b.txt'))).toBe(true)
    expect(existsSync(join(sandbox.projectDir, 'd.txt'))).toBe(true)
  })

  it('delivers a steering message at the worker’s next idle, in a new request after its turn ended', async () => {
    const STEER = 'Steering: also mention the weather'
    const { box, mission: m, done, heldCall, worker, release } = await heldWorker()
    expect(m.steer(worker, STEER)).toBeUndefined()
    const queued = m.state.agents.find((a) => a.sessionId === worker)?.steering
    expect(queued?.map((s) => s.status)).toEqual(['queued'])
    release()
    const delivered = await until(
      m,
      (s) => s.agents.find((a) => a.sessionId === worker)?.steering?.[0]?.status === 'delivered',
    )
    expect(delivered.phase).toBe('working')
    const final = await done
    m.dispose()
    expect(final.phase, final.reason).toBe('completed')
    const requests = box.provider.requests
    const withSteer = requests.filter((r) =>
      r.messages.some((msg) => JSON.stringify(msg.content ?? '').includes(STEER)),
    )
    const first = withSteer[0]
    if (!first) throw new Error('the steering text never reached the model')
    // It arrived as the latest user message of a new request, after the held turn's text answer...
    expect(first.lastUserText).toContain(`Message from the user: ${STEER}`)
    expect(first.lastUserText).toContain(
      'You are still on todoId "a"; finish by calling orchestrator_report.',
    )
    expect(first.index).toBeGreaterThan(heldCall.index)
    const userAt = first.messages.findLastIndex((msg) => msg.role === 'user')
    expect(first.messages.slice(0, userAt).some((msg) => msg.role === 'assistant')).toBe(true)
    expect(requests.filter((r) => r.index < first.index).some((r) => r.lastUserText.includes(STEER))).toBe(
      false,
    )
    // ...and once: later requests carry it only as history.
    expect(withSteer.filter((r) => r.lastUserText.includes(STEER))).toHaveLength(1)
    expect(final.agents.find((a) => a.sessionId === worker)?.steering?.map((s) => s.status)).toEqual([
      'delivered',
    ])
    expect(final.todos[0]).toMatchObject({ status: 'passed', attempts: 1 })
  })

  it('a message queued before a reload goes out at the idle of the turn the server kept running', async () => {
    const STEER = 'Steering: say it survived the reload'
    const { box, conn, mission: first, heldCall, worker, release } = await heldWorker()
    expect(first.steer(worker, STEER)).toBeUndefined()
    const journal = join(box.root, 'journal.jsonl')
    await vi.waitFor(() => expect(readFileSync(journal, 'utf8')).toContain('"steering.queued"'))
    first.dispose() // the window reloads; the server goes on with the held turn

    // The held turn ends only once the resumed engine has asked the server which sessions are busy.
    let statusesRead = () => {}
    const read = new Promise<void>((r) => (statusesRead = r))
    const sessions = new (class extends OpencodeSessionPort {
      override async statuses() {
        const statuses = await super.statuses()
        statusesRead()
        return statuses
      }
    })(conn.client)
    const second = box.mission({ sessions, events: conn.events }, { goal: 'Write a file' })
    const done = second.run()
    await read
    expect(second.state.agents.find((a) => a.sessionId === worker)?.steering?.map((m) => m.status)).toEqual([
      'queued',
    ])
    release()
    const final = await done
    second.dispose()
    expect(final.phase, final.reason).toBe('completed')
    const steered = box.provider.requests.filter((r) => r.lastUserText.includes(STEER))
    expect(steered).toHaveLength(1)
    expect(steered[0]?.lastUserText).toContain(`Message from the user: ${STEER}`)
    expect(steered[0]?.index).toBeGreaterThan(heldCall.index)
    expect(final.agents.find((a) => a.sessionId === worker)?.steering).toMatchObject([
      { text: STEER, status: 'delivered' },
    ])
    expect(readFileSync(journal, 'utf8')).toContain('"steering.delivered"')
    expect(final.todos[0]).toMatchObject({ status: 'passed', attempts: 1 })
  })
})
