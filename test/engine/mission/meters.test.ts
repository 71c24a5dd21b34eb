// What the meters read from the mission: its budget limits, each agent's context (tokens against the
// model's window from the server's list) and its compactions.
import { describe, expect, it } from 'vitest'
import type { HostEvent } from '../../../src/engine/ports'
import { fakeMission } from '../../fixtures/fake-mission'
import { flush } from '../../fixtures/fake-opencode'

const assistant = (sessionId: string, messageId: string, contextTokens: number): HostEvent => ({
  type: 'message.assistant',
  sessionId,
  messageId,
  providerId: 'scripted',
  modelId: 'planner',
  tokens: contextTokens + 10,
  contextTokens,
  cost: 0,
  completed: false,
})

describe('meters in the mission state', () => {
  it('publishes the finite budget limits and leaves unlimited ones out', () => {
    const { mission } = fakeMission({ budgets: { maxTokens: 50_000, maxWallMs: 60_000 } })
    expect(mission.state.budgets).toEqual({ maxTokens: 50_000, maxWallMs: 60_000 })
    // JSON (VS Code's transport) turns Infinity into null: nothing unlimited may be carried.
    expect(fakeMission().mission.state.budgets).toEqual({ maxWallMs: 3_600_000 })
  })

  it("gives each agent its context: the last message's input tokens against the model's window", async () => {
    const { oc, mission } = fakeMission()
    oc.limits = { 'scripted/planner': { context: 1_000 } }
    void mission.run()
    await flush()
    const planner = mission.state.agents[0]?.sessionId ?? ''
    oc.emit(assistant(planner, 'msg_1', 300))
    expect(mission.state.agents[0]).toMatchObject({ contextTokens: 300, contextLimit: 1_000 })
    // A new message starts with no usage: the context stays what the last report said.
    oc.emit(assistant(planner, 'msg_2', 0))
    expect(mission.state.agents[0]?.contextTokens).toBe(300)
    oc.emit(assistant(planner, 'msg_2', 850))
    expect(mission.state.agents[0]?.contextTokens).toBe(850)
    expect(mission.state.agents[0]?.compactions).toBeUndefined()
    oc.emit({ type: 'session.compacted', sessionId: planner })
    expect(mission.state.agents[0]?.compactions).toBe(1)
    expect(mission.state.timeline[0]?.compactions).toHaveLength(1)
    mission.dispose()
  })

  it('leaves the limit out when the server declares none for the model', async () => {
    const { oc, mission } = fakeMission()
    void mission.run()
    await flush()
    const planner = mission.state.agents[0]?.sessionId ?? ''
    oc.emit(assistant(planner, 'msg_1', 300))
    expect(mission.state.agents[0]?.contextTokens).toBe(300)
    expect(mission.state.agents[0]?.contextLimit).toBeUndefined()
    mission.dispose()
  })

  it('does not republish for streaming text within the same second', async () => {
    const { oc, clock, mission } = fakeMission()
    void mission.run()
    await flush()
    const planner = mission.state.agents[0]?.sessionId ?? ''
    oc.emit({ type: 'session.status', sessionId: planner, status: { type: 'busy' } })
    let published = 0
    mission.onChange(() => published++)
    const delta = (n: number): HostEvent => ({
      type: 'part.text',
      sessionId: planner,
      messageId: 'm',
      partId: 'p',
      text: 'x'.repeat(n),
      final: false,
    })
    for (let i = 1; i <= 20; i++) oc.emit(delta(i))
    expect(published).toBe(0)
    clock.advance(1_000)
    oc.emit(delta(21))
    expect(published).toBe(1)
    mission.dispose()
  })
})
