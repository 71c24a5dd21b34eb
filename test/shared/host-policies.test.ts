import { describe, expect, it } from 'vitest'
import type { AgentState, MissionState, TodoState } from '../../src/engine/record/mission-state'
import { agentState, missionState as baseState, todoState } from '../fixtures/mission-state'
import { foldAgents } from '../../src/vscode/agent-folding'
import { orderFolders, pickFolder, rememberedFolder, resumeFolder } from '../../src/vscode/folder-pick'
import { needsYouNotices, shouldNotify } from '../../src/vscode/notification-policy'
import { toMissionView } from '../../src/vscode/snapshot'

// The host's pure policies: which agents fold into their todo, which toasts show, which folder a
// mission runs in.

const agent = (sessionId: string, patch: Partial<AgentState> = {}): AgentState =>
  agentState(sessionId, { title: `Worker ${sessionId}`, status: 'idle', tokens: 100, ...patch })
const todo = (id: string, status: TodoState['status']) => todoState(id, status)

describe('agents folded into their todo', () => {
  const todos = [todo('a', 'passed'), todo('b', 'reported'), todo('c', 'running')]
  const agents = [
    agent('p', { role: 'planner', status: 'idle' }),
    agent('wa', { todoId: 'a' }),
    agent('ra', { todoId: 'a', role: 'reviewer' }),
    agent('wb', { todoId: 'b' }), // waiting for its review: stays in full
    agent('wc', { todoId: 'c', status: 'busy' }),
  ]

  it('keeps the planner and in-flight agents in full and folds the finished ones', () => {
    const { shown, folded } = foldAgents(agents, todos)
    expect(shown.map((a) => a.sessionId)).toEqual(['p', 'wb', 'wc'])
    expect(folded.get('a')?.map((a) => a.sessionId)).toEqual(['wa', 'ra'])
  })

  it('folds every agent of a todo once the mission ended them', () => {
    const ended = agents.map((a) => ({ ...a, status: 'done' as const }))
    const { shown } = foldAgents(ended, todos)
    expect(shown.map((a) => a.sessionId)).toEqual(['p'])
  })

  it('puts folded agents on their todo in the snapshot, compactly', () => {
    const view = toMissionView({ ...missionState(), agents, todos }, 'api')
    expect(view.folder).toBe('api')
    expect(view.agents.map((a) => a.sessionId)).toEqual(['p', 'wb', 'wc'])
    expect(view.todos[0]?.folded).toEqual([
      { role: 'worker', status: 'idle', tokens: 100, cost: 0 },
      { role: 'reviewer', status: 'idle', tokens: 100, cost: 0 },
    ])
    expect(view.todos[1]?.folded).toEqual([])
  })

  it('says a pending todo "never started" only once the mission is over', () => {
    const waiting = [todoState('x', 'pending', { attempts: 0, reason: 'never started' })]
    const running = toMissionView({ ...missionState(), phase: 'working', todos: waiting })
    expect(running.todos[0]?.reason).toBeUndefined()
    const ended = toMissionView({ ...missionState(), phase: 'failed', todos: waiting })
    expect(ended.todos[0]?.reason).toBe('never started')
  })
})

describe('notification policy', () => {
  it('suppresses mission-end toasts while the dashboard is visible, never what needs the user', () => {
    expect(shouldNotify('end', 'all', false)).toBe(true)
    expect(shouldNotify('end', 'all', true)).toBe(false)
    expect(shouldNotify('needsYou', 'all', true)).toBe(true)
    expect(shouldNotify('needsYou', 'needsYou', true)).toBe(true)
  })

  it('honours needsYou and none, and treats an unknown value as the default', () => {
    expect(shouldNotify('end', 'needsYou', false)).toBe(false)
    expect(shouldNotify('end', 'none', false)).toBe(false)
    expect(shouldNotify('needsYou', 'none', false)).toBe(false)
    expect(shouldNotify('end', 'bogus' as never, false)).toBe(true)
    expect(shouldNotify('end', undefined, false)).toBe(true)
  })

  it('finds a provider stuck in retry and a stalled agent, once per episode', () => {
    const state = {
      ...missionState(),
      agents: [
        agent('r', {
          status: 'retry',
          retry: { attempt: 3, message: '429', next: 0 },
          busySince: 10,
          todoId: 'a',
        }),
        agent('early', { status: 'retry', retry: { attempt: 1, message: '429', next: 0 } }),
        agent('s', { status: 'busy', lastActivityAt: 1_000 }),
        agent('ok', { status: 'busy', lastActivityAt: 50_000 }),
      ],
    }
    const notices = needsYouNotices(state, 70_000)
    expect(notices.map((n) => n.key)).toEqual(['retry:r:10', 'stall:s:1000'])
    expect(notices[0]?.message).toContain('worker of a is stuck')
    expect(notices[1]?.message).toContain('no activity for 69 s')
  })
})

