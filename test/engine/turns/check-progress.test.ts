import { describe, expect, it } from 'vitest'
import { classifyBaseline } from '../../../src/engine/project/check-baseline'
import { outputTail } from '../../../src/engine/record/journal'
import { checkProgress, type CheckHistory } from '../../../src/engine/turns/check-progress'
import { normalizeCheckOutput, type CheckOutcome } from '../../../src/engine/util/check-output'

const pass: CheckOutcome = { exitCode: 0, outputTail: 'ok 1 - greets\n# pass 1' }
const fail = (tail = 'not ok 1 - greets\n# fail 1', exitCode: number | null = 1): CheckOutcome => ({
  exitCode,
  outputTail: tail,
})

describe("checkProgress: is a round's check result progress?", () => {
  const table: [string, CheckOutcome, CheckHistory, ReturnType<typeof checkProgress>][] = [
    ['passes', pass, {}, { next: 'complete' }],
    ['passes after a failing baseline', pass, { baseline: fail() }, { next: 'complete' }],
    ['first failure, nothing to compare', fail(), {}, { next: 'replan' }],
    ['fails after a passing baseline', fail(), { baseline: pass }, { next: 'replan' }],
    ['the baseline failure unchanged', fail(), { baseline: fail() }, { next: 'stop', since: 'baseline' }],
    [
      'the previous round failure unchanged',
      fail(),
      { previous: fail() },
      { next: 'stop', since: 'previous round' },
    ],
    [
      'the same failure as both: the round before is named',
      fail(),
      { baseline: fail(), previous: fail() },
      { next: 'stop', since: 'previous round' },
    ],
    [
      'another failure than the baseline',
      fail('not ok 2 - farewell'),
      { baseline: fail() },
      { next: 'replan' },
    ],
    ['the same output, another exit code', fail(undefined, 2), { previous: fail() }, { next: 'replan' }],
    [
      'the same failure but for timings, colours and padding',
      fail('\x1b[31mnot ok 1 - greets (12ms)\x1b[0m   \n# fail 1  \n# duration_ms 15.2'),
      { previous: fail('not ok 1 - greets (48ms)\n# fail 1\n# duration_ms 40.9') },
      { next: 'stop', since: 'previous round' },
    ],
    [
      "the same failure, with npm's update notice once",
      fail('not ok 1 - greets\nnpm notice\nnpm notice New minor version of npm available! 10.8.2 -> 10.9.0'),
      { previous: fail('not ok 1 - greets') },
      { next: 'stop', since: 'previous round' },
    ],
    [
      'timed out twice',
      fail('', null),
      { previous: fail('', null) },
      { next: 'stop', since: 'previous round' },
    ],
  ]
  it.each(table)('%s', (_name, current, history, expected) => {
    expect(checkProgress(current, history)).toEqual(expected)
  })
})

describe('normalizeCheckOutput', () => {
  it('reads two runs that failed the same way as the same', () => {
    const a = [
      '\x1b[1mFAIL\x1b[22m src/a.test.ts [ /tmp/vitest-abc123/a.test.ts ]',
      'AssertionError at 2026-12-06T03:36:18.123Z, pid 4121, 0x7ffdf00d1234',
      'Duration  1.53s (transform 120ms)     ',
      '',
      '',
      '',
    ].join('\n')
    const b = [
      'FAIL src/a.test.ts [ /tmp/vitest-zz9/a.test.ts ]',
      'AssertionError at 2026-12-07T11:02:59.001Z, pid 77, 0x7ffdc0de9999',
      'Duration  880ms (transform 2.1 s)',
    ].join('\n')
    expect(normalizeCheckOutput(a)).toBe(normalizeCheckOutput(b))
    expect(normalizeCheckOutput('expected 3 to be 4')).not.toBe(normalizeCheckOutput('expected 3 to be 5'))
  })
})

describe('classifyBaseline', () => {
  const run = (exitCode: number | null, output = '', timedOut = false) => ({ exitCode, output, timedOut })
  it.each([
    ['exit 0', run(0), 'passes', undefined],
    ['a failing test', run(1, 'not ok 1 - greets'), 'fails', undefined],
    [
      'a missing test file the goal adds',
      run(1, "Could not find '/tmp/x/test/greeting.test.js'"),
      'fails',
      undefined,
    ],
    ['a module the goal adds', run(1, "Error: Cannot find module './greet.js'"), 'fails', undefined],
    ['command not found', run(127, 'sh: 1: xo: not found'), 'not-set-up', 'command not found'],
    [
      'a missing package',
      run(1, "Error: Cannot find module 'left-pad'\nRequire stack:"),
      'not-set-up',
      "a missing module: Cannot find module 'left-pad'",
    ],
    [
      'a missing Python module',
      run(1, "ModuleNotFoundError: No module named 'requests'"),
      'not-set-up',
      "a missing module: No module named 'requests'",
    ],
    [
      'a pytest collection error',
      run(2, '==== ERRORS ====\n____ ERROR collecting tests/test_a.py ____'),
      'not-set-up',
      'a test collection error',
    ],
    ['pytest exit 2 without a collection error', run(2, 'interrupted'), 'fails', undefined],
    ['a timeout', run(null, 'sh: 1: xo: not found', true), 'fails', undefined],
  ])('%s', (_name, r, classification, diagnosis) => {
    expect(classifyBaseline(r)).toEqual({ classification, ...(diagnosis && { diagnosis }) })
  })
})

describe('outputTail', () => {
  it('strips the trailing spaces tools pad lines with before cutting the tail', () => {
    const padded = Array.from({ length: 200 }, (_, i) => `line ${i}${' '.repeat(200)}`).join('\n')
    const tail = outputTail(padded, 1024)
    expect(tail).not.toMatch(/ \n| $/)
    expect(tail.endsWith('line 199')).toBe(true)
    expect(tail.split('\n').length).toBeGreaterThan(100) // lines, not padding
  })
})
