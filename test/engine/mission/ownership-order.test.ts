import { describe, expect, it } from 'vitest'
import { fakeMission } from '../../fixtures/fake-mission'
import { flush } from '../../fixtures/fake-opencode'
import { sessionsOf, todo } from '../../fixtures/mission-play'

describe("the plugin's ownership file at the end", () => {
  // A write still under way when the mission ends must not land after the withdrawal: the plugin
  // would guard a mission that is over, and the project keeps a stale file.
  it('is withdrawn last, even when a publish was still being written as the mission stopped', async () => {
    const { oc, mission, workspace } = fakeMission()
    const done = mission.run()
    await flush()
    let release = () => {}
    workspace.ownershipGate = new Promise<void>((r) => (release = r))
    oc.turn(mission.state.agents[0]?.sessionId ?? '', 'orchestrator_plan', {
      todos: [{ id: 'a', title: 'A', description: '', files: ['a.txt'], dependsOn: [], acceptance: [] }],
    })
    await flush()
    expect(workspace.ownership.at(-1)).toBeDefined() // a publish is waiting on the slow disk
    const stopped = mission.stop()
    await flush()
    release()
    await stopped
    const final = await done
    mission.dispose()
    expect(final.phase).toBe('stopped')
    expect(workspace.ownershipLanded.at(-1)).toBeUndefined()
  })

  // The plugin reads the file at each mission tool call: a prompt goes out only once the file lists
  // its session. A wave of dispatches asks for that at once; a write not started yet serves them all.
  it('is written once for the dispatches that came during a write, and each prompt follows a write listing its session', async () => {
    const { oc, mission, workspace } = fakeMission({ caps: { total: 4 } })
    // What the plugin would read as each prompt goes out: the ownership file last landed.
    const listedAtPrompt = new Map<string, boolean>()
    const prompt = oc.prompt.bind(oc)
    oc.prompt = (input) => {
      listedAtPrompt.set(
        input.sessionId,
        workspace.ownershipLanded.at(-1)?.sessions[input.sessionId] !== undefined,
      )
      return prompt(input)
    }
    void mission.run()
    await flush()
    const gate = () => {
      let release = () => {}
      workspace.ownershipGate = new Promise<void>((r) => (release = r))
      return release
    }
    const planWritten = gate()
    oc.turn(sessionsOf(mission, 'planner')[0]!, 'orchestrator_plan', {
      todos: ['a', 'b', 'c', 'd'].map((id) => todo(id, [`${id}.ts`])),
    })
    await flush()
    const landedBefore = workspace.ownershipLanded.length
    // The plan's write lands; the first dispatch's write is then on the slow disk.
    const firstWritten = gate()
    planWritten()
    await flush()
    const workers = sessionsOf(mission, 'worker')
    expect(workers).toHaveLength(4)
    expect(oc.prompts.filter((p) => workers.includes(p.sessionId))).toEqual([])
    firstWritten()
    await flush()
    expect(oc.prompts.filter((p) => workers.includes(p.sessionId))).toHaveLength(4)
    // The plan's write, then at most one write under way and one for the dispatches behind it; one
    // write per dispatch would be five.
    const landed = workspace.ownershipLanded.slice(landedBefore)
    expect(landed.length).toBeLessThanOrEqual(3)
    expect(Object.keys(landed.at(-1)?.sessions ?? {}).sort()).toEqual([...workers].sort())
    expect(workers.map((w) => listedAtPrompt.get(w))).toEqual(workers.map(() => true))
    await mission.stop()
  })
})
