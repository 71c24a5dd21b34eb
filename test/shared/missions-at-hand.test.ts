import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { MissionState } from '../../src/engine/record/mission-state'
import type { MissionController } from '../../src/vscode/mission-controller'
import { MissionChanges } from '../../src/vscode/mission-changes'
import { pendingMissions } from '../../src/vscode/pending-changes'
import { pendingMission, repository } from '../support/pending-mission'

// A finished mission opened from the dashboard's list comes back on screen; one whose changes still
// wait on their branch (the row's "waits for you") brings them back too, as only the newest is
// offered when a window opens. Real repositories and journals; VS Code's window and folders faked.

const vscodeFake = vi.hoisted(() => ({
  folders: [] as { uri: { fsPath: string }; name: string; index: number }[],
  messages: [] as string[],
}))
vi.mock('vscode', () => ({
  workspace: {
    get workspaceFolders() {
      return vscodeFake.folders
    },
  },
  window: {
    showInformationMessage: (text: string) => {
      vscodeFake.messages.push(text)
      return Promise.resolve(undefined)
    },
  },
}))

const { MissionsAtHand } = await import('../../src/vscode/missions-at-hand')

const dirs: string[] = []
const temp = (prefix: string) => {
  const d = mkdtempSync(join(tmpdir(), prefix))
  dirs.push(d)
  return d
}
const log = { debug() {}, info() {}, warn() {}, error() {} }

beforeEach(() => {
  vi.stubEnv('XDG_CACHE_HOME', temp('orch-at-hand-cache-'))
  vi.stubEnv('GIT_CONFIG_NOSYSTEM', '1')
  vscodeFake.folders = []
  vscodeFake.messages = []
})
afterEach(() => {
  vi.unstubAllEnvs()
  dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true }))
})

/** The list's missions in `repo`, and what opening one did: restored on screen, changes offered. */
function atHand(journalDir: string, repo: string) {
  vscodeFake.folders.push({ uri: { fsPath: repo }, name: 'project', index: 0 })
  const restored: string[] = []
  const offered: string[] = []
  const missions = {
    journalDir,
    running: false,
    current: undefined,
    restore: (state: MissionState) => {
      restored.push(state.id)
      return true
    },
  } as unknown as MissionController
  const hand = new MissionsAtHand(missions, {
    run: () => Promise.resolve(),
    render: () => {},
    log,
    offerChanges: (state) => Promise.resolve(void offered.push(state.id)),
  })
  return { hand, restored, offered }
}

describe('a finished mission opened from the list', { timeout: 30_000 }, () => {
  it('brings back the changes that wait for the user with it, not only the newest mission’s', async () => {
    const repo = repository(temp('orch-at-hand-repo-'))
    const journals = temp('orch-at-hand-journals-')
    await pendingMission(journals, 'older', repo, 1_000)
    await pendingMission(journals, 'newer', repo, 2_000)
    const { hand, restored, offered } = atHand(journals, repo)
    await hand.open('older')
    expect(restored).toEqual(['older'])
    expect(offered).toEqual(['older'])
    expect(vscodeFake.messages).toEqual([])
  })

  it('offers nothing for a mission whose changes were decided, and says so for one it cannot find', async () => {
    const repo = repository(temp('orch-at-hand-repo-'))
    const journals = temp('orch-at-hand-journals-')
    await pendingMission(journals, 'kept', repo, 1_000)
    // Decided by the user (Keep Branch) through the host's own path: its branch stays, the changes no longer wait.
    const changes = new MissionChanges(log, (id) => join(journals, `${id}.jsonl`))
    const [kept] = await pendingMissions(journals, [repo], log)
    await changes.ended(kept!.state, repo, 'project')
    expect((await changes.keep())?.status).toBe('kept')
    const { hand, restored, offered } = atHand(journals, repo)
    await hand.open('kept')
    expect(restored).toEqual(['kept'])
    expect(offered).toEqual([])
    await hand.open('nowhere')
    expect(restored).toEqual(['kept'])
    expect(vscodeFake.messages).toEqual([
      'That mission did not end in a folder open in this window: its report is in Orchestrator: Show History.',
    ])
  })
})
