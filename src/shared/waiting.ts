// The line that says an agent waits on its provider while OpenCode retries a call, as the dashboard
// and the CLI show it. The seconds left are counted against the clock at the time of rendering.

export interface WaitingAgent {
  provider?: string
  /** OpenCode's retry: its attempt number, the provider's message, and the next try in epoch ms. */
  retry?: { attempt: number; message: string; next: number }
}

/** `waiting on <provider>: <message> — retry N in T s`; undefined while the agent is not in retry. */
export function waitingText(agent: WaitingAgent, now: number): string | undefined {
  const r = agent.retry
  if (!r) return undefined
  const secs = Math.max(0, Math.ceil((r.next - now) / 1000))
  return `waiting on ${agent.provider ?? 'the provider'}: ${r.message} — retry ${r.attempt} in ${secs} s`
}
