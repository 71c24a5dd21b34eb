import * as vscode from 'vscode'
import type { Logger } from '../engine/ports'
import { scrubSecrets } from '../engine/util/scrub-secrets'

/** The one log channel of the extension, with component-tagged lines scrubbed of secrets. */
export class Log implements vscode.Disposable {
  readonly channel = vscode.window.createOutputChannel('Orchestrator', { log: true })

  for(component: string): Logger {
    const c = this.channel
    // Provider errors and server output can echo keys and Authorization headers: the channel is
    // visible to anyone sharing a screen or a log, so it gets the journal's scrubber.
    const line = (m: string) => `[${component}] ${scrubSecrets(m)}`
    return {
      debug: (m) => c.debug(line(m)),
      info: (m) => c.info(line(m)),
      warn: (m) => c.warn(line(m)),
      error: (m) => c.error(line(m)),
    }
  }

  dispose(): void {
    this.channel.dispose()
  }
}
