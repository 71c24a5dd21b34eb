// "Orchestrator: Run Offline Demo": the CLI's offline demo (a sample project, a scripted model on
// loopback, the real OpenCode server), run in a terminal from the extension's own files, so a user
// with no provider yet sees a mission end to end without installing anything else.

import { tmpdir } from 'node:os'
import * as vscode from 'vscode'
import type { Logger } from '../engine/ports'
import { errorMessage } from '../engine/util/error-message'
import { resolveOpencodeBinary } from '../opencode/binary'
import { opencodeSearchFrom } from '../opencode/managed-opencode'
import { Commands } from '../shared/constants'
import { getConfig } from './config'
import type { DisposableStore } from './disposable'
import { demoTerminal } from './demo-terminal'
import { toast } from './toast'

export function registerDemo(
  store: DisposableStore,
  deps: { extensionUri: vscode.Uri; storageDir: string; log: Logger },
): void {
  store.add(
    vscode.commands.registerCommand(Commands.runDemo, () => {
      const extension = deps.extensionUri.fsPath
      let opencode: string
      try {
        opencode = resolveOpencodeBinary({
          configured: getConfig('opencodePath').trim() || undefined,
          searchFrom: opencodeSearchFrom({
            storageDir: deps.storageDir,
            workspace: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? tmpdir(),
            extension,
          }),
        })
      } catch (err) {
        deps.log.warn(`offline demo: ${errorMessage(err)}`)
        return void toast
          .error(`The offline demo needs OpenCode 1.x: ${errorMessage(err)}`, 'Install OpenCode 1.x')
          .then((c) => c && vscode.commands.executeCommand(Commands.installOpencode))
      }
      const terminal = vscode.window.createTerminal(
        demoTerminal({ execPath: process.execPath, extensionDir: extension, opencode }),
      )
      terminal.show()
    }),
  )
}
