import * as vscode from 'vscode'
import { MISSION_ROLES, modelChoices } from '../engine/preflight/preflight'
import { OpencodePreflight } from '../opencode/preflight-port'
import type { ServerController } from './server-controller'
import { toast } from './toast'

const SERVER_DEFAULT = 'server default'

/**
 * "Orchestrator: Choose Models…": one quick pick per role over the models of the providers the
 * server has connected, written to `orchestrator.models` (a role left on "server default" is unset).
 */
export async function chooseModels(server: ServerController): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0]
  if (!folder) return void toast.warning('Open a folder first.')
  const facts = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Window, title: 'Orchestrator: reading the server’s models' },
    async () => {
      const connection = await server.ensure(folder.uri.fsPath)
      return new OpencodePreflight(connection.client, connection.url).facts()
    },
  )
  const choices = modelChoices(facts.providers)
  if (choices.length === 0)
    return void toast.error(
      'The OpenCode server has no provider connected: run `opencode auth login` in a terminal, then restart the server.',
    )
  const config = vscode.workspace.getConfiguration('orchestrator')
  const current = (config.get('models') ?? {}) as Record<string, string>
  const next: Record<string, string> = {}
  for (const role of MISSION_ROLES) {
    const picked = await vscode.window.showQuickPick(
      [
        { label: SERVER_DEFAULT, description: 'the agent’s or OpenCode’s default model' },
        ...choices.map((c) => ({ label: c, ...(current[role] === c && { description: 'current' }) })),
      ],
      { title: `Orchestrator: model of the ${role}`, placeHolder: current[role] ?? SERVER_DEFAULT },
    )
    if (!picked) return // cancelled: nothing is written
    if (picked.label !== SERVER_DEFAULT) next[role] = picked.label
  }
  await config.update('models', next, vscode.ConfigurationTarget.Workspace)
}
