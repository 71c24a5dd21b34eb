// The three mission-protocol tools. OpenCode offers their zod schemas to the model as JSON schema;
// the semantic checks (ids, dependencies, cycles, known todos) are the engine's own checkers, so the
// plugin and the engine agree on what a valid call is. An invalid call throws: OpenCode then marks
// the tool part as an error and hands the message back to the model, which can correct itself.
import { tool, type ToolDefinition } from '@opencode-ai/plugin'
import {
  checkPlan,
  checkReport,
  checkVerdict,
  FINDING_MAX_CHARS,
  SUMMARY_MAX_CHARS,
  TOOL_PLAN,
  TOOL_REPORT,
  TOOL_VERDICT,
} from '../engine/protocol/mission-protocol'
import type { Ownership } from '../engine/protocol/ownership'

const z = tool.schema

// Only what the protocol needs is required (a todo's id and title; a report's todoId, status and
// summary; a verdict's todoId and verdict); the rest defaults to empty. Unknown keys are stripped.
const planArgs = {
  todos: z
    .array(
      z.object({
        id: z.string().describe('Unique slug without spaces, e.g. "api-auth"'),
        title: z.string().describe('One line'),
        description: z
          .string()
          .optional()
          .describe('What to do, precisely enough for a worker who sees only this todo'),
        files: z.array(z.string()).optional().describe('Project-relative files this todo may edit'),
        dependsOn: z.array(z.string()).optional().describe('Ids of todos that must be done first'),
        acceptance: z.array(z.string()).optional().describe('Checks the reviewer applies'),
      }),
    )
    .describe('At least one todo; ids unique, dependencies known and acyclic (empty with cannotPlan)'),
  title: z.string().optional().describe('A short title for the whole mission, a few words'),
  cannotPlan: z
    .string()
    .optional()
    .describe(
      'Only when no plan can reach the goal (e.g. the check fails for a cause outside the project): why, with "todos": []. Ends the mission',
    ),
}
const reportArgs = {
  todoId: z.string().describe('The todo id from your brief'),
  status: z.enum(['done', 'blocked', 'failed']),
  summary: z
    .string()
    .describe(
      `What changed and why, in a few lines; no raw tool output. Kept up to ${SUMMARY_MAX_CHARS} characters`,
    ),
  filesChanged: z.array(z.string()).optional().describe('Project-relative paths'),
}
const verdictArgs = {
  todoId: z.string().describe('The todo id from your brief'),
  verdict: z.enum(['pass', 'fail']),
  findings: z
    .array(z.string())
    .optional()
    .describe(
      `Concrete problems to fix; empty when passing. Each kept up to ${FINDING_MAX_CHARS} characters`,
    ),
}

const schemas = {
  [TOOL_PLAN]: z.object(planArgs),
  [TOOL_REPORT]: z.object(reportArgs),
  [TOOL_VERDICT]: z.object(verdictArgs),
} as const

type MissionTool = keyof typeof schemas
export const isMissionTool = (name: string): name is MissionTool => Object.hasOwn(schemas, name)

/** What the checks know about the running mission, read from the ownership file. */
export interface MissionContext {
  ownership: Ownership | undefined
  sessionID: string
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : acc ? `${acc}.${String(key)}` : String(key)),
    '',
  )
}

/**
 * Every problem with a mission tool call, in words the model can act on; empty when the call is
 * valid. The engine's checker runs first (it names duplicate ids, unknown or cyclic dependencies,
 * an empty plan, unknown todo ids); the zod schema then catches what the checker tolerates.
 */
export function missionCallErrors(name: MissionTool, args: unknown, ctx: MissionContext): string[] {
  const known = ctx.ownership ? new Set(ctx.ownership.todos) : undefined
  const checked =
    name === TOOL_PLAN
      ? checkPlan(args, known ? { knownIds: known } : {})
      : name === TOOL_REPORT
        ? checkReport(args, known)
        : checkVerdict(args, known)
  if (!checked.ok) return checked.errors
  const parsed = schemas[name].safeParse(args)
  if (!parsed.success)
    return parsed.error.issues.map((i) => (i.path.length ? `${formatPath(i.path)}: ${i.message}` : i.message))
  const todoId = (args as { todoId: string }).todoId
  if (name === TOOL_REPORT) {
    const own = ctx.ownership?.sessions[ctx.sessionID]
    if (own && own.todoId !== todoId)
      return [
        `this session works on todo "${own.todoId}", not "${todoId}": report with todoId "${own.todoId}"`,
      ]
  }
  if (name === TOOL_VERDICT) {
    const own = ctx.ownership?.reviews?.[ctx.sessionID]
    if (own !== undefined && own !== todoId)
      return [`this session reviews todo "${own}", not "${todoId}": give the verdict with todoId "${own}"`]
  }
  return []
}

/** Throws the error OpenCode reports to the model when a mission tool call is invalid. */
export function assertMissionCall(name: MissionTool, args: unknown, ctx: MissionContext): void {
  const errors = missionCallErrors(name, args, ctx)
  if (errors.length === 0) return
  throw new Error(
    `${name}: invalid arguments:\n${errors.map((e) => `- ${e}`).join('\n')}\nFix these and call ${name} again.`,
  )
}

/**
 * The tools, keyed by name. `mission` reads the ownership of the calling session's mission (called
 * once per tool call); `accepted` hears of every valid call, after its checks passed.
 */
export function missionTools(
  mission: (sessionID: string) => Promise<Ownership | undefined>,
  accepted: (sessionID: string, ownership: Ownership | undefined) => void = () => {},
): Record<string, ToolDefinition> {
  const check = async (name: MissionTool, args: unknown, sessionID: string) => {
    const ctx: MissionContext = { ownership: await mission(sessionID), sessionID }
    assertMissionCall(name, args, ctx)
    accepted(sessionID, ctx.ownership)
  }
  return {
    [TOOL_PLAN]: tool({
      description:
        'Planner only: submit the mission plan as todos with ids, files owned, dependencies and acceptance checks.',
      args: planArgs,
      async execute(args, ctx) {
        await check(TOOL_PLAN, args, ctx.sessionID)
        if (args.cannotPlan !== undefined) return 'Recorded: no plan. The mission ends with your reason.'
        const ids = args.todos.map((t) => t.id)
        return `Plan accepted: ${ids.length} todo${ids.length === 1 ? '' : 's'} (${ids.join(', ')}).`
      },
    }),
    [TOOL_REPORT]: tool({
      description: 'Worker only: report the outcome of your todo once, when you are finished.',
      args: reportArgs,
      async execute(args, ctx) {
        await check(TOOL_REPORT, args, ctx.sessionID)
        const cut =
          args.summary.length > SUMMARY_MAX_CHARS
            ? ` The summary was ${args.summary.length} characters; its first ${SUMMARY_MAX_CHARS} are kept.`
            : ''
        return `Report recorded: ${args.todoId} ${args.status}.${cut}`
      },
    }),
    [TOOL_VERDICT]: tool({
      description: 'Reviewer only: give your verdict on the todo you reviewed, once.',
      args: verdictArgs,
      async execute(args, ctx) {
        await check(TOOL_VERDICT, args, ctx.sessionID)
        return `Verdict recorded: ${args.todoId} ${args.verdict}.`
      },
    }),
  }
}
