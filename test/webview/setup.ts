import { cleanup } from '@testing-library/svelte'
import { afterEach } from 'vitest'

// A fake VS Code webview host: every post is structured-cloned, as the real one does, so a Svelte
// proxy crossing the boundary fails here too.
export const posted: unknown[] = []
let state: unknown

;(globalThis as unknown as { acquireVsCodeApi: () => unknown }).acquireVsCodeApi = () => ({
  postMessage: (m: unknown) => void posted.push(structuredClone(m)),
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
