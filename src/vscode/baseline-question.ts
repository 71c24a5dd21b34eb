// The baseline question on the host's side: the check fails before any change because the project is
// not set up, and the user goes on, stops, or changes the check (typed in an input box prefilled with
// the current command). The toast is one per question; an answer to a question no longer open does
// nothing.

import * as vscode from 'vscode'
import type { BaselineAnswer, BaselineQuestion, MissionState } from '../engine/record/mission-state'
import type { Logger } from '../engine/ports'
import type { Refusal } from '../engine/util/refusal'
import { checkCommandDraft, checkCommandProblem } from '../shared/check-command-text'
import type { BaselineAnswerKind } from '../shared/protocol'
import { toDisposable } from './disposable'
import { notifyBaseline } from './notifications'

export interface BaselineDeps {
  /** The mission's state changes. */
  onChange(listener: (s: MissionState) => void): () => void
  /** The mission's state now. */
  current(): MissionState | undefined
  answer(answer: BaselineAnswer): Promise<Refusal | undefined>
  /** Whether a toast that needs the user may show now (the notification policy). */
  toastAllowed(): boolean
  log: Logger
}

/** Tells one question from the next: a changed check asks again about another run. */
const questionKey = (q: BaselineQuestion) =>
  JSON.stringify([q.baseline.command, q.baseline.exitCode, q.baseline.durationMs, q.baseline.outputTail])

const openQuestion = (s: MissionState | undefined) =>
  s?.needsYou?.kind === 'baseline' ? s.needsYou : undefined

/** Asks for a check command in an input box prefilled with `current`; undefined when dismissed. */
export async function inputCheckCommand(current: string): Promise<string | undefined> {
  const text = await vscode.window.showInputBox({
    title: 'Orchestrator: Change the Check',
    prompt: "The command that proves the mission's work (tests, a build), run in the mission's folder",
    value: current,
    validateInput: checkCommandProblem,
  })
  return text === undefined || checkCommandProblem(text) ? undefined : text.trim()
}

/**
 * Answers the open baseline question with `choice`, asking for the command of a changed check;
 * nothing when the question was answered or withdrawn meanwhile (`key`: the question meant).
 */
export async function answerBaselineChoice(
  deps: Pick<BaselineDeps, 'current' | 'answer' | 'log'>,
  choice: BaselineAnswerKind,
  key?: string,
): Promise<void> {
  const isOpen = () => {
    const q = openQuestion(deps.current())
    return q !== undefined && (key === undefined || questionKey(q) === key) ? q : undefined
  }
  const q = isOpen()
  if (!q) return
  let answer: BaselineAnswer
  if (choice === 'changeCheck') {
    const command = await inputCheckCommand(checkCommandDraft(q.baseline.command))
    if (command === undefined || !isOpen()) return
    answer = { kind: 'changeCheck', command }
  } else answer = { kind: choice }
  const refusal = await deps.answer(answer)
  if (refusal) deps.log.info(`baseline answer not taken: ${refusal.refused}`)
}

/** One toast per baseline question, its buttons answering it. */
export function watchBaselineQuestion(deps: BaselineDeps): vscode.Disposable {
  let asked: string | undefined
  return toDisposable(
    deps.onChange((s) => {
      const q = openQuestion(s)
      if (!q) return void (asked = undefined)
      const key = questionKey(q)
      if (key === asked) return
      asked = key
      // The dashboard asks too, so "none" can leave the toast out.
      if (!deps.toastAllowed()) return
      notifyBaseline(q, (choice) => void answerBaselineChoice(deps, choice, key))
    }),
  )
}
