import * as vscode from 'vscode'
import type { Config } from '../shared/constants'

/** Typed read of an `orchestrator.*` setting. */
export function getConfig<K extends keyof Config>(key: K): Config[K] {
  return vscode.workspace.getConfiguration('orchestrator').get(key) as Config[K]
}
