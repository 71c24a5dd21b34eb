// Answers the mission's baseline question (`MissionState.needsYou`, kind `baseline`: the check fails
// on the base because the project is not set up) from the terminal: continue, stop, or change the
// check. Only a CLI on a TTY asks; without one the mission runs with `ifCheckFails` stop or continue.

import type { Mission } from '../engine/mission'
import type { MissionState } from '../engine/record/mission-state'
import type { Ask } from './stuck-prompt'

/** The question's text: the reason, then the choices. */
export const BASELINE_CHOICES = '[c]ontinue anyway / [s]top / c[h]ange the check: '

/**
 * Puts each baseline question to the user once; an answer that is none of the choices asks again.
 * "h" asks for the command to run as the check instead. Returns its undo.
 */
export function answerBaseline(mission: Mission, ask: Ask, say: (text: string) => void): () => void {
  let open: AbortController | undefined
  const withdraw = () => {
    open?.abort()
    open = undefined
  }
  const put = async (reason: string, signal: AbortSignal): Promise<void> => {
    for (;;) {
      const answer = (await ask(`${reason}\n${BASELINE_CHOICES}`, signal)).trim().toLowerCase()
      if (mission.state.needsYou?.kind !== 'baseline') return
      if (answer === 'c' || answer === 'continue')
        return void (await mission.answerBaseline({ kind: 'continue' }))
      if (answer === 's' || answer === 'stop') return void (await mission.answerBaseline({ kind: 'stop' }))
      if (answer === 'h' || answer === 'change') {
        const command = (await ask('Check command to run instead: ', signal)).trim()
        if (command === '') continue
        const refused = await mission.answerBaseline({ kind: 'changeCheck', command })
        if (refused) say(`${refused.refused}\n`)
        return
      }
    }
  }
  const look = (s: MissionState) => {
    const question = s.needsYou?.kind === 'baseline' ? s.needsYou : undefined
    if (!question) return withdraw()
    if (open) return
    const abort = new AbortController()
    open = abort
    put(question.reason, abort.signal).then(
      () => {
        if (open !== abort) return
        open = undefined
        look(mission.state) // a changed check may be asked about in turn
      },
      () => undefined,
    )
  }
  const off = mission.onChange(look)
  return () => {
    off()
    withdraw()
  }
}
