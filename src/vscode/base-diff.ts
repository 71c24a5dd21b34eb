// A todo's changed file in VS Code's diff editor: the file as it was when the mission started
// (served on `orchestrator-base:` URIs from the recorded git base) against the file now.

import { existsSync } from 'node:fs'
import { join } from 'node:path'
import * as vscode from 'vscode'
import type { WorkspaceBase } from '../engine/ports'
import type { MissionState } from '../engine/record/mission-state'
import { contentAtBase } from '../node/git-base'
import { Schemes } from '../shared/constants'
import { baseQuery, readBaseQuery } from './base-query'
import { toast } from './toast'

type GitBase = Extract<WorkspaceBase, { kind: 'git' }>

/** `absent`: the side shows an empty file (it did not exist at the base, or no longer exists). */
export function baseUri(dir: string, path: string, base: GitBase | 'absent'): vscode.Uri {
  return vscode.Uri.from({ scheme: Schemes.base, path: `/${path}`, query: baseQuery(dir, path, base) })
}

export class BaseDocuments implements vscode.TextDocumentContentProvider {
  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const folders = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath)
    const req = readBaseQuery(uri.query, uri.path, folders)
    if (req.absent) return ''
    return contentAtBase(req.dir, { kind: 'git', ref: req.ref, untracked: [] }, req.path)
  }
}

/** Opens the diff editor (or, without a base, the file as it is, saying why). */
export async function openBaseDiff(target: {
  dir: string
  path: string
  base: MissionState['base']
}): Promise<void> {
  const { dir, path, base } = target
  const now = existsSync(join(dir, path)) ? vscode.Uri.file(join(dir, path)) : baseUri(dir, path, 'absent')
  if (base?.kind !== 'git') {
    const why = base ? base.reason : 'the mission recorded no base'
    void toast.warning(`No diff for ${path}: ${why}. Showing the file as it is now.`)
    await vscode.window.showTextDocument(now, { preview: true })
    return
  }
  await vscode.commands.executeCommand(
    'vscode.diff',
    baseUri(dir, path, base),
    now,
    `${path} (mission start ↔ now)`,
  )
}
