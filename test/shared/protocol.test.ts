import { describe, expect, it } from 'vitest'
import { isHostToWebview, isWebviewToHost } from '../../src/shared/protocol'

describe('webview protocol guards', () => {
  it('accepts the known webview messages', () => {
    expect(isWebviewToHost({ type: 'ready', protocol: 1 })).toBe(true)
    expect(isWebviewToHost({ type: 'mission.start', goal: 'x' })).toBe(true)
    expect(isWebviewToHost({ type: 'mission.stop' })).toBe(true)
  })
  it('rejects unknown kinds, wrong payloads and non-objects', () => {
    for (const bad of [
      null,
      'ready',
      { type: 'agent.kill' },
      { type: 'ready' },
      { type: 'ready', protocol: '1' },
      { type: 'mission.start', goal: 42 },
      { type: 'mission.start', goal: 'x'.repeat(20_001) },
    ])
      expect(isWebviewToHost(bad), JSON.stringify(bad)).toBe(false)
  })
  it('checks host messages too', () => {
    expect(isHostToWebview({ type: 'snapshot', protocol: 1, state: { server: { status: 'ready' } } })).toBe(true)
    expect(isHostToWebview({ type: 'snapshot', protocol: 1 })).toBe(false)
    expect(isHostToWebview({ type: 'other' })).toBe(false)
  })
})
