// "Orchestrator: Show History": the workspace's past missions in a quick pick (listed from their
// journals' summary lines, on demand), and the one picked as a read-only Markdown report served on
// `orchestrator-history:` URIs (the only journal replayed in full).

import * as vscode from 'vscode'
import { errorMessage } from '../engine/util/error-message'
import { missionReport } from '../engine/record/mission-report'
import { formatDuration } from '../shared/format-duration'
import type { HistoryItem, MissionHistory } from '../node/mission-history'
import { Schemes } from '../shared/constants'
import { documentName } from './document-name'

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

function describeItem(item: HistoryItem): vscode.QuickPickItem & { id: string } {
  const started = new Date(item.startedAt).toLocaleString()
  const s = item.summary
  if (!s) return { id: item.id, label: item.goal, description: `not finished · ${started}` }
  const check = s.check ? ` · check ${s.check.exitCode === 0 ? 'passed' : 'failed'}` : ' · no check ran'
  return {
    id: item.id,
    label: item.goal,
    description: `${s.status} · ${started} · ${formatDuration(s.durationMs)}`,
    detail: `${s.todos.passed}/${s.todos.total} todos · ${s.tokens} tokens · $${s.cost.toFixed(4)}${check}`,
  }
}

export async function showHistory(history: MissionHistory): Promise<void> {
  const items = await history.list()
  if (items.length === 0)
    return void vscode.window.showInformationMessage('No missions have run in this workspace yet.')
  const picked = await vscode.window.showQuickPick(items.map(describeItem), {
    title: 'Orchestrator: Mission History',
    placeHolder: 'Newest first; pick one to read its report',
    matchOnDescription: true,
    matchOnDetail: true,
  })
  if (!picked) return
  const path = `/${documentName(picked.label, picked.id)}.md`
  const uri = vscode.Uri.from({ scheme: Schemes.history, path, query: picked.id })
  await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), { preview: true })
}
