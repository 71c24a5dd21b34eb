// Shared fakes for calling the plugin's hooks and tools directly, as OpenCode would.
import type { Hooks, PluginInput, ToolContext } from '@opencode-ai/plugin'
import { OrchestratorPlugin } from '../../src/plugin/index'

export async function loadPlugin(directory: string, options?: Record<string, unknown>): Promise<Hooks> {
  // The plugin only reads `directory`; the rest of the input is OpenCode's client and shell.
  return OrchestratorPlugin({ directory, worktree: directory } as unknown as PluginInput, options)
}

export function toolContext(sessionID: string, directory: string): ToolContext {
  return {
    sessionID,
    messageID: 'msg_1',
    agent: 'worker',
    directory,
    worktree: directory,
    abort: new AbortController().signal,
    metadata: () => undefined,
    ask: async () => undefined,
  }
}

/** Runs `tool.execute.before` like OpenCode does; resolves with the error message, or undefined. */
export async function before(
  hooks: Hooks,
  tool: string,
  sessionID: string,
  args: unknown,
): Promise<string | undefined> {
  try {
    await hooks['tool.execute.before']?.({ tool, sessionID, callID: 'call_1' }, { args })
    return undefined
  } catch (err) {
    return (err as Error).message
  }
}
