// `/task`, `/stop` and `/mission` as the plugin's hooks see them. The command hook never throws (a
// command that fails shows nothing in the TUI): it answers with what happened, as a part shown to
// the user and never sent to the model, and with the one-word request OpenCode's one model call per
// command then carries. One mission host per project folder, for every instance of the plugin.

import type { Config, PluginInput } from '@opencode-ai/plugin'
import type { Part } from '@opencode-ai/sdk'
import type { OpencodeClient } from '@opencode-ai/sdk/v2'
import type { Logger } from '../../engine/ports'
import { errorMessage } from '../../engine/util/error-message'
import { existsSync } from 'node:fs'
import { orchestratorFolder } from '../orchestrator-folder'
import { MissionHost, oneLine } from './mission-host'
import { serverClient } from './plugin-client'
import { terminalLine } from '../../shared/terminal-text'
import {
  addTaskCommands,
  COMMAND_AGENT,
  ONE_WORD,
  parseTaskArguments,
  type TaskCommand,
} from './task-commands'

/** Mission hosts by project folder: the plugin's module is loaded once per OpenCode process. */
const hosts = new Map<string, MissionHost>()
/** Project folders whose interrupted mission was offered in this process. */
const offered = new Set<string>()
/** A TUI starting with the server connects within this, so it sees the offer. */
const OFFER_DELAY_MS = 3_000

/** Tokens the one-word reply may take (a user who talks to the commander gets a sentence). */
const REPLY_TOKENS = 48

/** OpenCode's title of a session nobody named yet: it would make a model call to name it. */
const DEFAULT_TITLE = /^(New session|Child session) - \d{4}-\d{2}-\d{2}T/

export class TaskHooks {
  #owned = new Set<TaskCommand>()
  #server: { client: OpencodeClient; url: string } | undefined

  constructor(
    private readonly input: Pick<PluginInput, 'client' | 'directory' | 'serverUrl'>,
    /** The plugin option `maxConcurrency`: agent sessions a mission runs at once. */
    private readonly maxConcurrency?: number,
  ) {}

  /**
   * When the plugin loads: a project with an interrupted mission gets a toast offering its resume,
   * once per project folder and OpenCode process (a TUI that connects later misses it; `/mission`
   * says it too).
   */
  offerResume(): void {
    const dir = this.input.directory
    if (offered.has(dir) || !existsSync(orchestratorFolder(dir))) return
    offered.add(dir)
    // Later, not while the plugin loads: the server's client is read once the server serves.
    const later = setTimeout(() => {
      try {
        void this.#host().offerResume()
      } catch {
        // A client this build cannot read: `/task` says so when it is used.
      }
    }, OFFER_DELAY_MS)
    later.unref?.()
  }

  /** The config hook's part: the commands, unless the user has their own. */
  config(config: Config): void {
    this.#owned = addTaskCommands(config)
  }

  /** Answers one of our commands; any other command is left as it is. */
  async command(
    input: { command: string; sessionID: string; arguments: string },
    parts: Part[],
  ): Promise<void> {
    if (!this.#owned.has(input.command as TaskCommand)) return
    let text: string
    try {
      text = await this.#answer(input.command as TaskCommand, input.arguments, input.sessionID)
    } catch (err) {
      text = `Orchestrator: ${errorMessage(err)}`
    }
    // In place: OpenCode prompts with this very array (assigning a new one changes nothing).
    parts.splice(
      0,
      parts.length,
      { type: 'text', text, ignored: true } as unknown as Part,
      { type: 'text', text: ONE_WORD, synthetic: true } as unknown as Part,
    )
  }

  /** The commands' one short call stays short. */
  chatParams(agent: string, output: { temperature: number; maxOutputTokens: number | undefined }): void {
    if (agent !== COMMAND_AGENT) return
    output.temperature = 0
    output.maxOutputTokens = REPLY_TOKENS
  }

  async #answer(command: TaskCommand, args: string, sessionId: string): Promise<string> {
    const host = this.#host()
    if (command === 'stop') return host.stop()
    if (command === 'mission') return await host.status()
    const request = parseTaskArguments(args)
    const answer = await host.start(request, sessionId)
    // Named once the mission runs (before the command's model call, which would otherwise name it).
    if (request.kind === 'start' && answer.startsWith('Orchestrator: mission started'))
      await this.#nameSession(sessionId, `Mission: ${request.goal}`)
    return answer
  }

  #host(): MissionHost {
    const dir = this.input.directory
    let host = hosts.get(dir)
    if (!host) {
      const server = this.#client()
      const logger = serverLog(server.client)
      host = new MissionHost({
        directory: dir,
        client: server.client,
        url: server.url,
        logger,
        ...(this.maxConcurrency !== undefined && { maxConcurrency: this.maxConcurrency }),
        toast: (t) =>
          void server.client.tui
            .showToast({ title: 'Orchestrator', message: terminalLine(t.message), variant: t.variant })
            .catch((err: unknown) => logger.debug(`toast not shown: ${errorMessage(err)}`)),
      })
      hosts.set(dir, host)
    }
    return host
  }

  #client(): { client: OpencodeClient; url: string } {
    this.#server ??= serverClient(this.input.client, this.input.directory, this.input.serverUrl)
    return this.#server
  }

  /** Names a session OpenCode would otherwise name with a model call. */
  async #nameSession(sessionId: string, title: string): Promise<void> {
    const { client } = this.#client()
    const got = await client.session.get({ sessionID: sessionId }).catch(() => undefined)
    if (got?.data && DEFAULT_TITLE.test(got.data.title))
      await client.session.update({ sessionID: sessionId, title: oneLine(title, 80) }).catch(() => undefined)
  }
}

/** The engine's log, into OpenCode's own log (service `orchestrator`). */
function serverLog(client: OpencodeClient): Logger {
  const write = (level: 'debug' | 'info' | 'warn' | 'error') => (message: string) =>
    void client.app.log({ service: 'orchestrator', level, message }).catch(() => undefined)
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') }
}
