// A line kept to a width for a title, a toast, a table cell: cut with an ellipsis when longer.

/** `text` within `max` characters: its first `max - 1` and an ellipsis when it is longer. */
export function cutLine(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text
}
