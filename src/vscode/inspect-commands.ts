// Looking into a mission: agents' transcripts, a todo's files against the mission's base, and the
// workspace's history. Registers the document providers and commands, and answers the dashboard's
// `agent.transcript` and `file.diff` intents; ids that are not the mission's are refused with a
// message, never thrown.

import * as vscode from 'vscode'
import type { Logger } from '../engine/ports'
import { orchestratorFolder } from '../plugin/orchestrator-folder'
import { MissionHistory } from '../node/mission-history'
import { OpencodeTranscriptPort } from '../opencode/transcript-port'
import { Commands, Schemes } from '../shared/constants'
import { diffTarget } from '../engine/record/diff-target'
import { BaseDocuments, openBaseDiff } from './base-diff'
import type { DisposableStore } from './disposable'
import { guardedBy } from './guarded'
import { HistoryDocuments, showHistory } from './history'
import type { MissionController } from './mission-controller'
import type { ServerController } from './server-controller'
import { TranscriptDocuments } from './transcript-documents'
import { toast } from './toast'

export interface Inspect {
  openTranscript(sessionId: string): Promise<void>
  openDiff(todoId: string, path: string): Promise<void>
}

export function registerInspect(
  store: DisposableStore,
  deps: { missions: MissionController; server: ServerController; log: Logger },
): Inspect {
  const { missions, server, log } = deps
  const refuse = (message: string) => {
    log.warn(message)
    void toast.warning(message)
  }
  const transcripts = store.add(
    new TranscriptDocuments(
      {
        connect: async () => {
          const dir = missions.directory ?? vscode.workspace.workspaceFolders?.[0]?.uri.fsPath
          if (!dir) throw new Error('open a folder first')
          const s = await server.ensure(dir)
          return { transcripts: new OpencodeTranscriptPort(() => s.client), events: s }
        },
        agent: (id) => missions.current?.agents.find((a) => a.sessionId === id),
      },
      log,
    ),
  )
  // The extension's missions, and those the CLI and `/task` inside OpenCode ran in the workspace's folders.
  const history = new MissionHistory(
    () => [
      { dir: missions.journalDir },
      ...(vscode.workspace.workspaceFolders ?? []).map((f) => ({
        dir: orchestratorFolder(f.uri.fsPath),
        origin: `CLI or /task in ${f.name}`,
      })),
    ],
    log,
  )
  store.add(vscode.workspace.registerTextDocumentContentProvider(Schemes.transcript, transcripts))
  store.add(vscode.workspace.registerTextDocumentContentProvider(Schemes.base, new BaseDocuments()))
  store.add(
    vscode.workspace.registerTextDocumentContentProvider(Schemes.history, new HistoryDocuments(history)),
  )

  const openTranscript = async (sessionId: string) => {
    const agent = missions.current?.agents.find((a) => a.sessionId === sessionId)
    if (!agent) return refuse(`No agent with session "${sessionId}" in the current mission.`)
    await transcripts.show(agent)
  }
  const openDiff = async (todoId: string, path: string) => {
    const target = diffTarget(
      missions.current,
      missions.directory,
      todoId,
      path,
      process.platform === 'win32',
    )
    if ('error' in target) return refuse(target.error)
    await openBaseDiff(target)
  }
  const guarded = guardedBy(log)

  store.add(
    vscode.commands.registerCommand(
      Commands.openTranscript,
      guarded('Open Transcript', async (sessionId?: unknown) => {
        if (typeof sessionId === 'string') return openTranscript(sessionId)
        const agents = missions.current?.agents ?? []
        if (agents.length === 0) return void toast.info('No mission agents to show.')
        const picked = await vscode.window.showQuickPick(
          agents.map((a) => ({
            label: a.title,
            description: `${a.role} · ${a.status}${a.todoId ? ` · ${a.todoId}` : ''}`,
            sessionId: a.sessionId,
          })),
          { title: 'Orchestrator: Open Transcript', placeHolder: 'Whose transcript?' },
        )
        if (picked) await openTranscript(picked.sessionId)
      }),
    ),
  )
  store.add(
    vscode.commands.registerCommand(
      Commands.showHistory,
      guarded('Show History', () => showHistory(history)),
    ),
  )
  return {
    openTranscript: guarded('Open Transcript', openTranscript),
    openDiff: guarded('Open diff', openDiff),
  }
}
