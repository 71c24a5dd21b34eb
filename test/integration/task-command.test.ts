import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { OpencodeClient } from '@opencode-ai/sdk/v2'
import { missionScript, parseBrief, type MissionScript } from '../../src/demo/mission-script'
import type { PlanTodo } from '../../src/engine/protocol/mission-protocol'
import type { Connection } from '../../src/opencode/connection'
import { readLiveMission, requestStop, stillRunning } from '../../src/node/live-mission'
import { orchestratorFolder } from '../../src/plugin/orchestrator-folder'
import { bashMissionScript } from '../fixtures/bash-mission'
import { repoRoot, Sandbox } from '../support/sandbox'

// `/task`, `/stop` and `/mission` typed in a user's session of a real `opencode serve` with the
// companion plugin from dist/plugin.js: the mission runs on the engine inside the server.

const pluginFile = join(repoRoot, 'dist', 'plugin.js')
const todo = (id: string, dependsOn: string[] = []): PlanTodo => ({
  id,
  title: `Write ${id}.txt`,
  description: '',
  files: [`${id}.txt`],
  dependsOn,
  acceptance: [],
})
/** The benchmark mission: six todos, f after a and b. */
const PLAN = [todo('a'), todo('b'), todo('c'), todo('d'), todo('e'), todo('f', ['a', 'b'])]
const FILES = {
  'README.md': '# p\n',
  'package.json': JSON.stringify({ name: 'p', scripts: { test: 'node check.js' } }),
  'check.js': "console.log('checked the project')\n",
}

/** The text of every part of the session's stored messages, in order, with their flags. */
async function partsOf(client: OpencodeClient, sessionID: string) {
  const res = await client.session.messages({ sessionID })
  return (res.data ?? []).flatMap((m) =>
    m.parts.flatMap((p) =>
      p.type === 'text'
        ? [{ role: m.info.role, text: p.text, ignored: p.ignored === true, synthetic: p.synthetic === true }]
        : [],
    ),
  )
}

async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  ms = 60_000,
  said?: () => Promise<unknown>,
): Promise<T> {
  const until = Date.now() + ms
  for (;;) {
    const got = await probe()
    if (got !== undefined) return got
    if (Date.now() > until)
      throw new Error(
        `timed out waiting for ${what}${said ? `; so far: ${JSON.stringify(await said())}` : ''}`,
      )
    await new Promise((r) => setTimeout(r, 100))
  }
}

/** The TUI toasts the server publishes from now on (shown by a TUI, events either way). */
async function collectToasts(client: OpencodeClient) {
  const abort = new AbortController()
  const messages: string[] = []
  const sub = await client.event.subscribe(undefined, { signal: abort.signal, sseMaxRetryAttempts: 1 })
  void (async () => {
    for await (const e of sub.stream as AsyncIterable<{ type: string; properties: { message?: string } }>)
      if (e.type === 'tui.toast.show') messages.push(e.properties.message ?? '')
  })().catch(() => undefined)
  return { messages, stop: () => abort.abort() }
}

/** The notes the orchestrator wrote into the session (shown, never sent to a model). */
async function notes(client: OpencodeClient, sessionID: string): Promise<string[]> {
  return (await partsOf(client, sessionID)).filter((p) => p.ignored).map((p) => p.text)
}

