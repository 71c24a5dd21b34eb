// The slash commands the companion plugin adds to OpenCode: `/task <goal>` starts a mission on the
// engine inside the server, `/stop` stops it, `/mission` says where it stands. OpenCode always
// prompts a model after a command (a hook cannot cancel it, and a hook that throws fails silently in
// the TUI), so each command costs one short call: the `commander` agent, with no tools and a prompt
// of one line, answers in a word (docs/task-command-host.md has the measurements).

import type { Config } from '@opencode-ai/plugin'

export const TASK_COMMANDS = ['task', 'stop', 'mission'] as const
export type TaskCommand = (typeof TASK_COMMANDS)[number]

/** The agent that answers the commands' one short call. */
export const COMMAND_AGENT = 'commander'

/** What the one short call asks: sent to the model, never shown (OpenCode's `synthetic` part). */
export const ONE_WORD = 'Reply with one word: ok'

const DESCRIPTIONS: Record<TaskCommand, string> = {
  task: 'Run a mission with the orchestrator: /task <goal> (or /task --resume [id])',
  stop: "Stop the orchestrator's mission in this project",
  mission: "Show the orchestrator's mission: phase, todos, agents, budgets, evidence",
}

/**
 * Adds the commands to OpenCode's merged config, but never over a user's own command of the same
 * name (theirs wins, as with agents). Returns the names it added: only those are ours to answer.
 */
export function addTaskCommands(config: Config): Set<TaskCommand> {
  const commands = (config.command ??= {})
  const added = new Set<TaskCommand>()
  for (const name of TASK_COMMANDS) {
    if (commands[name] !== undefined) continue
    commands[name] = {
      template: '$ARGUMENTS',
      description: DESCRIPTIONS[name],
      agent: COMMAND_AGENT,
      subtask: false,
      // The cheapest model the user named, when they named one: the reply is one word.
      ...(config.small_model !== undefined && { model: config.small_model }),
    }
    added.add(name)
  }
  return added
}

/** A command's arguments as typed: trimmed, and one pair of quotes taken off (`opencode run` keeps them). */
export function commandArguments(raw: string): string {
  const text = raw.trim()
  const quoted = /^(["'])([\s\S]*)\1$/.exec(text)
  // Only a pair around the whole text: `"a" and "b"` is a goal with quotes in it.
  const inner = quoted?.[2]
  return (inner !== undefined && !inner.includes(quoted?.[1] ?? '') ? inner : text).trim()
}

export type TaskRequest =
  { kind: 'start'; goal: string } | { kind: 'resume'; id?: string } | { kind: 'empty' }

/** `/task`'s arguments: a goal, `--resume [id]`, or nothing. */
export function parseTaskArguments(raw: string): TaskRequest {
  const text = commandArguments(raw)
  if (text === '') return { kind: 'empty' }
  const resume = /^--resume(?:\s+(\S+))?\s*$/.exec(text)
  if (resume) return resume[1] !== undefined ? { kind: 'resume', id: resume[1] } : { kind: 'resume' }
  return { kind: 'start', goal: text }
}
