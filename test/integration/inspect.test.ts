import { execFileSync } from 'node:child_process'
import { afterEach, describe, expect, it } from 'vitest'
import { helloMissionScript } from '../fixtures/hello-mission'
import { missionReport } from '../../src/engine/record/mission-report'
import { renderTranscript } from '../../src/engine/record/transcript-markdown'
import { changedSinceBase, contentAtBase } from '../../src/node/git-base'
import { MissionHistory } from '../../src/node/mission-history'
import { OpencodeTranscriptPort } from '../../src/opencode/transcript-port'
import { Sandbox } from '../support/sandbox'

let sandbox: Sandbox | undefined
afterEach(async () => {
  await sandbox?.dispose()
  sandbox = undefined
})

describe('inspecting a mission against the real OpenCode server', () => {
  it("renders a worker's real transcript, diffs against the recorded base, and lists and reports the mission in history", async () => {
    const script = helloMissionScript()
    sandbox = await Sandbox.create({ script, files: { 'README.md': '# sample\n' } })
    const dir = sandbox.projectDir
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd: dir })
    git('add', 'README.md')
    git('commit', '-qm', 'start')
    const conn = await sandbox.start()
    const m = sandbox.mission(conn, { goal: 'Say hello in a file' })
    const final = await m.run()
    m.dispose()
    expect(final.phase, final.reason).toBe('completed')

    const worker = final.agents.find((a) => a.role === 'worker')
    if (!worker) throw new Error('no worker')
    const port = new OpencodeTranscriptPort(() => conn.client)
    const messages = await port.transcript(worker.sessionId)
    const md = renderTranscript(
      { title: worker.title, role: 'worker', sessionId: worker.sessionId },
      messages,
    )
    for (const part of [
      '# Worker: Say hello',
      '## Brief',
      'todoId: hello',
      '<summary><code>write</code>',
      '<summary><code>orchestrator_report</code>',
      '"summary": "wrote hello.txt"',
    ])
      expect(md).toContain(part)
    await expect(port.transcript('ses_does_not_exist')).rejects.toThrow(
      'messages of ses_does_not_exist failed',
    )

    // The base was taken before the worker wrote: hello.txt did not exist then.
    const snap = await new MissionHistory(sandbox.root, sandbox.log).open('journal')
    if (snap.base?.kind !== 'git') throw new Error(`base: ${JSON.stringify(snap.base)}`)
    expect(await contentAtBase(dir, snap.base, 'hello.txt')).toBe('')
    expect(await contentAtBase(dir, snap.base, 'README.md')).toBe('# sample\n')
    expect(await changedSinceBase(dir, snap.base)).toContain('hello.txt')

    // The history report (what "Show History" opens) draws every agent's journaled lane.
    const report = missionReport('journal', snap)
    const timeline = report.slice(report.indexOf('## Timeline'))
    const lanes = [...timeline.matchAll(/^### (.+)$/gm)].map((h) => h[1])
    expect(lanes.sort()).toEqual(
      final.agents.map((a) => `${a.role}${a.todoId !== undefined ? ` · ${a.todoId}` : ''}`).sort(),
    )
    expect(lanes).toContain('worker · hello')
    expect(timeline).toMatch(/^worker · hello +\|[~#?!. ]{60}\|$/m)
    expect(timeline).toMatch(/^\| `write` \| \d+ \| /m)

    const [item] = await new MissionHistory(sandbox.root, sandbox.log).list()
    expect(item?.summary).toMatchObject({
      goal: 'Say hello in a file',
      status: 'completed',
      todos: { passed: 1, total: 1 },
    })
  })
})
