// "Orchestrator: Show History": the workspace's past missions in a quick pick (listed from their
// journals' summary lines, on demand), and the one picked as a read-only Markdown report served on
// `orchestrator-history:` URIs (the only journal replayed in full).

import * as vscode from 'vscode'
import { errorMessage } from '../engine/util/error-message'
import { missionReport } from '../engine/record/mission-report'
import type { MissionHistory } from '../node/mission-history'
import { Schemes } from '../shared/constants'
import { documentName } from './document-name'
import { describeItem } from './history-item'
import { toast } from './toast'

export class HistoryDocuments implements vscode.TextDocumentContentProvider {
  constructor(private readonly history: MissionHistory) {}

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    try {
      return missionReport(uri.query, await this.history.open(uri.query))
    } catch (err) {
      return `# Mission ${uri.query}\n\nThe journal could not be read: ${errorMessage(err)}\n`
    }
  }
}

export async function showHistory(history: MissionHistory): Promise<void> {
  const items = await history.list()
  if (items.length === 0) return void toast.info('No missions have run in this workspace yet.')
  const picked = await vscode.window.showQuickPick(
    items.map((i) => describeItem(i, new Date(i.startedAt).toLocaleString())),
    {
      title: 'Orchestrator: Mission History',
      placeHolder: 'Newest first; pick one to read its report',
      matchOnDescription: true,
      matchOnDetail: true,
    },
  )
  if (!picked) return
  const path = `/${documentName(picked.label, picked.id)}.md`
  const uri = vscode.Uri.from({ scheme: Schemes.history, path, query: picked.id })
  await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), { preview: true })
}