describe('folder pick', () => {
  const folders = [
    { name: 'api', uri: 'file:///w/api' },
    { name: 'web', uri: 'file:///w/web' },
  ]

  it('asks nothing with one folder', async () => {
    const asked: unknown[] = []
    const chosen = await pickFolder({
      folders: folders.slice(0, 1),
      last: undefined,
      remember: () => {},
      pick: (items) => (asked.push(items), Promise.resolve(undefined)),
    })
    expect(chosen?.name).toBe('api')
    expect(asked).toEqual([])
  })

  it('offers the last choice first and remembers the new one', async () => {
    const remembered: string[] = []
    let offered: { label: string; description?: string }[] = []
    const chosen = await pickFolder({
      folders,
      last: 'file:///w/web',
      remember: (uri) => void remembered.push(uri),
      pick: (items) => {
        offered = items
        return Promise.resolve(items[1])
      },
    })
    expect(offered.map((i) => [i.label, i.description])).toEqual([
      ['web', 'last used'],
      ['api', undefined],
    ])
    expect(chosen?.name).toBe('api')
    expect(remembered).toEqual(['file:///w/api'])
  })

  it('starts nothing when the pick is dismissed, and resumes in the remembered folder', async () => {
    const remembered: string[] = []
    const chosen = await pickFolder({
      folders,
      last: undefined,
      remember: (uri) => void remembered.push(uri),
      pick: () => Promise.resolve(undefined),
    })
    expect(chosen).toBeUndefined()
    expect(remembered).toEqual([])
    expect(orderFolders(folders, 'file:///gone').map((f) => f.name)).toEqual(['api', 'web'])
    expect(rememberedFolder(folders, 'file:///w/web')?.name).toBe('web')
    expect(rememberedFolder(folders, 'file:///gone')?.name).toBe('api')
  })

  it('resumes in the folder the journal names, whatever was used last; asks when it is not open', async () => {
    const onDisk = folders.map((f) => ({ ...f, path: f.uri.slice('file://'.length) }))
    const asked: { message: string; choices: string[] }[] = []
    const resume = (
      journaled: string | undefined,
      o: { answer?: string; exists?: boolean; canAddFolders?: boolean } = {},
    ) =>
      resumeFolder({
        folders: onDisk,
        last: 'file:///w/api',
        journaled,
        onDisk: (path) => (o.exists ?? true) && path.startsWith('/w/'),
        canAddFolders: o.canAddFolders ?? true,
        ask: (message, choices) => {
          asked.push({ message, choices })
          return Promise.resolve(o.answer) // none: dismissed
        },
      })
    const resumedIn = (p: Awaited<ReturnType<typeof resume>>) =>
      p.kind === 'resume' ? p.folder.name : p.kind
    expect(resumedIn(await resume('/w/web'))).toBe('web')
    expect(asked).toEqual([])
    // A journal from before folders were journaled: the remembered folder, as before.
    expect(resumedIn(await resume(undefined))).toBe('api')
    expect(asked).toEqual([])

    // The journaled folder is not open: never another folder; the user is told and chooses.
    expect(await resume('/w/gone')).toEqual({ kind: 'later' })
    expect(asked).toEqual([
      {
        message:
          'The interrupted mission worked in /w/gone, which is not open in this window: add that folder to the workspace to resume it, or discard it.',
        choices: ['Add Folder to Workspace', 'Discard', 'Not now'],
      },
    ])
    expect(await resume('/w/gone', { answer: 'Add Folder to Workspace' })).toEqual({
      kind: 'addFolder',
      path: '/w/gone',
    })
    expect(await resume('/w/gone', { answer: 'Discard' })).toEqual({ kind: 'discard' })
    expect(await resume('/w/gone', { answer: 'Not now' })).toEqual({ kind: 'later' })

    // Gone from disk, or a window that cannot take another folder: nothing to add, only discard.
    asked.length = 0
    expect(await resume('/elsewhere/gone', { answer: 'Add Folder to Workspace' })).toEqual({ kind: 'later' })
    expect(await resume('/w/gone', { canAddFolders: false })).toEqual({ kind: 'later' })
    expect(asked).toEqual([
      {
        message:
          'The interrupted mission worked in /elsewhere/gone, which no longer exists: it resumes only there. Discard it, or restore that folder and reload the window.',
        choices: ['Discard', 'Not now'],
      },
      {
        message:
          'The interrupted mission worked in /w/gone, which is not open in this window: open the workspace it ran in to resume it, or discard it.',
        choices: ['Discard', 'Not now'],
      },
    ])
  })
})

function missionState(): MissionState {
  return { ...baseState({ iteration: 1 }), budgets: {}, timeline: [] }
}
