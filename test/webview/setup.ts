import { cleanup } from '@testing-library/svelte'
import { afterEach } from 'vitest'

// A fake VS Code webview host: every post is structured-cloned, as the real one does, so a Svelte
// proxy crossing the boundary fails here too. The view's frame acknowledgements (`rendered`) are kept
// apart from the user's intents.
export const posted: unknown[] = []
export const acks: number[] = []
let state: unknown

const isAck = (m: unknown): m is { type: 'rendered'; seq: number } =>
  typeof m === 'object' && m !== null && (m as { type?: unknown }).type === 'rendered'

;(globalThis as unknown as { acquireVsCodeApi: () => unknown }).acquireVsCodeApi = () => ({
  postMessage: (m: unknown) => {
    const copy = structuredClone(m)
    if (isAck(copy)) acks.push(copy.seq)
    else posted.push(copy)
  },
  getState: () => state,
  setState: (s: unknown) => void (state = structuredClone(s)),
})

// jsdom lays nothing out and has no ResizeObserver (Svelte's bind:clientWidth uses one): sizes stay 0.
globalThis.ResizeObserver ??= class {
  observe() {}
  unobserve() {}
  disconnect() {}
}

afterEach(() => cleanup())
