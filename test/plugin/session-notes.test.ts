import type { OpencodeClient } from '@opencode-ai/sdk/v2'
import { describe, expect, it } from 'vitest'
import { silentLogger } from '../../src/engine/ports'
import { SessionNotes } from '../../src/plugin/task/session-notes'

/** A client whose session is busy or idle as the test says, recording the notes it is given. */
function fakeClient() {
  const state = {
    busy: true,
    fail: false,
    written: [] as string[][],
    statusGate: undefined as Promise<void> | undefined,
  }
  const client = {
    session: {
      status: async () => {
        const busy = state.busy
        await state.statusGate
        return { data: { s1: { type: busy ? 'busy' : 'idle' } } }
      },
      prompt: async (input: { noReply: boolean; parts: { text: string; ignored: boolean }[] }) => {
        if (state.fail) return { error: { name: 'Unavailable' } }
        expect(input.noReply).toBe(true)
        expect(input.parts.every((p) => p.ignored)).toBe(true)
        state.written.push(input.parts.map((p) => p.text))
        return { data: {} }
      },
    },
  }
  return { state, client: client as unknown as OpencodeClient }
}

const settle = () => new Promise((r) => setTimeout(r, 10))

describe('notes in the user session', () => {
  it('wait while the session runs a turn, then go out together once it is idle', async () => {
    const { state, client } = fakeClient()
    const notes = new SessionNotes(client, 's1', silentLogger)
    notes.add('plan accepted')
    notes.add('a passed')
    await settle()
    expect(state.written).toEqual([])
    state.busy = false
    notes.idle()
    await settle()
    expect(state.written).toEqual([['plan accepted', 'a passed']])
    await notes.drained(1_000)
  })

  it("show a model's control characters instead of writing them for the TUI to send", async () => {
    const { state, client } = fakeClient()
    const notes = new SessionNotes(client, 's1', silentLogger)
    state.busy = false
    notes.add('✓ a passed: Write a\x1b]52;c;ZXZpbA==\x07\n— report\r\x1b[2K')
    await settle()
    expect(state.written).toEqual([['✓ a passed: Write a^[]52;c;ZXZpbA==^G\n— report^M^[[2K']])
    await notes.drained(1_000)
  })

  it('are written when the idle comes while a write was still reading a busy status', async () => {
    const { state, client } = fakeClient()
    const notes = new SessionNotes(client, 's1', silentLogger)
    let open!: () => void
    state.statusGate = new Promise<void>((r) => (open = r))
    notes.add('a passed') // reads "busy", held at the gate
    state.busy = false
    notes.idle() // arrives mid-write
    state.statusGate = undefined
    open()
    await settle()
    expect(state.written).toEqual([['a passed']])
  })

  it('are kept when writing fails, and go out at the next idle', async () => {
    const { state, client } = fakeClient()
    const notes = new SessionNotes(client, 's1', silentLogger)
    state.busy = false
    state.fail = true
    notes.add('the end')
    await settle()
    expect(state.written).toEqual([])
    state.fail = false
    notes.idle()
    await settle()
    expect(state.written).toEqual([['the end']])
  })
})
