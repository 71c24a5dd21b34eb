import { fireEvent, screen, within } from '@testing-library/svelte'
import { tick } from 'svelte'
import { beforeEach, describe, expect, it } from 'vitest'
import type { BaselineQuestionView } from '../../src/shared/protocol'
import { baselineCheck, checkRun, mission, running, snapshot } from './fixtures'
import { posted, sendSnapshot } from './host-fake'
import { show } from './show'

// The check in the dashboard: the question asked when the project is not set up, and every run's
// result said in words.

beforeEach(() => {
  posted.length = 0
})

const notSetUp = baselineCheck({
  command: 'nonexistent-tool-xyz --run',
  exitCode: 127,
  durationMs: 40,
  tail: 'sh: 1: nonexistent-tool-xyz: not found',
  classification: 'not-set-up',
  diagnosis: 'command not found',
})
const question: BaselineQuestionView = {
  kind: 'baseline',
  reason: 'nonexistent-tool-xyz --run: command not found (exit 127)',
  check: notSetUp,
}

describe('the baseline question', () => {
  it('says why, with the command, its exit code and its last lines, and posts Continue and Stop', async () => {
    await show(running({ phase: 'starting', needsYou: question, checks: [notSetUp] }))
    const ask = screen.getByTestId('baseline-question')
    expect(ask.textContent).toContain(
      "The check fails before any change: the project's environment is not set up (command not found).",
    )
    expect(within(ask).getByText('nonexistent-tool-xyz --run')).toBeTruthy()
    expect(within(ask).getByTestId('baseline-meta').textContent).toBe('exit 127 · 40 ms')
    expect(within(ask).getByText('sh: 1: nonexistent-tool-xyz: not found')).toBeTruthy()
    expect(screen.queryByTestId('needs-you')).toBeNull() // not the keep-waiting question
    await fireEvent.click(within(ask).getByRole('button', { name: 'Continue' }))
    await fireEvent.click(within(ask).getByRole('button', { name: 'Stop' }))
    expect(posted).toEqual([
      { type: 'mission.answerBaseline', answer: 'continue' },
      { type: 'mission.answerBaseline', answer: 'stop' },
    ])
    sendSnapshot(snapshot(running({ checks: [notSetUp] })))
    await tick()
    expect(screen.queryByTestId('baseline-question')).toBeNull() // answered: the question is gone
  })

  it('changes the check in a field prefilled with the command, refusing an empty one', async () => {
    await show(running({ phase: 'starting', needsYou: question }))
    const ask = screen.getByTestId('baseline-question')
    await fireEvent.click(within(ask).getByRole('button', { name: 'Change Check…' }))
    await tick()
    const field = within(ask).getByLabelText<HTMLInputElement>('Check command')
    expect(field.value).toBe('nonexistent-tool-xyz --run')
    expect(document.activeElement).toBe(field)
    await fireEvent.input(field, { target: { value: '   ' } })
    await fireEvent.submit(within(ask).getByRole('form', { name: 'Change the check' }))
    expect(within(ask).getByRole('alert').textContent).toBe('Type a check command, e.g. npm test.')
    expect(field.getAttribute('aria-invalid')).toBe('true')
    expect(posted).toEqual([])
    await fireEvent.input(field, { target: { value: ' npm run test:unit ' } })
    await fireEvent.click(within(ask).getByRole('button', { name: 'Run this check' }))
    expect(posted).toEqual([
      { type: 'mission.answerBaseline', answer: 'changeCheck', command: 'npm run test:unit' },
    ])
    expect(within(ask).queryByRole('form')).toBeNull()
  })

  it('lets Escape or Cancel leave the field without answering, back on Change Check', async () => {
    await show(running({ phase: 'starting', needsYou: question }))
    const ask = screen.getByTestId('baseline-question')
    await fireEvent.click(within(ask).getByRole('button', { name: 'Change Check…' }))
    await fireEvent.keyDown(within(ask).getByLabelText('Check command'), { key: 'Escape' })
    await tick()
    expect(within(ask).queryByRole('form')).toBeNull()
    expect(document.activeElement).toBe(within(ask).getByRole('button', { name: 'Change Check…' }))
    await fireEvent.click(within(ask).getByRole('button', { name: 'Change Check…' }))
    await fireEvent.click(within(ask).getByRole('button', { name: 'Cancel' }))
    expect(within(ask).queryByRole('form')).toBeNull()
    expect(posted).toEqual([])
  })

  it('is not asked once the mission is over', async () => {
    await show(mission({ phase: 'stopped', needsYou: question }))
    expect(screen.queryByTestId('baseline-question')).toBeNull()
  })
})

