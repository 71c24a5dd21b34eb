// The check's run on the mission's base, before any worker edits it: it starts with the planner
// (the first brief waits a little for it), holds dispatch until it settled, is journaled (a resume
// acts on the journaled one instead of running it again) and, when it finds the project's
// environment not set up, asks, stops or goes on as `ifCheckFails` says. The user's answer to that
// question comes back through `answer`.

import type { Logger, WorkspacePort } from '../ports'
import type { CheckChoice } from '../project/check-command'
import type { CheckFailure } from '../protocol/prompts'
import { baselineState } from '../record/check-runs'
import type { BaselineRecord } from '../record/entries'
import type { MissionRecord } from '../record/mission-record'
import type { BaselineAnswer, BaselineQuestion } from '../record/mission-state'
import { errorMessage } from '../util/error-message'
import { REDACTED, scrubSecrets } from '../util/scrub-secrets'
import type { Refusal } from '../util/refusal'
import type { TimerSet } from '../util/timer-set'
import { notSetUpReason } from './check-progress'
import { baselineEntry } from './iteration-end'

export interface BaselineGateDeps {
  record: MissionRecord
  workspace: WorkspacePort
  timers: TimerSet
  logger: Logger
  checkTimeoutMs: number
  /** See `MissionOptions.ifCheckFails`. */
  ifCheckFails: 'ask' | 'continue' | 'stop'
  /** Aborts a check still running when the mission ends or its host goes away (nothing is recorded then). */
  signal: AbortSignal
  /** The check in use, and a change to it (the user's answer). */
  check: () => CheckChoice | undefined
  setCheck: (check: CheckChoice) => void
  over: () => boolean
  fail: (reason: string) => Promise<void>
  stop: (reason: string) => Promise<void>
  publish: () => void
  /** The workers may start. */
  settled: () => void
}

export class BaselineGate {
  #running: Promise<void> | undefined
  #settled = false
  #question: BaselineQuestion | undefined

  constructor(private readonly d: BaselineGateDeps) {}

  /** Workers may edit the base (the baseline ran, or cannot run, and nothing holds them). */
  get settled(): boolean {
    return this.#settled
  }

  /** The open question, while the user decides whether a project that is not set up goes on. */
  get question(): BaselineQuestion | undefined {
    return this.#question
  }

  /** Starts the run on the base (without waiting for it). */
  start(): void {
    this.#running = this.#run()
  }

  /** Resolves when the run settled, or after `ms`, whichever comes first. */
  async settledOrAfter(ms: number): Promise<void> {
    let cancel: (() => void) | undefined
    await Promise.race([
      this.#running,
      new Promise<void>((resolve) => (cancel = this.d.timers.start(ms, resolve))),
    ])
    cancel?.()
  }

  /**
   * A resumed mission: the journaled run is acted on again (an unanswered question is asked again);
   * without one, it runs unless a worker may have edited the base already.
   */
  async resume(): Promise<void> {
    const snap = this.d.record.snap
    if (snap.baseline) return this.#after(snap.baseline)
    const dispatched = Object.values(snap.todos).some((t) => t.attempts > 0)
    if (dispatched || !this.d.check()?.command) return this.#settle()
    this.start()
  }

  /** The base's failure, for the planner, when the check in use failed there. */
  failure(): CheckFailure | undefined {
    const b = this.d.record.snap.baseline
    const command = this.d.check()?.command
    // The journal holds the command scrubbed of secrets.
    if (!b || b.classification === 'passes' || !command || b.command !== scrubSecrets(command))
      return undefined
    return { command: b.command, exitCode: b.exitCode, outputTail: b.outputTail }
  }

  /** See `Mission.answerBaseline`. */
  async answer(answer: BaselineAnswer): Promise<Refusal | undefined> {
    if (!this.#question || this.d.over()) return { refused: 'No question about the check is open.' }
    const command = answer.kind === 'changeCheck' ? answer.command.trim() : ''
    if (answer.kind === 'changeCheck' && command === '')
      return { refused: 'Give the command to run as the check (e.g. npm test).' }
    // A command shown with a secret redacted is not the command: it would run the placeholder.
    if (answer.kind === 'changeCheck' && command.includes(REDACTED))
      return { refused: `Type the whole command: ${REDACTED} stands for a secret that is not shown.` }
    this.#question = undefined
    this.d.publish()
    if (answer.kind === 'stop') {
      await this.d.stop('stopped by the user: the project is not set up for its check')
      return undefined
    }
    if (answer.kind === 'continue') {
      await this.d.record.append({ type: 'check.continued' })
      this.#settle()
      return undefined
    }
    this.d.setCheck({ command, source: 'changed by the user' })
    this.start()
    await this.#running
    return undefined
  }

  async #run(): Promise<void> {
    const check = this.d.check()
    try {
      if (!check?.command) return this.#settle()
      const result = await this.d.workspace.runCheck(check.command, {
        timeoutMs: this.d.checkTimeoutMs,
        signal: this.d.signal,
        ...(check.cwd !== undefined && { cwd: check.cwd }),
      })
      if (this.d.over() || this.d.signal.aborted) return
      await this.d.record.append(baselineEntry({ ...check, command: check.command }, result))
      const baseline = this.d.record.snap.baseline
      if (baseline) await this.#after(baseline)
    } catch (err) {
      await this.d.fail(
        `the check \`${scrubSecrets(check?.command ?? '')}\` could not run: ${errorMessage(err)}`,
      )
    }
  }

  async #after(b: BaselineRecord): Promise<void> {
    const exit = b.exitCode === null ? 'timed out' : `exit ${b.exitCode}`
    this.d.logger.info(`baseline: ${b.command} ${exit}: ${b.classification}`)
    if (b.classification !== 'not-set-up' || b.continued) return this.#settle()
    if (this.d.ifCheckFails === 'continue') {
      await this.d.record.append({ type: 'check.continued' })
      return this.#settle()
    }
    const reason = notSetUpReason(b)
    if (this.d.ifCheckFails === 'stop') return this.d.fail(reason)
    this.#question = { kind: 'baseline', baseline: baselineState(b), reason }
    this.d.publish()
  }

  #settle(): void {
    if (this.d.over()) return
    this.#settled = true
    this.d.publish()
    this.d.settled()
  }
}

/** The check a journaled baseline ran (the latest one, when the user changed the check). */
export function checkOf(b: BaselineRecord): CheckChoice {
  return { command: b.command, source: b.source, ...(b.cwd !== undefined && { cwd: b.cwd }) }
}
