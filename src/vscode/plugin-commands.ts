// `Orchestrator: Install / Uninstall Companion Plugin`: adds (or removes) the shipped dist/plugin.js
// in an OpenCode config file the user picks (a workspace folder's, or the global one). The installer
// does the careful part (comments kept, backup, atomic write, located errors); this module asks,
// reports, and opens a broken file at the place it is broken.
import { existsSync } from 'node:fs'
import * as vscode from 'vscode'
import { errorMessage } from '../engine/util/error-message'
import type { Logger } from '../engine/ports'
import {
  installPlugin,
  uninstallPlugin,
  type InstallError,
  type InstallOutcome,
} from '../plugin-config/installer'
import { locateConfig, type InstallScope } from '../plugin-config/locate'
import { Commands } from '../shared/constants'
import type { DisposableStore } from './disposable'
import { toast } from './toast'

export interface PluginCommandDeps {
  /** The extension's folder; its dist/plugin.js is the plugin that gets installed. */
  extensionUri: vscode.Uri
  log: Logger
}

type Action = 'install' | 'uninstall'

const UNTRUSTED =
  'This workspace is not trusted: the companion plugin is neither installed nor removed, because that writes OpenCode config files.'
const MANAGE_TRUST = 'Manage Workspace Trust'
const OPEN_FILE = 'Open File'

interface ScopeItem extends vscode.QuickPickItem {
  scope: InstallScope
}

export function registerPluginCommands(store: DisposableStore, deps: PluginCommandDeps): void {
  const pluginFile = vscode.Uri.joinPath(deps.extensionUri, 'dist', 'plugin.js').fsPath
  const register = (id: string, action: Action) =>
    store.add(vscode.commands.registerCommand(id, () => run(action, pluginFile, deps.log)))
  register(Commands.installPlugin, 'install')
  register(Commands.uninstallPlugin, 'uninstall')
}

async function run(action: Action, pluginFile: string, log: Logger): Promise<void> {
  if (!vscode.workspace.isTrusted) {
    const choice = await toast.warning(UNTRUSTED, MANAGE_TRUST)
    if (choice === MANAGE_TRUST) void vscode.commands.executeCommand('workbench.trust.manage')
    return
  }
  const scope = await pickScope(action)
  if (!scope) return // cancelled

  let outcome: InstallOutcome
  try {
    outcome =
      action === 'install'
        ? await installPlugin({ scope, pluginFile })
        : await uninstallPlugin({ scope, pluginFile })
  } catch (err) {
    // The installer reports expected failures as outcomes; anything thrown is a bug worth logging.
    const message = errorMessage(err)
    log.error(`${action} failed unexpectedly: ${message}`)
    void toast.error(`Companion plugin ${action} failed: ${message}`)
    return
  }
  if (!outcome.ok) return showFailure(action, outcome.error, log)

  const { path, changed, backup } = outcome
  log.info(`${action} in ${path}: ${changed ? 'changed' : 'no change'}${backup ? ` (backup ${backup})` : ''}`)
  const message =
    action === 'install'
      ? changed
        ? `Companion plugin installed in ${path}. OpenCode loads it the next time it starts.`
        : `The companion plugin is already installed in ${path}.`
      : changed
        ? `Companion plugin removed from ${path}.`
        : `The companion plugin was not in ${path}; nothing to remove.`
  const choice = await toast.info(message, ...(existsSync(path) ? [OPEN_FILE] : []))
  if (choice === OPEN_FILE) await openAt(path)
}

async function pickScope(action: Action): Promise<InstallScope | undefined> {
  const where = (scope: InstallScope) => locateConfig(scope).path
  const projects: ScopeItem[] = (vscode.workspace.workspaceFolders ?? [])
    .filter((f) => f.uri.scheme === 'file')
    .map((f) => {
      const scope: InstallScope = { kind: 'project', dir: f.uri.fsPath }
      return { label: '$(folder) Project', description: f.name, detail: where(scope), scope }
    })
  const global: InstallScope = { kind: 'global' }
  const items: ScopeItem[] = [
    ...projects,
    { label: '$(globe) Global', description: 'every project', detail: where(global), scope: global },
  ]
  const picked = await vscode.window.showQuickPick(items, {
    title:
      action === 'install'
        ? 'Orchestrator: Install Companion Plugin'
        : 'Orchestrator: Uninstall Companion Plugin',
    placeHolder:
      action === 'install'
        ? 'Which OpenCode config should load the orchestrator agents and tools?'
        : 'Which OpenCode config should the orchestrator plugin be removed from?',
  })
  return picked?.scope
}

async function showFailure(action: Action, error: InstallError, log: Logger): Promise<void> {
  log.error(`${action} failed (${error.reason}): ${error.message}`)
  // A missing bundle is not the config file's fault: opening the config would not help.
  const canOpen = error.reason !== 'plugin-missing' && existsSync(error.path)
  const choice = await toast.error(
    `Companion plugin not ${action === 'install' ? 'installed' : 'removed'}: ${error.message}`,
    ...(canOpen ? [OPEN_FILE] : []),
  )
  if (choice === OPEN_FILE) await openAt(error.path, error.details.line, error.details.column)
}

/** Opens `path`, with the cursor at a 1-based line and column when given. */
async function openAt(path: string, line?: number, column?: number): Promise<void> {
  const at = line === undefined ? undefined : new vscode.Position(line - 1, Math.max(0, (column ?? 1) - 1))
  await vscode.window.showTextDocument(vscode.Uri.file(path), {
    ...(at && { selection: new vscode.Range(at, at) }),
  })
}
