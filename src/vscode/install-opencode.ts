// "Orchestrator: Install OpenCode 1.x": installs the tested OpenCode into the extension's own storage
// with npm, with cancellable progress; binary resolution uses it from then on (after the setting).
import * as vscode from 'vscode'
import type { Logger } from '../engine/ports'
import { errorMessage } from '../engine/util/error-message'
import { resolveOpencodeBinary } from '../opencode/binary'
import { checkOpencodeBinary } from '../opencode/binary-version'
import { managedOpencodeDir, managedOpencodeSpec, runNpmInstall } from '../opencode/managed-opencode'
import { Commands } from '../shared/constants'
import type { DisposableStore } from './disposable'
import { toast } from './toast'

/** How the user fixes an OpenCode the extension cannot drive (the words of its error message). */
export const VSCODE_OPENCODE_FIXES = [
  `run "Orchestrator: Install OpenCode 1.x" (installs ${managedOpencodeSpec()} for this extension)`,
  'set "orchestrator.opencodePath" to an OpenCode 1.x binary',
  'run `npm i opencode-ai@1` in the workspace',
]

export function registerInstallOpencode(
  store: DisposableStore,
  deps: { storageDir: string; log: Logger },
): void {
  store.add(
    vscode.commands.registerCommand(Commands.installOpencode, () =>
      installOpencode(deps).catch((err: unknown) => {
        deps.log.error(`Install OpenCode 1.x failed: ${errorMessage(err)}`)
        void toast
          .error(`Install OpenCode 1.x failed: ${errorMessage(err)}`, 'Show Logs')
          .then((c) => c && vscode.commands.executeCommand(Commands.showLogs))
      }),
    ),
  )
}

async function installOpencode(deps: { storageDir: string; log: Logger }): Promise<void> {
  const dir = managedOpencodeDir(deps.storageDir)
  const spec = managedOpencodeSpec()
  const done = await vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: `Installing OpenCode (${spec})`,
      cancellable: true,
    },
    async (progress, token) => {
      const cancel = new AbortController()
      const sub = token.onCancellationRequested(() => cancel.abort())
      try {
        progress.report({ message: 'npm install…' })
        deps.log.info(`installing ${spec} into ${dir}`)
        await runNpmInstall({
          dir,
          signal: cancel.signal,
          onOutput: (line) => deps.log.info(`npm: ${line}`),
        })
        return !token.isCancellationRequested
      } catch (err) {
        if (token.isCancellationRequested) return false
        throw err
      } finally {
        sub.dispose()
      }
    },
  )
  if (!done) return void toast.info('OpenCode install cancelled.')
  const binary = resolveOpencodeBinary({ searchFrom: [dir], pathEnv: '' })
  const { version } = await checkOpencodeBinary(binary, { fixes: VSCODE_OPENCODE_FIXES })
  deps.log.info(`OpenCode ${version ?? '?'} installed at ${binary}`)
  void toast.info(
    `OpenCode ${version ?? spec} is installed for the orchestrator; missions use it from now on (unless "orchestrator.opencodePath" is set).`,
  )
}
