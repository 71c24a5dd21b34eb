// Timeline and meters against the real OpenCode server and the scripted provider: the port reads the
// models' context windows from the server's provider list, the demo mission's agents get context
// meters from real usage, and its timeline is journaled compactly and replays to what was live.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { DEMO_CHECK, DEMO_FILES, DEMO_GOAL, demoScript } from '../../src/demo/demo-script'
import { parseEntries } from '../../src/engine/record/journal'
import { replay } from '../../src/engine/record/replay'
import { Sandbox } from '../support/sandbox'

let sandbox: Sandbox | undefined
afterEach(async () => {
  await sandbox?.dispose()
  sandbox = undefined
})

describe('timeline and meters on the real server', () => {
  it("reads context windows, meters each agent's context, and journals a timeline that replays equal", async () => {
    sandbox = await Sandbox.create({ script: demoScript, files: DEMO_FILES })
    const conn = await sandbox.start()
    // scriptedProviderConfig declares limit.context 200 000 for its model.
    expect(await conn.sessions.modelLimits()).toEqual({ 'scripted/scripted-model': { context: 200_000 } })

    const m = sandbox.mission(conn, { goal: DEMO_GOAL, check: DEMO_CHECK })
    const final = await m.run()
    m.dispose()
    expect(final.phase, final.reason).toBe('completed')
    expect(final.todos).toHaveLength(6)

    for (const a of final.agents) {
      expect(a.contextLimit, a.title).toBe(200_000)
      expect(a.contextTokens, a.title).toBeGreaterThan(0)
    }
    expect(final.budgets).toEqual({ maxWallMs: 3_600_000 })

    // One lane per agent, each worker with its named tool calls.
    expect(final.timeline.map((l) => l.sessionId).sort()).toEqual(final.agents.map((a) => a.sessionId).sort())
    const worker = final.agents.find((a) => a.role === 'worker')
    const lane = final.timeline.find((l) => l.sessionId === worker?.sessionId)
    expect(lane?.spans.some((s) => s.kind === 'thinking')).toBe(true)
    expect(lane?.spans.filter((s) => s.kind === 'tool').map((s) => s.name)).toEqual(
      expect.arrayContaining(['write', 'orchestrator_report']),
    )
    for (const l of final.timeline) {
      expect(l.open).toBeUndefined()
      for (const s of l.spans) expect(s.end).toBeGreaterThanOrEqual(s.start)
    }

    const lines = readFileSync(join(sandbox.root, 'journal.jsonl'), 'utf8').trim().split('\n')
    const { entries, skipped } = parseEntries(lines)
    expect(skipped).toBe(0)
    // Lanes replay in the order their first batch was journaled (turn ends), live ones in the order
    // their sessions first did something: the same lanes, compared by session.
    const bySession = <T extends { sessionId: string }>(ls: T[]) =>
      [...ls].sort((a, b) => a.sessionId.localeCompare(b.sessionId))
    expect(bySession(replay(entries).timeline)).toEqual(bySession(final.timeline))
    // Compact: batches at turn ends, not an entry per event.
    const timelineLines = lines.filter((l) => l.includes('"type":"timeline"'))
    const bytes = (ls: string[]) => ls.reduce((n, l) => n + l.length + 1, 0)
    const share = bytes(timelineLines) / bytes(lines)
    console.info(
      `timeline: ${timelineLines.length} of ${lines.length} journal lines, ${bytes(timelineLines)} of ${bytes(lines)} bytes (${(share * 100).toFixed(1)} %)`,
    )
    expect(timelineLines.length).toBeLessThanOrEqual(final.agents.length * 3)
    expect(share).toBeLessThan(0.4)
    expect(bytes(timelineLines) / final.agents.length).toBeLessThan(600)
  })
})
