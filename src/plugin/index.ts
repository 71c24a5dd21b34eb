// The companion OpenCode plugin, bundled to dist/plugin.js and loaded by OpenCode from a `file://`
// entry in the config's `plugin` list. OpenCode 1.18 calls every export of a plugin module that has
// no `{ id, server }` default export as `(input, options) => hooks`, so this module exports exactly
// one thing: the plugin function. Nothing here writes into prompts or outputs but the parts of its own
// commands (`/task`, `/stop`, `/mission`, see task/); its timers are a held closing call's bound
// (turn-hold.ts), which only runs while a turn is being ended, and the one-off offer of an
// interrupted mission (task/task-hooks.ts).
import type { Hooks, Plugin } from '@opencode-ai/plugin'
import type { Event } from '@opencode-ai/sdk'
import { addAgents, parsePluginOptions } from './agents'
import { guardEdit } from './edit-guard'
import { missionProjectDir, OwnershipReader } from './ownership'
import { hideServerSecrets } from './shell-env'
import { assertMissionCall, isMissionTool, missionTools } from './tools'
import { TurnHold } from './turn-hold'
import { TaskHooks } from './task/task-hooks'

export const OrchestratorPlugin: Plugin = async (input, options) => {
  const opts = parsePluginOptions(options)
  // A mission's worktree follows the missions of the user's folder it was made for.
  const ownership = new OwnershipReader(missionProjectDir(input.directory))
  const hold = new TurnHold()
  // `/task`, `/stop`, `/mission`: missions run on the engine inside this server (task/).
  const task = new TaskHooks(input, opts.maxConcurrency)
  task.offerResume()
  const hooks: Hooks = {
    config: async (config) => {
      addAgents(config, opts)
      task.config(config)
    },
    'command.execute.before': async (call, output) => {
      await task.command(call, output.parts)
    },
    tool: missionTools(
      (sessionID) => ownership.forSession(sessionID),
      (sessionID, mission) => {
        if (mission?.endsTurnOnResult) hold.mark(sessionID)
      },
    ),
    'chat.params': async (call, output) => {
      task.chatParams(call.agent, output)
      await hold.beforeModelCall(call.sessionID, call.message.id)
    },
    // Agents' shell commands do not inherit the server's password and config content.
    'shell.env': async (_call, output) => {
      hideServerSecrets(output.env)
    },
    event: async ({ event }) => {
      const sessionID = settledSession(event)
      if (sessionID) hold.settle(sessionID)
    },
    // Runs before OpenCode validates arguments against the tool's schema, so a malformed mission call
    // gets our precise message instead of a generic schema error.
    'tool.execute.before': async (call, output) => {
      const current = await ownership.forSession(call.sessionID)
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

/** The session an event says has stopped running (idle, failed or deleted), if any. */
function settledSession(event: Event): string | undefined {
  if (event.type === 'session.idle' || event.type === 'session.error') return event.properties.sessionID
  if (event.type === 'session.status' && event.properties.status.type === 'idle')
    return event.properties.sessionID
  if (event.type === 'session.deleted') return event.properties.info.id
  return undefined
}
