// A bounded excerpt of text an agent wrote: what the journal, the briefs and the dashboard keep of
// an answer that can be any size (models do write 50 KB). The cut is said in the text itself, so a
// reader never takes an excerpt for the whole.

/** The head of `text` within `max` characters, ending with a note of how much was cut. */
export function excerpt(text: string, max: number): string {
  if (text.length <= max) return text
  const note = `… [cut: ${text.length} characters, ${max} kept]`
  return text.slice(0, Math.max(0, max - note.length)).trimEnd() + note
}
