import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { silentLogger, type HostEvent } from '../../src/engine/ports'
import { OpencodeEventStream } from '../../src/opencode/event-stream'
import { Sandbox } from '../support/sandbox'

let sandbox: Sandbox | undefined
const streams: OpencodeEventStream[] = []
afterEach(async () => {
  await Promise.all(streams.splice(0).map((s) => s.dispose()))
  await sandbox?.dispose()
  sandbox = undefined
})

/** Resolves once `seen` holds an event that `match` accepts (the mission's own bound: 30 s). */
async function until(seen: HostEvent[], match: (e: HostEvent) => boolean): Promise<void> {
  for (let waited = 0; !seen.some(match); waited += 50) {
    if (waited > 30_000) throw new Error('the event did not come')
    await new Promise((r) => setTimeout(r, 50))
  }
}

const idleOf = (id: string) => (e: HostEvent) => e.type === 'session.idle' && e.sessionId === id
const about = (id: string) => (e: HostEvent) => 'sessionId' in e && e.sessionId === id

describe('events of sessions in other folders (a todo worktree is another OpenCode instance)', () => {
  it('come through the global stream for the folders asked for, and only for those', async () => {
    sandbox = await Sandbox.create({ script: () => ({ text: 'done' }) })
    const conn = await sandbox.start()
    const worktree = join(sandbox.root, 'worktree')
    const elsewhere = join(sandbox.root, 'elsewhere')
    for (const d of [worktree, elsewhere]) mkdirSync(d)
    const folders = new Set([sandbox.projectDir])
    const global = new OpencodeEventStream(conn.client, silentLogger, { directories: () => folders })
    const onlyElsewhere = new OpencodeEventStream(conn.client, silentLogger, {
      directories: () => new Set([elsewhere]),
    })
    streams.push(global, onlyElsewhere)
    const seen: HostEvent[] = []
    const seenElsewhere: HostEvent[] = []
    const seenByFolder: HostEvent[] = []
    global.subscribe((e) => seen.push(e))
    onlyElsewhere.subscribe((e) => seenElsewhere.push(e))
    conn.events.subscribe((e) => seenByFolder.push(e))
    await Promise.all([global.ready(), onlyElsewhere.ready()])

    folders.add(worktree) // a worktree made while the stream runs
    // Each a child of a root session in the project folder, as a mission's agents are.
    const root = await conn.sessions.create({ title: 'A mission' })
    const session = async (directory: string) => {
      const { id } = await conn.sessions.create({
        title: `Worker: in ${directory}`,
        parentId: root.id,
        directory,
      })
      await conn.sessions.prompt({ sessionId: id, agent: 'worker', text: 'Say done.' })
      return id
    }
    const inWorktree = await session(worktree)
    await until(seen, idleOf(inWorktree))
    const inElsewhere = await session(elsewhere)
    await until(seenElsewhere, idleOf(inElsewhere))
    const inProject = await session(sandbox.projectDir)
    await until(seen, idleOf(inProject))
    await until(seenByFolder, idleOf(inProject))

    // The project folder's own stream never carries the worktree's session: the reason for this mode.
    expect(seenByFolder.filter(about(inWorktree))).toEqual([])
    // The global stream passes on the folders asked for, and nothing of a folder not asked for.
    expect(seen.filter(about(inElsewhere))).toEqual([])
    expect(seenElsewhere.filter(about(inWorktree))).toEqual([])
    expect(seen.some((e) => e.type === 'session.status' && e.sessionId === inWorktree)).toBe(true)
    // The session works in its folder, and is still found among the root's children.
    const info = await conn.client.session.get({ sessionID: inWorktree })
    expect(info.data?.directory).toBe(worktree)
    expect(await conn.sessions.children(root.id)).toContain(inWorktree)
  })
})