describe('/task inside OpenCode', () => {
  let sandbox: Sandbox
  let conn: Connection
  let script: MissionScript
  let gate: (() => void) | undefined
  let held: Promise<void> | undefined

  beforeAll(async () => {
    if (!existsSync(pluginFile)) throw new Error(`${pluginFile} is missing: run \`node esbuild.mjs\` first`)
    script = missionScript({
      latencyMs: 30,
      plan: () => PLAN,
      work: (id) => ({ files: { [`${id}.txt`]: `${id}\n` }, summary: `wrote ${id}.txt` }),
    })
    sandbox = await Sandbox.create({
      files: FILES,
      // A worker of e waits while the gate is closed (the /stop test closes it).
      script: async (req) => {
        if (held && req.lastUserText.includes('todoId: e')) await held
        return script(req)
      },
    })
    conn = await sandbox.start()
  }, 60_000)

  afterAll(async () => {
    gate?.()
    await sandbox?.dispose()
  })

  /** Nothing of the mission under `sessionID` runs any more, and no model call came since `since`. */
  async function quietSince(client: OpencodeClient, sessionID: string, since: number): Promise<void> {
    await new Promise((r) => setTimeout(r, 1_500))
    const statuses = (await client.session.status()).data ?? {}
    const children = (await client.session.children({ sessionID })).data ?? []
    for (const c of children) expect(statuses[c.id]?.type ?? 'idle').toBe('idle')
    expect(sandbox.provider.requests.filter((r) => r.receivedAt > since)).toEqual([])
  }

  it('runs the benchmark mission from the session it was typed in, with its evidence in the last note', async () => {
    const { client } = conn
    const session = (await client.session.create({ title: 'My work' })).data!
    const toasts = await collectToasts(client)
    const res = await client.session.command({
      sessionID: session.id,
      command: 'task',
      arguments: 'Write six files',
    })
    // No error reaches the caller, and the command's one short reply is in the session.
    expect(res.error).toBeUndefined()
    const shown = await notes(client, session.id)
    expect(shown[0]).toContain('Orchestrator: mission started: Write six files')
    // The one-word request went to the model; the note never did.
    expect(script.stats.calls.other).toBe(1)

    const end = await waitFor(
      'the end note',
      async () =>
        (await notes(client, session.id)).find((n) => n.startsWith('Orchestrator: mission completed')),
      60_000,
      () => partsOf(client, session.id),
    )
    expect(end).toContain('6/6 todos passed')
    expect(end).toContain('Evidence:\n✓ check after round 1: npm test passed (exit 0')
    const all = await notes(client, session.id)
    expect(all.some((n) => n.startsWith('Orchestrator: plan accepted: 6 todos'))).toBe(true)
    for (const id of ['a', 'b', 'c', 'd', 'e', 'f']) {
      expect(all.filter((n) => n.startsWith(`Orchestrator: ✓ ${id} passed`))).toHaveLength(1)
      expect(readFileSync(join(sandbox.projectDir, `${id}.txt`), 'utf8')).toBe(`${id}\n`)
    }
    // Model calls: the plan, the work (a write, then the report), the reviews, and the command's one
    // short call; no title call (the session has a title) and nothing else.
    expect({ ...script.stats.calls }).toEqual({ planner: 1, worker: 12, reviewer: 6, other: 1 })
    expect(sandbox.provider.requests.filter((r) => r.kind === 'title' || r.kind === 'summary')).toEqual([])
    // Every session of the mission is a child of the user's session.
    const children = (await client.session.children({ sessionID: session.id })).data ?? []
    expect(children.length).toBeGreaterThanOrEqual(3)
    // Journaled where the CLI journals, so its history lists it.
    const journals = readdirSync(orchestratorFolder(sandbox.projectDir)).filter((f) => f.endsWith('.jsonl'))
    expect(journals).toHaveLength(1)
    const last = readFileSync(join(orchestratorFolder(sandbox.projectDir), journals[0]!), 'utf8')
      .trim()
      .split('\n')
      .at(-1)!
    expect(JSON.parse(last)).toMatchObject({ type: 'mission.summary', summary: { status: 'completed' } })

    // Few notes: the start, the plan, one per todo, the end; toasts: the start, one per todo, the end.
    expect(all).toHaveLength(1 + 1 + 6 + 1)
    await new Promise((r) => setTimeout(r, 300))
    toasts.stop()
    expect(toasts.messages).toHaveLength(1 + 6 + 1)
    expect(toasts.messages[0]).toBe('Mission started: Write six files')
    expect(toasts.messages.at(-1)).toBe('Mission completed: Write six files')

    // /mission writes where the mission stands.
    await client.session.command({ sessionID: session.id, command: 'mission', arguments: '' })
    const status = (await notes(client, session.id)).at(-1)!
    expect(status).toContain('Orchestrator: Write six files')
    expect(status).toContain('Phase: completed')
    expect(status).toContain('6/6 todos passed')
  }, 120_000)

  it('refuses a second /task while one runs, naming it; /stop aborts every agent and no model call follows', async () => {
    const { client } = conn
    held = new Promise<void>((r) => (gate = r))
    const session = (await client.session.create({ title: 'Stop me' })).data!
    await client.session.command({ sessionID: session.id, command: 'task', arguments: '"Write more files"' })
    // The quotes `opencode run --command` keeps are taken off.
    await waitFor('a worker held on e', async () =>
      (await client.session.children({ sessionID: session.id })).data?.some((c) => c.title.includes('e.txt'))
        ? true
        : undefined,
    ).catch(async (err: unknown) => {
      throw new Error(`${String(err)}; notes: ${JSON.stringify(await partsOf(client, session.id))}`)
    })
    const other = (await client.session.create({ title: 'Another' })).data!
    // An empty /task says what it needs and starts nothing.
    await client.session.command({ sessionID: other.id, command: 'task', arguments: '  ' })
    expect((await notes(client, other.id))[0]).toMatch(/^Orchestrator: no mission started: give it a goal/)
    const refused = await client.session.command({ sessionID: other.id, command: 'task', arguments: 'More' })
    expect(refused.error).toBeUndefined()
    expect((await notes(client, other.id)).at(-1)).toMatch(
      /a mission is already running in this project: Write more files/,
    )

    await client.session.command({ sessionID: session.id, command: 'stop', arguments: '' })
    const end = await waitFor('the stopped note', async () =>
      (await notes(client, session.id)).find((n) => n.startsWith('Orchestrator: mission stopped')),
    )
    expect(end).toContain('stopped by the user (/stop)')
    const stoppedAt = Date.now()
    gate?.()
    await quietSince(client, session.id, stoppedAt)
  }, 120_000)

  it('publishes its state beside its journal for a VS Code window, which can stop it', async () => {
    const { client } = conn
    held = new Promise<void>((r) => (gate = r))
    const session = (await client.session.create({ title: 'Follow me' })).data!
    await client.session.command({
      sessionID: session.id,
      command: 'task',
      arguments: 'Write files to follow',
    })
    // While it runs: its state, whole, with its workers (a state written between the plan and the
    // first dispatch has none yet), the project lock naming it.
    const live = await waitFor('the state of a mission at work', async () => {
      const read = await readLiveMission(sandbox.projectDir)
      const s = read?.live.state
      return s?.goal === 'Write files to follow' &&
        s.todos.length === 6 &&
        s.phase === 'working' &&
        s.agents.some((a) => a.role === 'worker')
        ? read!.live
        : undefined
    })
    expect(live.runner).toBe('opencode')
    expect(await stillRunning(sandbox.projectDir, live.holder)).toBe(true)
    await waitFor('a worker held on e', async () =>
      (await client.session.children({ sessionID: session.id })).data?.some((c) => c.title.includes('e.txt'))
        ? true
        : undefined,
    )

    await requestStop(sandbox.projectDir, live.missionId, 'VS Code')
    const end = await waitFor('the stopped note', async () =>
      (await notes(client, session.id)).find((n) => n.startsWith('Orchestrator: mission stopped')),
    )
    expect(end).toContain('stopped by the user (from VS Code)')
    const stoppedAt = Date.now()
    gate?.()
    // Its end is what the window reads last; the lock lets the project go.
    const last = await readLiveMission(sandbox.projectDir)
    expect(last?.live.missionId).toBe(live.missionId)
    expect(last?.live.state.phase).toBe('stopped')
    await waitFor('the lock released', async () =>
      (await stillRunning(sandbox.projectDir, live.holder)) ? undefined : true,
    )
    await quietSince(client, session.id, stoppedAt)
  }, 120_000)

  it('resumes with /task --resume after OpenCode went away mid-mission, without redoing passed todos', async () => {
    held = new Promise<void>((r) => (gate = r))
    const first = conn.client
    const session = (await first.session.create({ title: 'Cut short' })).data!
    await first.session.command({ sessionID: session.id, command: 'task', arguments: 'Write files again' })
    // a to d pass while e's worker is held; then the server goes away with the engine inside it.
    const passedBefore = await waitFor('four todos passed', async () => {
      const passed = (await notes(first, session.id)).filter((n) => / passed: /.test(n))
      return passed.length >= 4 ? passed.map((n) => /✓ (\w+) passed/.exec(n)?.[1]) : undefined
    })
    await conn.dispose()
    const cutAt = Date.now()
    gate?.()
    conn = await sandbox.start()
    const { client } = conn
    const again = (await client.session.create({ title: 'Pick it up' })).data!
    // Nothing runs: /mission offers the interrupted mission.
    await client.session.command({ sessionID: again.id, command: 'mission', arguments: '' })
    expect((await notes(client, again.id)).at(-1)).toMatch(
      /a mission was interrupted .*: Write files again \(.+\)\. \/task --resume continues it\./,
    )
    await client.session.command({ sessionID: again.id, command: 'task', arguments: '--resume' })
    // Its notes follow at once (what passed before the cut too): the answer is among them.
    expect(
      (await notes(client, again.id)).some((n) =>
        n.startsWith('Orchestrator: mission resumed: Write files again'),
      ),
    ).toBe(true)
    const end = await waitFor('the resumed mission completed', async () =>
      (await notes(client, again.id)).find((n) => n.startsWith('Orchestrator: mission completed')),
    )
    expect(end).toContain('6/6 todos passed')
    // From the resume on, its root is the session it was resumed from: agents it starts go there.
    const journal = readdirSync(orchestratorFolder(sandbox.projectDir))
      .filter((f) => f.endsWith('.jsonl'))
      .map((f) => readFileSync(join(orchestratorFolder(sandbox.projectDir), f), 'utf8'))
      .find((text) => text.includes('Write files again'))!
    const roots = journal
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; sessionId?: string })
      .filter((e) => e.type === 'mission.root')
    expect(roots.map((e) => e.sessionId)).toEqual([session.id, again.id])
    // The todos that passed before the cut were not worked again.
    const redone = script.stats.log.filter(
      (c) => c.startedAt > cutAt && c.role === 'worker' && passedBefore.includes(c.todoId),
    )
    expect(redone).toEqual([])
  }, 150_000)
})

