// The timeline's time axis: ticks far enough apart to read, labelled in m:ss from the mission's start.

/** Tick steps in ms; the axis uses the shortest one whose ticks are {@link MIN_TICK_PX} apart. */
const STEPS_MS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1_800, 3_600, 7_200].map((s) => s * 1_000)

/** The least distance between two ticks, room for a label such as "1:02:05". */
export const MIN_TICK_PX = 48
/** The most ticks an axis has. */
export const MAX_TICKS = 200

/**
 * The ticks of a mission `durationMs` long drawn at `pxPerSecond`, in ms from its start: as many as
 * the drawn width holds labels, whatever the mission's length.
 */
export function axisTicks(durationMs: number, pxPerSecond: number, minPx = MIN_TICK_PX): number[] {
  let step = STEPS_MS.find((ms) => (ms / 1_000) * pxPerSecond >= minPx) ?? (STEPS_MS.at(-1) as number)
  // A mission of days (or a clock gone wrong) still gets a bounded axis, in wider steps.
  if (durationMs / step > MAX_TICKS) step *= Math.ceil(durationMs / step / MAX_TICKS)
  const ticks: number[] = []
  for (let t = 0; t <= durationMs; t += step) ticks.push(t)
  return ticks
}

/** Milliseconds from the mission's start → "0:00", "1:15", "1:02:05". */
export function formatClock(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1_000))
  const ss = String(s % 60).padStart(2, '0')
  if (s < 3_600) return `${Math.floor(s / 60)}:${ss}`
  return `${Math.floor(s / 3_600)}:${String(Math.floor((s % 3_600) / 60)).padStart(2, '0')}:${ss}`
}
