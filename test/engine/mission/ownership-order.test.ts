import { describe, expect, it } from 'vitest'
import { fakeMission } from '../../fixtures/fake-mission'
import { flush } from '../../fixtures/fake-opencode'

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
})
