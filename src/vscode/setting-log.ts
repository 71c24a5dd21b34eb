// Each `orchestrator.*` setting the user changes goes to the log with its new value: a mission reads
// its settings when it starts, so the log says which ones a mission started after a change saw.

import * as vscode from 'vscode'
import type { Logger } from '../engine/ports'

/** The keys (without `orchestrator.`) of the settings a package.json contributes. */
export function settingKeys(packageJson: unknown): string[] {
  const properties = (packageJson as { contributes?: { configuration?: { properties?: object } } })
    ?.contributes?.configuration?.properties
  return Object.keys(properties ?? {})
    .filter((k) => k.startsWith('orchestrator.'))
    .map((k) => k.slice('orchestrator.'.length))
}

export function logSettingChanges(keys: readonly string[], log: Logger): vscode.Disposable {
  return vscode.workspace.onDidChangeConfiguration((e) => {
    if (!e.affectsConfiguration('orchestrator')) return
    const config = vscode.workspace.getConfiguration('orchestrator')
    for (const key of keys)
      if (e.affectsConfiguration(`orchestrator.${key}`))
        log.info(`orchestrator.${key} is now ${JSON.stringify(config.get(key)) ?? 'unset'}`)
  })
}
