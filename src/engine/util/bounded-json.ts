// A value written as JSON for a log line, at most so many characters: it reads only as much of the
// value as it writes, so a huge, deeply nested or cyclic value (a hostile message) costs no more than
// the cut and never throws.

/** JSON text of `value` cut at `max` characters (`…` marks a cut). */
export function boundedJson(value: unknown, max: number): string {
  let out = ''
  const full = () => out.length > max
  // One character past the bound tells a cut from an exact fit.
  const write = (s: string) => {
    if (!full()) out += s.slice(0, max + 1 - out.length)
  }
  const open = new Set<object>()
  const walk = (v: unknown): void => {
    if (full()) return
    if (typeof v === 'string') return write(JSON.stringify(v.slice(0, max + 1 - out.length)))
    if (typeof v === 'number' || typeof v === 'boolean' || v === null) return write(JSON.stringify(v))
    if (typeof v === 'bigint') return write(String(v))
    if (typeof v !== 'object') return write(v === undefined ? 'undefined' : `[${typeof v}]`)
    if (open.has(v)) return write('"[cycle]"')
    open.add(v)
    if (Array.isArray(v)) {
      write('[')
      for (let i = 0; i < v.length && !full(); i++) {
        if (i > 0) write(',')
        walk(v[i])
      }
      write(']')
    } else {
      write('{')
      let first = true
      for (const k in v) {
        if (full()) break
        if (!Object.hasOwn(v, k)) continue
        write(`${first ? '' : ','}${JSON.stringify(k.slice(0, max + 1 - out.length))}:`)
        first = false
        walk((v as Record<string, unknown>)[k])
      }
      write('}')
    }
    open.delete(v)
  }
  walk(value)
  return full() ? `${out.slice(0, max)}…` : out
}
