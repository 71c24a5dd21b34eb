import type { Config } from '@opencode-ai/plugin'
import { oneLine } from '../../src/plugin/task/mission-host'
import { describe, expect, it } from 'vitest'
import {
  addTaskCommands,
  commandArguments,
  COMMAND_AGENT,
  parseTaskArguments,
} from '../../src/plugin/task/task-commands'

describe('the /task, /stop and /mission commands', () => {
  it("are added for the commander's one-word reply, on the user's cheap model when they named one", () => {
    const config = { small_model: 'p/cheap' } as Config
    expect([...addTaskCommands(config)]).toEqual(['task', 'stop', 'mission'])
    expect(config.command?.task).toMatchObject({
      template: '$ARGUMENTS',
      agent: COMMAND_AGENT,
      subtask: false,
      model: 'p/cheap',
    })
    const bare = {} as Config
    expect(addTaskCommands(bare).size).toBe(3)
    expect(bare.command?.task).not.toHaveProperty('model')
  })

  it("leave a user's own command of the same name theirs, and answer only their own", () => {
    const mine = { template: 'my task: $ARGUMENTS' }
    const config = { command: { task: mine } } as Config
    expect([...addTaskCommands(config)]).toEqual(['stop', 'mission'])
    expect(config.command?.task).toBe(mine)
    expect(config.command?.task).not.toHaveProperty('model')
  })
})

describe("/task's arguments", () => {
  it('are the goal as typed, one pair of quotes off (opencode run --command keeps them)', () => {
    expect(commandArguments('  "Add a farewell"  ')).toBe('Add a farewell')
    expect(commandArguments("'it''s'")).toBe("'it''s'")
    expect(commandArguments('"a" and "b"')).toBe('"a" and "b"')
    expect(commandArguments('say "hi" twice')).toBe('say "hi" twice')
    expect(parseTaskArguments('"Add a farewell"')).toEqual({ kind: 'start', goal: 'Add a farewell' })
  })

  it('resume the latest interrupted mission or the one named, and say nothing was asked for when empty', () => {
    expect(parseTaskArguments('--resume')).toEqual({ kind: 'resume' })
    expect(parseTaskArguments(' --resume 0b7e4c1a-aaaa-bbbb-cccc-123456789abc ')).toEqual({
      kind: 'resume',
      id: '0b7e4c1a-aaaa-bbbb-cccc-123456789abc',
    })
    expect(parseTaskArguments('--resume the parser work')).toEqual({
      kind: 'start',
      goal: '--resume the parser work',
    })
    expect(parseTaskArguments('   ')).toEqual({ kind: 'empty' })
    expect(parseTaskArguments('""')).toEqual({ kind: 'empty' })
  })
})

describe('a goal in a toast, a title or a refusal', () => {
  it('is one line, without control characters, cut with an ellipsis', () => {
    expect(oneLine('Fix\nthe\tparser\u0007 now')).toBe('Fix the parser now')
    const long = oneLine('x'.repeat(500), 80)
    expect(long).toHaveLength(80)
    expect(long.endsWith('…')).toBe(true)
  })
})
