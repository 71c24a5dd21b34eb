// What shows no event (a provider stuck in retry, a stalled agent) is looked for by a timer, which
// runs while a mission on screen runs, and only then.

import { isTerminal, type MissionState } from '../engine/record/mission-state'
import type { Emitter } from '../engine/util/emitter'

/**
 * Calls `look` at each change of the mission on screen and every `everyMs` while it runs; the timer
 * stops at its end and when no mission is on screen any more. Returns its undo.
 */
export function everyWhileRunning(
  missions: { changes: Emitter<MissionState>; cleared: Emitter<void> },
  look: () => void,
  everyMs: number,
): () => void {
  let timer: ReturnType<typeof setInterval> | undefined
  const stop = () => {
    clearInterval(timer)
    timer = undefined
  }
  const offChanges = missions.changes.on((s) => {
    look()
    if (!isTerminal(s.phase)) timer ??= setInterval(look, everyMs)
    else stop()
  })
  const offCleared = missions.cleared.on(stop)
  return () => {
    offChanges()
    offCleared()
    stop()
  }
}
