// The view's state between host messages: a delta wakes only what reads the fields it changed, it
// is announced like a snapshot, and every message the state holds is acknowledged.
import { render } from '@testing-library/svelte'
import { flushSync } from 'svelte'
import { afterEach, describe, expect, it } from 'vitest'
import { PROTOCOL_VERSION, type HostToWebview, type MissionDelta } from '../../src/shared/protocol'
import App from '../../webview/App.svelte'
import { agentsByTodo } from '../../webview/lib/agents'
import { DashboardStore } from '../../webview/lib/dashboard.svelte'
import { agent, running, snapshot, todo } from './fixtures'
import { acks, sendSnapshot } from './host-fake'

const delta = (seq: number, mission: Omit<MissionDelta, 'id'>): HostToWebview => ({
  type: 'delta',
  protocol: PROTOCOL_VERSION,
  seq,
  base: seq - 1,
  mission: { id: 'm', ...mission },
})

function watched() {
  const applied: number[] = []
  const store = new DashboardStore(
    () => {},
    (seq) => applied.push(seq),
  )
  const runs = { todos: 0, tokens: 0 }
  const stop = $effect.root(() => {
    $effect(() => {
      void store.mission?.todos
      runs.todos++
    })
    $effect(() => {
      void store.mission?.tokens
      runs.tokens++
    })
  })
  store.apply({
    type: 'snapshot',
    protocol: PROTOCOL_VERSION,
    seq: 1,
    state: snapshot(running({ id: 'm', todos: [todo({ id: 'a' })] })),
  })
  flushSync()
  return { store, runs, applied, stop }
}

describe('dashboard store', () => {
  it('opens no row of a new mission because a row of the same id was open in the last one', () => {
    const { store, stop } = watched()
    store.toggle('todo:a')
    store.apply(delta(2, { fields: { tokens: 5 } }))
    expect(store.expanded['todo:a']).toBe(true) // the same mission keeps what the user opened
    store.apply({
      type: 'snapshot',
      protocol: PROTOCOL_VERSION,
      seq: 3,
      state: snapshot(running({ id: 'next', todos: [todo({ id: 'a' })] })),
    })
    expect(store.expanded['todo:a']).toBeUndefined()
    stop()
  })

  it('wakes only the readers of the fields a delta changed', () => {
    const { store, runs, stop } = watched()
    const before = { ...runs }
    store.apply(delta(2, { fields: { tokens: 99 } }))
    flushSync()
    expect(store.mission?.tokens).toBe(99)
    expect(runs.tokens).toBe(before.tokens + 1)
    expect(runs.todos).toBe(before.todos) // the todo list is not touched
    store.apply(delta(3, { todos: [todo({ id: 'a', status: 'passed' })] }))
    flushSync()
    expect(runs.todos).toBe(before.todos + 1)
    stop()
  })

  it('announces a phase change and a todo result that came in a delta', () => {
    const { store, stop } = watched()
    store.apply(delta(2, { todos: [todo({ id: 'a', title: 'Add API', status: 'passed' })] }))
    expect(store.announced).toBe('Todo Add API passed')
    store.apply(delta(3, { fields: { phase: 'completed' } }))
    expect(store.announced).toBe('Mission completed')
    stop()
  })

  it('tells the host which message it holds, and nothing for a delta it had to refuse', () => {
    const { store, applied, stop } = watched()
    store.apply(delta(2, { fields: { tokens: 1 } }))
    store.apply(delta(9, { fields: { tokens: 2 } })) // base 8: a message was missed
    expect(applied).toEqual([1, 2])
    expect(store.mission?.tokens).toBe(1)
    stop()
  })
})

describe('acknowledgements', () => {
  it('the dashboard acknowledges a host message once a frame shows it, the latest of a frame once', async () => {
    acks.length = 0
    render(App)
    for (const seq of [4, 5])
      window.dispatchEvent(
        new MessageEvent('message', {
          data: { type: 'snapshot', protocol: PROTOCOL_VERSION, seq, state: snapshot(running()) },
        }),
      )
    expect(acks).toEqual([]) // not before the frame
    await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)))
    expect(acks).toEqual([5])
    sendSnapshot(snapshot(running())) // a message without a number asks for no ack
    await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)))
    expect(acks).toEqual([5])
  })
})

describe('acknowledgements of a hidden document', () => {
  const hide = (hidden: boolean) => {
    Object.defineProperty(document, 'visibilityState', {
      configurable: true,
      get: () => (hidden ? 'hidden' : 'visible'),
    })
    document.dispatchEvent(new Event('visibilitychange'))
  }
  afterEach(() => hide(false))

  it('acknowledges at once while hidden (no frame comes), and a pending one when it hides', () => {
    acks.length = 0
    render(App)
    const send = (seq: number) =>
      window.dispatchEvent(
        new MessageEvent('message', {
          data: { type: 'snapshot', protocol: PROTOCOL_VERSION, seq, state: snapshot(running()) },
        }),
      )
    send(7)
    expect(acks).toEqual([]) // visible: at the next frame
    hide(true)
    expect(acks).toEqual([7]) // the frame it waited for will not come
    send(8)
    expect(acks).toEqual([7, 8])
  })
})

describe('agents grouped by todo', () => {
  it('keeps the list of a todo whose agents did not change', () => {
    const w = agent({ sessionId: 'w', todoId: 'a' })
    const r = agent({ sessionId: 'r', todoId: 'a', role: 'reviewer' })
    const b = agent({ sessionId: 'b', todoId: 'b' })
    const first = agentsByTodo([w, r, b])
    expect(first).toEqual({ a: [w, r], b: [b] })
    const b2 = { ...b, tokens: 5 }
    const next = agentsByTodo([w, r, b2], first)
    expect(next.a).toBe(first.a)
    expect(next.b).toEqual([b2])
    expect(agentsByTodo([w, b2], next).a).toEqual([w])
  })
})
