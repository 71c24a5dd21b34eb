import type { OpencodeClient } from '@opencode-ai/sdk/v2'
import { MISSION_TOOLS } from '../engine/protocol/mission-protocol'
import { parseModelRef } from '../engine/protocol/model-ref'
import {
  ROLES,
  type CreateSessionInput,
  type ModelLimit,
  type ModelRef,
  type Role,
  type PermissionReply,
  type PromptInput,
  type SessionPort,
  type SessionStatus,
  type ToolCallRecord,
} from '../engine/ports'

/** SessionPort on the SDK v2 client; every call throws with the server's reason on failure. */
export class OpencodeSessionPort implements SessionPort {
  constructor(private readonly client: OpencodeClient) {}

  async create(input: CreateSessionInput): Promise<{ id: string }> {
    const res = await this.client.session.create({
      title: input.title,
      ...(input.parentId !== undefined && { parentID: input.parentId }),
      ...(input.directory !== undefined && { directory: input.directory }),
    })
    return { id: ok(res, 'create session').id }
  }

  async retitle(sessionId: string, title: string): Promise<void> {
    ok(await this.client.session.update({ sessionID: sessionId, title }), `retitle ${sessionId}`)
  }

  async remove(sessionId: string): Promise<void> {
    ok(await this.client.session.delete({ sessionID: sessionId }), `delete ${sessionId}`)
  }

  async prompt(input: PromptInput): Promise<void> {
    const res = await this.client.session.promptAsync({
      sessionID: input.sessionId,
      agent: input.agent,
      parts: [{ type: 'text', text: input.text }],
      ...(input.model && { model: input.model }),
    })
    if (res.error) throw new Error(`prompt ${input.sessionId} failed: ${describe(res)}`)
  }

  async abort(sessionId: string): Promise<boolean> {
    const res = await this.client.session.abort({ sessionID: sessionId })
    return ok(res, `abort ${sessionId}`) === true
  }

  /** The client's folder's sessions, or those of another folder's instance (a todo's worktree). */
  async statuses(directory?: string): Promise<Record<string, SessionStatus>> {
    return ok(
      await this.client.session.status(directory === undefined ? undefined : { directory }),
      'session status',
    )
  }

  /**
   * Readies another folder's instance (a todo's worktree) with no model call: it boots on the first
   * request, and what its first prompt would pay for besides (the file watcher and search, the tools,
   * the providers: about a second of the server's time) is done now instead.
   */
  async readyFolder(directory: string): Promise<void> {
    const [files, tools, providers] = await Promise.all([
      this.client.find.files({ directory, query: 'a', limit: 1 }),
      this.client.tool.ids({ directory }),
      this.client.config.providers({ directory }),
    ])
    ok(files, `find files in ${directory}`)
    ok(tools, `tools of ${directory}`)
    ok(providers, `providers of ${directory}`)
  }

  async children(sessionId: string): Promise<string[]> {
    return ok(await this.client.session.children({ sessionID: sessionId }), `children of ${sessionId}`).map(
      (s) => s.id,
    )
  }

  async roleModels(): Promise<Partial<Record<Role, ModelRef>>> {
    const [agents, config] = await Promise.all([this.client.app.agents(), this.client.config.get()])
    const fallback = parseModelRef(ok(config, 'config').model)
    const models: Partial<Record<Role, ModelRef>> = {}
    for (const role of ROLES) {
      const model = ok(agents, 'agents').find((a) => a.name === role)?.model ?? fallback
      if (model) models[role] = { providerID: model.providerID, modelID: model.modelID }
    }
    return models
  }

  async modelLimits(): Promise<Record<string, ModelLimit>> {
    const { providers } = ok(await this.client.config.providers(), 'config providers')
    const limits: Record<string, ModelLimit> = {}
    for (const p of providers)
      for (const [id, m] of Object.entries(p.models))
        if (m.limit.context > 0) limits[`${p.id}/${id}`] = { context: m.limit.context }
    return limits
  }

  async missionToolCalls(sessionId: string): Promise<ToolCallRecord[]> {
    const messages = ok(
      await this.client.session.messages({ sessionID: sessionId }),
      `messages of ${sessionId}`,
    )
    const calls: ToolCallRecord[] = []
    for (const m of messages)
      for (const p of m.parts)
        if (p.type === 'tool' && (MISSION_TOOLS as readonly string[]).includes(p.tool))
          calls.push({ callId: p.callID, tool: p.tool, status: p.state.status, input: p.state.input })
    return calls
  }

  async replyPermission(requestId: string, _sessionId: string, reply: PermissionReply): Promise<void> {
    const res = await this.client.permission.reply({ requestID: requestId, reply })
    if (res.error) throw new Error(`permission reply ${requestId} failed: ${describe(res)}`)
  }
}

type Result<T> = { data?: T; error?: unknown; response?: Response }

function ok<T>(res: Result<T>, what: string): T {
  if (res.error !== undefined || res.data === undefined) throw new Error(`${what} failed: ${describe(res)}`)
  return res.data
}

function describe(res: Result<unknown>): string {
  const status = res.response ? `HTTP ${res.response.status}` : 'no response'
  const detail = res.error === undefined ? '' : `: ${JSON.stringify(res.error).slice(0, 300)}`
  return status + detail
}
