import type { EventPort, HostEvent, SessionPort } from '../../src/engine/ports'

/** Wraps the ports so every call and event is logged with its time since t0 (BENCH_TRACE). */
export function traced(
  ports: SessionPort & EventPort,
  t0: () => number,
  out: string[],
): { sessions: SessionPort; events: EventPort } {
  const at = () => String(Date.now() - t0()).padStart(5)
  const short = (id: string) => id.slice(-6)
  const sessions: SessionPort = {
    create: async (i) => {
      out.push(`${at()} > create ${i.title}`)
      const r = await ports.create(i)
      out.push(`${at()} < create ${short(r.id)}`)
      return r
    },
    prompt: async (i) => {
      out.push(`${at()} > prompt ${short(i.sessionId)} ${i.text.split('\n')[0]?.slice(0, 30)}`)
      await ports.prompt(i)
      out.push(`${at()} < prompt ${short(i.sessionId)}`)
    },
    abort: async (id) => {
      out.push(`${at()} > abort ${short(id)}`)
      const r = await ports.abort(id)
      out.push(`${at()} < abort ${short(id)}`)
      return r
    },
    retitle: (id, title) => ports.retitle?.(id, title) ?? Promise.resolve(),
    ...(ports.remove && {
      remove: async (id: string) => {
        out.push(`${at()} > remove ${short(id)}`)
        await ports.remove?.(id)
        out.push(`${at()} < remove ${short(id)}`)
      },
    }),
    statuses: () => ports.statuses(),
    children: (id) => ports.children(id),
    replyPermission: (a, b, c) => ports.replyPermission(a, b, c),
    missionToolCalls: (id) => ports.missionToolCalls(id),
    roleModels: () => ports.roleModels(),
    modelLimits: () => ports.modelLimits?.() ?? Promise.resolve({}),
  }
  const describe = (e: HostEvent) => {
    const s = 'sessionId' in e && e.sessionId ? short(e.sessionId) : ''
    if (e.type === 'part.tool') return `${s} tool ${e.tool} ${e.status}`
    if (e.type === 'session.status') return `${s} status ${e.status.type}`
    if (e.type === 'message.assistant')
      return `${s} assistant ${e.messageId.slice(-4)} done=${e.completed} tok=${e.tokens}`
    if (e.type === 'part.text') return `${s} text final=${e.final}`
    return `${s} ${e.type}`
  }
  const events: EventPort = {
    subscribe: (listener) =>
      ports.subscribe((e) => {
        out.push(`${at()} ! ${describe(e)}`)
        listener(e)
      }),
  }
  return { sessions, events }
}
