import { describe, expect, it } from 'vitest'
import { answerPermissions } from '../../src/cli/permission-prompt'
import type { HostEvent } from '../../src/engine/ports'
import { fakeMission } from '../fixtures/fake-mission'
import { flush } from '../fixtures/fake-opencode'

describe('CLI permission answers', () => {
  it('rejects an ask when there is no terminal, says why, and answers each ask once', async () => {
    const { oc, mission } = fakeMission()
    const err: string[] = []
    const io = {
      stdout: () => {},
      stderr: (t: string) => void err.push(t),
      env: {},
      cwd: '/',
      packageRoot: '/',
    }
    const off = answerPermissions(mission, io, false)
    void mission.run()
    await flush()
    const planner = mission.state.agents[0]?.sessionId ?? ''
    const ask: HostEvent = {
      type: 'permission.asked',
      requestId: 'per_1',
      sessionId: planner,
      permission: 'bash',
      patterns: ['rm x'],
    }
    oc.emit(ask)
    oc.emit(ask)
    await flush()
    expect(oc.replies).toEqual([{ requestId: 'per_1', reply: 'reject' }])
    expect(err.join('')).toContain('planner asks for bash: rm x')
    expect(err.join('')).toContain('rejected: no terminal to ask')
    off()
  })
})
