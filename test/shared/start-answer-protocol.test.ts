import { describe, expect, it } from 'vitest'
import { isHostToWebview, isStartAnswer, isWebviewToHost, PROTOCOL_VERSION } from '../../src/shared/protocol'

// Run from the dashboard is a request the host answers: the mission is accepted (the goal box may
// empty) or refused (the goal stays). Both halves are optional: a start without an id is still valid.

describe('the start request and its answer', () => {
  it('lets mission.start carry a request id, or none', () => {
    expect(isWebviewToHost({ type: 'mission.start', goal: 'x' })).toBe(true)
    expect(isWebviewToHost({ type: 'mission.start', goal: 'x', requestId: 'start-1' })).toBe(true)
    expect(isWebviewToHost({ type: 'mission.start', goal: 'x', requestId: '' })).toBe(false)
    expect(isWebviewToHost({ type: 'mission.start', goal: 'x', requestId: 7 })).toBe(false)
    expect(isWebviewToHost({ type: 'mission.start', goal: 'x', requestId: 'r'.repeat(513) })).toBe(false)
  })

  it("accepts the host's answer, accepted or refused with a reason, and nothing malformed", () => {
    // An answer is no state: the view's state messages do not include it.
    expect(
      isHostToWebview({
        type: 'mission.startAnswer',
        protocol: PROTOCOL_VERSION,
        requestId: 'a',
        accepted: true,
      }),
    ).toBe(false)
    const answer = { type: 'mission.startAnswer', protocol: PROTOCOL_VERSION, requestId: 'start-1' }
    expect(isStartAnswer({ ...answer, accepted: true })).toBe(true)
    expect(isStartAnswer({ ...answer, accepted: false, reason: 'A mission is already under way' })).toBe(true)
    expect(isStartAnswer({ ...answer, accepted: false })).toBe(true)
    expect(isStartAnswer({ ...answer, accepted: 'yes' })).toBe(false)
    expect(isStartAnswer({ ...answer, accepted: false, reason: 3 })).toBe(false)
    expect(isStartAnswer({ type: 'mission.startAnswer', protocol: PROTOCOL_VERSION, accepted: true })).toBe(
      false,
    )
  })
})
