import * as vscode from 'vscode'
import { serverUrlProblem } from '../engine/preflight/server-url'
import { SERVER_PASSWORD_SECRET } from '../shared/constants'
import type { ServerController } from './server-controller'
import { toast } from './toast'

/**
 * "Orchestrator: Attach to Server…": the URL goes to `orchestrator.serverUrl`, the password to
 * SecretStorage (never to settings, which are plain files that get synced and shared), then the
 * server controller attaches.
 */
export async function attachServer(server: ServerController, secrets: vscode.SecretStorage): Promise<void> {
  const config = vscode.workspace.getConfiguration('orchestrator')
  const url = await vscode.window.showInputBox({
    title: 'Orchestrator: Attach to Server (1/2)',
    prompt: 'URL of a running OpenCode server (`opencode serve`)',
    value: (config.get('serverUrl') as string | undefined) || 'http://127.0.0.1:4096',
    ignoreFocusOut: true,
    validateInput: (v) => serverUrlProblem(v),
  })
  if (url === undefined) return
  const password = await vscode.window.showInputBox({
    title: 'Orchestrator: Attach to Server (2/2)',
    prompt: 'Its OPENCODE_SERVER_PASSWORD (empty: the server has none)',
    password: true,
    ignoreFocusOut: true,
  })
  if (password === undefined) return
  if (password) await secrets.store(SERVER_PASSWORD_SECRET, password)
  else await secrets.delete(SERVER_PASSWORD_SECRET)
  await config.update('serverUrl', url.trim(), vscode.ConfigurationTarget.Global)
  const folder = vscode.workspace.workspaceFolders?.[0]
  if (!folder) return
  await server.restart(folder.uri.fsPath)
  void toast.info(`Orchestrator: attached to ${url.trim()}.`)
}