describe("/task's plugin options", () => {
  let sandbox: Sandbox | undefined
  afterAll(async () => {
    await sandbox?.dispose()
  })

  it('runs as many agents at once as the plugin option maxConcurrency says', async () => {
    // Calls long enough that the five workers' first calls overlap even when the server, one thread,
    // takes a while to start five prompts on a loaded machine.
    const base = missionScript({
      latencyMs: 800,
      plan: () => [todo('a'), todo('b'), todo('c'), todo('d'), todo('e')],
      work: (id) => ({ files: { [`${id}.txt`]: `${id}\n` }, summary: `wrote ${id}.txt` }),
    })
    let inFlight = 0
    let most = 0
    sandbox = await Sandbox.create({
      files: FILES,
      pluginOptions: { maxConcurrency: 5 },
      script: async (req) => {
        const worker = parseBrief(req.lastUserText).kind === 'work'
        if (worker) most = Math.max(most, ++inFlight)
        try {
          return await base(req)
        } finally {
          if (worker) inFlight--
        }
      },
    })
    const { client } = await sandbox.start()
    const session = (await client.session.create({ title: 'Five at once' })).data!
    await client.session.command({ sessionID: session.id, command: 'task', arguments: 'Write five files' })
    await waitFor('the end note', async () =>
      (await notes(client, session.id)).find((n) => n.startsWith('Orchestrator: mission completed')),
    )
    // The engine's default is three: five workers at once came from the option.
    expect(most).toBe(5)
  }, 120_000)
})

