import {
  isHostToWebview,
  isStartAnswer,
  type HostToWebview,
  type StartAnswer,
  type WebviewToHost,
} from '../../src/shared/protocol'

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

/** Delivers the host's answers to Run (see lib/start-request.ts); the returned function unsubscribes. */
export function onStartAnswer(fn: (m: StartAnswer) => void): () => void {
  const listener = (e: MessageEvent) => {
    if (isStartAnswer(e.data)) fn(e.data)
  }
  window.addEventListener('message', listener)
  return () => window.removeEventListener('message', listener)
}

export const getState = (): unknown => api.getState()
export const setState = (state: unknown): void => api.setState(state)
