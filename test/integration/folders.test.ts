import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { missionScript } from '../../src/demo/mission-script'
import { writeProject } from '../../src/demo/sample-project'
import { Mission } from '../../src/engine/mission'
import { parseEntries } from '../../src/engine/record/journal'
import { replay } from '../../src/engine/record/replay'
import { systemClock } from '../../src/engine/ports'
import { FolderConnections } from '../../src/opencode/folder-connections'
import { Supervisor } from '../../src/opencode/supervisor'
import { JournalFile } from '../../src/node/journal-file'
import { NodeWorkspace } from '../../src/node/workspace'
import { todo, writes } from '../support/file-todos'
import { Sandbox } from '../support/sandbox'

// Issue 22, item 1: two folders of one workspace, one mission after the other, through the
// connections VS Code's ServerController keeps per folder. Each folder gets exactly its own
// mission's files, its check runs there, and its journal names it.

let sandbox: Sandbox | undefined
let folders: FolderConnections<Supervisor> | undefined
afterEach(async () => {
  await folders?.stopAll()
  await sandbox?.dispose()
  folders = undefined
  sandbox = undefined
})

const userFiles = (dir: string) =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.txt'))
    .sort()

describe('missions in two folders, one after the other', () => {
  it('runs each mission’s sessions, check and journal in the folder it was started for', async () => {
    // The plan follows the goal: "alpha" in folder A, "beta" in folder B.
    const script = missionScript({
      plan: (_i, brief) => [todo(brief.includes('alpha') ? 'alpha' : 'beta')],
      work: writes,
    })
    sandbox = await Sandbox.create({ script })
    const a = sandbox.projectDir
    const b = writeProject(join(sandbox.root, 'second'), { 'README.md': '# second\n' })
    const box = sandbox
    folders = new FolderConnections((directory) =>
      Supervisor.start({ ...box.connectOptions, directory }, { initialDelayMs: 100 }),
    )
    const run = async (dir: string, goal: string, check: string) => {
      const connection = await folders!.ensure(dir)
      const journal = join(box.root, `${goal}.jsonl`)
      const final = await new Mission(
        {
          sessions: connection,
          events: connection,
          workspace: new NodeWorkspace(dir, box.env),
          journal: new JournalFile(journal),
          clock: systemClock,
          logger: box.log,
        },
        { id: goal, goal: `Write the ${goal} file`, check },
      ).run()
      return { final, snap: replay(parseEntries(await new JournalFile(journal).readAll()).entries) }
    }
    // The check proves where it ran: it fails unless the mission's own file is in its working folder.
    const first = await run(a, 'alpha', 'test -f alpha.txt')
    expect(first.final.phase, first.final.reason).toBe('completed')
    const second = await run(b, 'beta', 'test -f beta.txt')
    expect(second.final.phase, second.final.reason).toBe('completed')

    expect(userFiles(a)).toEqual(['alpha.txt'])
    expect(userFiles(b)).toEqual(['beta.txt'])
    expect(readFileSync(join(b, 'beta.txt'), 'utf8')).toBe('beta\n')
    expect(second.snap.evidence.map((e) => e.exitCode)).toEqual([0])
    expect(first.snap.directory).toBe(a)
    expect(second.snap.directory).toBe(b)
    // The ownership files went with their missions; nothing of the orchestrator is left in either
    // folder (OpenCode makes a `.opencode` folder of its own at boot).
    expect(existsSync(join(a, '.opencode', 'orchestrator'))).toBe(false)
    expect(existsSync(join(b, '.opencode', 'orchestrator'))).toBe(false)
    // The second folder had a connection of its own; asking again returns it.
    expect(await folders.ensure(b)).toBe(await folders.ensure(b))
    expect(await folders.ensure(a)).not.toBe(await folders.ensure(b))
  })
})
