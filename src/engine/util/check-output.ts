// Check command output as the mission keeps and compares it: lines without the trailing whitespace
// some tools pad them with, and a normalized form in which two runs that failed the same way read
// the same (no colours, timings, dates, temporary paths, addresses or process ids).

/** Strips trailing whitespace from every line and the blank lines at the end. */
export function stripTrailingSpace(output: string): string {
  return output
    .replace(/\r\n?/g, '\n')
    .replace(/[ \t\f\v]+$/gm, '')
    .replace(/\n+$/, '')
}

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]/g
const ISO_DATE = /\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?/g
const CLOCK = /\b\d{1,2}:\d{2}:\d{2}(?:[.,]\d+)?\b/g
/** A number with a time unit: `12ms`, `0.53 s`, `1m 2s`, `(5 ms)`, `2.1 sec`, `3 seconds`. */
const DURATION =
  /\b\d+(?:[.,]\d+)?\s*(?:ns|µs|us|ms|milliseconds?|s|secs?|seconds?|m|mins?|minutes?|h|hours?)\b/gi
/** A number under a time key: TAP's `duration_ms: 12.5` and `# duration_ms 15.2`, `time=0.3`, `"elapsed": 41`. */
const KEYED_DURATION = /\b(duration(?:_?ms)?|time|elapsed|took)(["']?\s*[:=]\s*|[ \t]+)\d+(?:[.,]\d+)?/gi
const TEMP_PATH =
  /(?:\/(?:private\/)?(?:tmp|var\/folders|var\/tmp)\/[^\s'"`:)]*|[A-Za-z]:\\(?:[^\s\\]+\\)*?(?:Temp|tmp)\\[^\s'"`:)]*)/g
const HEX_ADDRESS = /\b0x[0-9a-f]{6,}\b/gi
const PID = /\b(pid|process)[ :=#]+\d+/gi

/** A line a tool adds whatever the run found, e.g. npm's "new version available" notice. */
export const isNoiseLine = (line: string): boolean => /^\s*npm notice\b/.test(line)

/**
 * The output as compared between runs: noise lines (see {@link isNoiseLine}) left out, ANSI escapes, dates, clock times, durations, temporary paths,
 * hex addresses and process ids replaced by placeholders, trailing whitespace stripped, runs of
 * blank lines folded.
 */
export function normalizeCheckOutput(output: string): string {
  return stripTrailingSpace(
    output
      .replace(ANSI, '')
      .split('\n')
      .filter((line) => !isNoiseLine(line))
      .join('\n')
      .replace(ISO_DATE, '<date>')
      .replace(CLOCK, '<time>')
      .replace(TEMP_PATH, '<tmp>')
      .replace(DURATION, '<duration>')
      .replace(KEYED_DURATION, '$1$2<duration>')
      .replace(HEX_ADDRESS, '<addr>')
      .replace(PID, '$1 <pid>'),
  ).replace(/\n{3,}/g, '\n\n')
}

/** What two runs of a check are compared on. */
export interface CheckOutcome {
  /** null: it did not exit by itself (timed out). */
  exitCode: number | null
  outputTail: string
}

export const checkPassed = (run: CheckOutcome): boolean => run.exitCode === 0

/** Both runs failed, with the same exit code and the same normalized output. */
export function sameFailure(a: CheckOutcome, b: CheckOutcome): boolean {
  return (
    !checkPassed(a) &&
    !checkPassed(b) &&
    a.exitCode === b.exitCode &&
    normalizeCheckOutput(a.outputTail) === normalizeCheckOutput(b.outputTail)
  )
}
