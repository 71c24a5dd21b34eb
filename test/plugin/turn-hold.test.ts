import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Hooks } from '@opencode-ai/plugin'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { writeOwnership } from '../../src/plugin/ownership'
import { HOLD_MS, TurnHold } from '../../src/plugin/turn-hold'
import { loadPlugin, toolContext } from './helpers'

/** Resolves to 'held' when `p` has not settled after the pending microtasks and timers of 0 ms. */
async function state(p: Promise<void>): Promise<'done' | 'held'> {
  let done = false
  void p.then(() => (done = true))
  await vi.advanceTimersByTimeAsync(0)
  return done ? 'done' : 'held'
}

describe('TurnHold', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  it('lets every model call through while no mission tool call succeeded', async () => {
    const hold = new TurnHold()
    expect(await state(hold.beforeModelCall('s1', 'u1'))).toBe('done')
    expect(await state(hold.beforeModelCall('s1', 'u1'))).toBe('done')
  })

  it('holds the next model call of the same turn until the session settles, once', async () => {
    const hold = new TurnHold()
    await hold.beforeModelCall('s1', 'u1')
    hold.mark('s1')
    const held = hold.beforeModelCall('s1', 'u1')
    expect(await state(held)).toBe('held')
    expect(await state(hold.beforeModelCall('s2', 'u9'))).toBe('done') // other sessions run on
    hold.settle('s1')
    expect(await state(held)).toBe('done')
    expect(vi.getTimerCount()).toBe(0) // the bound is cleared with the hold
  })

  it('never holds a later prompt to the same session', async () => {
    const hold = new TurnHold()
    await hold.beforeModelCall('s1', 'u1')
    hold.mark('s1')
    expect(await state(hold.beforeModelCall('s1', 'u2'))).toBe('done')
    hold.mark('s1')
    hold.settle('s1') // ended before its next step asked: the mark goes with it
    expect(await state(hold.beforeModelCall('s1', 'u1'))).toBe('done')
  })

  it('lets the call through after the bound when no abort comes', async () => {
    const hold = new TurnHold()
    await hold.beforeModelCall('s1', 'u1')
    hold.mark('s1')
    const held = hold.beforeModelCall('s1', 'u1')
    await vi.advanceTimersByTimeAsync(HOLD_MS - 1)
    expect(await state(held)).toBe('held')
    await vi.advanceTimersByTimeAsync(1)
    expect(await state(held)).toBe('done')
  })
})

describe('plugin: closing call of a mission turn', () => {
  let dir: string
  let hooks: Hooks
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'orch-hold-'))
    hooks = await loadPlugin(dir)
  })
  afterEach(() => {
    vi.useRealTimers()
    rmSync(dir, { recursive: true, force: true })
  })

  const params = () => ({ temperature: 0, topP: 1, topK: 0, maxOutputTokens: undefined, options: {} })
  const modelCall = (sessionID: string, output = params()) =>
    hooks['chat.params']?.({ sessionID, message: { id: 'msg_user' } } as never, output) ?? Promise.resolve()

  async function report(sessionID: string) {
    await hooks.tool?.orchestrator_report?.execute(
      { todoId: 'a', status: 'done', summary: 'did a', filesChanged: [] },
      toolContext(sessionID, dir),
    )
  }

  it('is held after a valid report while the engine ends turns, and released by the idle event', async () => {
    await writeOwnership(dir, { missionId: 'm', todos: ['a'], sessions: {}, endsTurnOnResult: true })
    const output = params()
    await modelCall('ses_w', output)
    await report('ses_w')
    vi.useFakeTimers()
    const held = modelCall('ses_w', output)
    expect(await state(held)).toBe('held')
    await hooks.event?.({ event: { type: 'session.idle', properties: { sessionID: 'ses_w' } } as never })
    expect(await state(held)).toBe('done')
    expect(output).toEqual(params()) // the parameters sent to the model are untouched
  })

  it('is not held when the engine does not end turns itself', async () => {
    await writeOwnership(dir, { missionId: 'm', todos: ['a'], sessions: {} })
    await modelCall('ses_w')
    await report('ses_w')
    vi.useFakeTimers()
    expect(await state(modelCall('ses_w'))).toBe('done')
  })
})
