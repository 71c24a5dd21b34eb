// A duration as people read it in reports and lists: seconds with a decimal under a minute, whole
// minutes and seconds above.

export const formatDuration = (ms: number) =>
  ms < 60_000
    ? `${(ms / 1000).toFixed(1)} s`
    : `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`
