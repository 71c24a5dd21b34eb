// Answers the mission's "keep waiting?" question (`MissionState.needsYou`) from the terminal. Only a
// CLI on a TTY asks: without one the mission is run without the question and ends at the bound.

import { createInterface } from 'node:readline/promises'
import type { Mission } from '../engine/mission'
import type { StuckQuestion } from '../engine/record/mission-state'
import { terminalText } from '../shared/terminal-text'

/** Asks one question; rejects when `signal` aborts (the question was withdrawn). */
export type Ask = (question: string, signal: AbortSignal) => Promise<string>

/** Asks on stderr, reads stdin. */
export const terminalAsk: Ask = async (question, signal) => {
  const rl = createInterface({ input: process.stdin, output: process.stderr })
  try {
    return await rl.question(terminalText(question), { signal })
  } finally {
    rl.close()
  }
}

/**
 * Puts each question to the user once: "y" keeps waiting one more bound, "s" stops the mission.
 * A question withdrawn meanwhile (the agent got through, the mission ended) is dropped unanswered.
 * Returns its undo.
 */
export function answerStuck(mission: Mission, ask: Ask): () => void {
  let open: { key: string; abort: AbortController } | undefined
  const keyOf = (n: StuckQuestion) => `${n.sessionId}@${n.deadline}`
  const withdraw = () => {
    open?.abort.abort()
    open = undefined
  }
  const off = mission.onChange((s) => {
    const stuck = s.needsYou?.kind === 'stuck' ? s.needsYou : undefined
    if (!stuck) return withdraw()
    const key = keyOf(stuck)
    if (open?.key === key) return
    withdraw()
    const abort = new AbortController()
    open = { key, abort }
    const secs = Math.round((stuck.deadline - Date.now()) / 1000)
    ask(`${stuck.reason}\nKeep waiting? [y]es / [s]top (gives up in ${secs} s): `, abort.signal).then(
      (text) => {
        const current = mission.state.needsYou
        if (current?.kind !== 'stuck' || keyOf(current) !== key) return
        const answer = text.trim().toLowerCase()
        if (answer === 'y' || answer === 'yes') mission.keepWaiting()
        else if (answer === 's' || answer === 'stop')
          void mission.stop('stopped by the user (provider retry)')
      },
      () => undefined,
    )
  })
  return () => {
    off()
    withdraw()
  }
}
