// A duration as people read it in the dashboard and in reports: "850 ms", "12.3 s", "4m 05s".

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`
  const m = Math.floor(ms / 60_000)
  const s = Math.floor((ms % 60_000) / 1000)
  return `${m}m ${String(s).padStart(2, '0')}s`
}
