// The companion OpenCode plugin, bundled to dist/plugin.js and loaded by OpenCode from a `file://`
// entry in the config's `plugin` list. OpenCode 1.18 calls every export of a plugin module that has
// no `{ id, server }` default export as `(input, options) => hooks`, so this module exports exactly
// one thing: the plugin function. Nothing here runs on a timer or writes into prompts or outputs.
import type { Hooks, Plugin } from '@opencode-ai/plugin'
import { addAgents, parsePluginOptions } from './agents'
import { guardEdit } from './edit-guard'
import { OwnershipReader } from './ownership'
import { assertMissionCall, isMissionTool, missionTools } from './tools'

export const OrchestratorPlugin: Plugin = async (input, options) => {
  const opts = parsePluginOptions(options)
  const ownership = new OwnershipReader(input.directory)
  const hooks: Hooks = {
    config: async (config) => {
      addAgents(config, opts)
    },
    tool: missionTools(() => ownership.current()),
    // Runs before OpenCode validates arguments against the tool's schema, so a malformed mission call
    // gets our precise message instead of a generic schema error.
    'tool.execute.before': async (call, output) => {
      const current = await ownership.current()
      if (isMissionTool(call.tool))
        assertMissionCall(call.tool, output.args, { ownership: current, sessionID: call.sessionID })
      guardEdit({
        tool: call.tool,
        sessionID: call.sessionID,
        args: output.args,
        projectDir: input.directory,
        ownership: current,
      })
    },
  }
  return hooks
}