describe('the check result', () => {
  it('says a baseline that is not set up in words, with the diagnosis and where it ran', async () => {
    await show(running({ phase: 'starting', folder: 'api', checks: [notSetUp] }))
    const checks = screen.getByTestId('checks')
    expect(within(checks).getByTestId('check-verdict').textContent).toMatch(
      /Check before any change: the project's environment is not set up/,
    )
    expect(within(checks).getByTestId('check-diagnosis').textContent).toBe('command not found')
    expect(within(checks).getByTestId('check-meta').textContent).toBe('exit 127 · 40 ms · in api')
    expect(within(checks).getByText('sh: 1: nonexistent-tool-xyz: not found')).toBeTruthy()
  })

  it('says a failing baseline already fails, and a passing one passes', async () => {
    await show(running({ checks: [baselineCheck()] }))
    expect(screen.getByTestId('check-verdict').textContent).toMatch(
      /Check before any change: already fails before any change/,
    )
    sendSnapshot(
      snapshot(running({ checks: [baselineCheck({ passed: true, classification: 'passes', exitCode: 0 })] })),
    )
    await tick()
    expect(screen.getByTestId('check-verdict').textContent).toMatch(/Check before any change: passes/)
  })

  it('shows the last round against the baseline, its output on a failure, and every run in order', async () => {
    const checks = [
      baselineCheck({ tail: 'base: 1 failing' }),
      checkRun({ iteration: 1, tail: undefined }),
      checkRun({ iteration: 2, cwd: '..', vsBaseline: 'new-failures', tail: '2 failing' }),
    ]
    await show(running({ phase: 'checking', folder: 'api', checks }))
    const box = screen.getByTestId('checks')
    expect(within(box).getByTestId('check-verdict').textContent).toMatch(/Check failed \(round 2\)/)
    expect(within(box).getByTestId('check-vs').textContent).toBe(
      'new failures: it did not fail this way before any change',
    )
    expect(within(box).getByTestId('check-meta').textContent).toBe('exit 1 · 2.3 s · in ..')
    expect(within(box).getByTestId('check-baseline').textContent?.trim()).toBe(
      'Before any change: already fails before any change (exit 1 · 1.2 s)',
    )
    expect(within(box).getByText('2 failing')).toBeTruthy()
    const runs = within(within(box).getByTestId('check-runs')).getAllByRole('listitem')
    expect(runs.map((r) => r.textContent)).toEqual([
      'Before any change: already fails before any change · exit 1 · 1.2 s',
      'Round 1: failed, unchanged: the same failure as before any change · exit 1 · 2.3 s',
      'Round 2: failed, new failures: it did not fail this way before any change · exit 1 · 2.3 s',
    ])
  })

  it('says a passing round fixed the baseline, without output, and a killed run says so', async () => {
    const fixed = checkRun({ iteration: 2, exitCode: 0, passed: true, vsBaseline: 'fixed', tail: 'ok' })
    await show(mission({ checks: [baselineCheck(), fixed] }))
    expect(screen.getByTestId('check-verdict').textContent).toMatch(/Check passed \(round 2\)/)
    expect(screen.getByTestId('check-vs').textContent).toBe('fixed: it failed before any change')
    expect(screen.queryByText('ok')).toBeNull()
    sendSnapshot(
      snapshot(
        mission({ checks: [checkRun({ exitCode: null, durationMs: 300_000, vsBaseline: undefined })] }),
      ),
    )
    await tick()
    expect(screen.getByTestId('check-meta').textContent).toBe(
      "killed (no exit) · 5m 00s · in the mission's folder",
    )
    expect(screen.queryByTestId('check-vs')).toBeNull()
    expect(screen.queryByTestId('check-baseline')).toBeNull()
  })

  it('is absent before the check ran', async () => {
    await show(running())
    expect(screen.queryByTestId('checks')).toBeNull()
  })
})

describe('the check for screen readers', () => {
  it('announces a new run in words and the baseline question, not the first snapshot', async () => {
    await show(running({ phase: 'starting' }))
    const live = screen.getByTestId('announcer')
    sendSnapshot(snapshot(running({ phase: 'starting', checks: [notSetUp], needsYou: question })))
    await tick()
    expect(live.textContent).toBe(
      "Check before any change: the project's environment is not set up. The mission needs you: the check fails before any change",
    )
    const checks = [
      baselineCheck(),
      checkRun({ iteration: 1, exitCode: 0, passed: true, vsBaseline: 'fixed' }),
    ]
    sendSnapshot(snapshot(running({ phase: 'checking', checks: checks.slice(0, 1) })))
    await tick()
    sendSnapshot(snapshot(running({ phase: 'checking', checks })))
    await tick()
    expect(live.textContent).toBe('Check round 1: passed, fixed: it failed before any change')
  })
})