describe("/task's permission asks", () => {
  let sandbox: Sandbox | undefined
  afterAll(async () => {
    await sandbox?.dispose()
  })

  it("come from a child of the user's session, where the TUI shows them, and the mission goes on once answered", async () => {
    // The worker of "p" runs a shell command first; OpenCode asks for permission (bash: ask).
    const script = bashMissionScript()
    sandbox = await Sandbox.create({ script, config: { permission: { '*': 'allow', bash: 'ask' } } })
    const { client } = await sandbox.start()
    const session = (await client.session.create({ title: 'Ask me' })).data!
    await client.session.command({ sessionID: session.id, command: 'task', arguments: 'Write p' })
    const ask = await waitFor(
      'the worker to ask',
      async () => (await client.permission.list()).data?.[0],
      60_000,
      async () => ({
        notes: await partsOf(client, session.id),
        children: (await client.session.children({ sessionID: session.id })).data?.map((c) => c.title),
        calls: script.stats.calls,
      }),
    )
    expect(ask.permission).toBe('bash')
    const asker = (await client.session.get({ sessionID: ask.sessionID })).data!
    expect(asker.parentID).toBe(session.id)
    expect(existsSync(join(sandbox.projectDir, 'p.txt'))).toBe(false)
    await client.permission.reply({ requestID: ask.id, reply: 'once' })
    const end = await waitFor('the end note', async () =>
      (await notes(client, session.id)).find((n) => n.startsWith('Orchestrator: mission completed')),
    )
    expect(end).toContain('1/1 todos passed')
    expect(readFileSync(join(sandbox.projectDir, 'p.txt'), 'utf8')).toBe('permitted\n')
  }, 120_000)
})
