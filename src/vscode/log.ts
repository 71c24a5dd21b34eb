import * as vscode from 'vscode'
import type { Logger } from '../engine/ports'

/** The one log channel of the extension, with component-tagged lines. */
export class Log implements vscode.Disposable {
  readonly channel = vscode.window.createOutputChannel('Orchestrator', { log: true })

  for(component: string): Logger {
    const c = this.channel
    return {
      debug: (m) => c.debug(`[${component}] ${m}`),
      info: (m) => c.info(`[${component}] ${m}`),
      warn: (m) => c.warn(`[${component}] ${m}`),
      error: (m) => c.error(`[${component}] ${m}`),
    }
  }

  dispose(): void {
    this.channel.dispose()
  }
}
