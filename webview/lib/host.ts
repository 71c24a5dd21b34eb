import { isHostToWebview, type HostToWebview, type WebviewToHost } from '../../src/shared/protocol'

interface VsCodeApi {
  postMessage(message: unknown): void
  getState(): unknown
  setState(state: unknown): void
}
declare function acquireVsCodeApi(): VsCodeApi

// The single acquireVsCodeApi() call; tests install their own global before importing this module.
const api: VsCodeApi = acquireVsCodeApi()

export function post(message: WebviewToHost): void {
  api.postMessage(message)
}

/** Delivers every well-formed host message; the returned function unsubscribes. */
export function onMessage(fn: (m: HostToWebview) => void): () => void {
  const listener = (e: MessageEvent) => {
    if (isHostToWebview(e.data)) fn(e.data)
  }
  window.addEventListener('message', listener)
  return () => window.removeEventListener('message', listener)
}

export const getState = (): unknown => api.getState()
export const setState = (state: unknown): void => api.setState(state)
