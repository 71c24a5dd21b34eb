// What the CLI writes to a terminal of text it did not write itself: a todo's title, a report, a
// reason, the command a permission is for, a check's output. A model (or a file it read) can put
// control characters in any of them: an escape sequence that moves the cursor, clears a line, sets
// the window title or the clipboard, or a carriage return that writes over what came before, so the
// permission question shows a different command than the one asked for. They are shown instead, as
// `cat -v` shows them: ESC as ^[, a lone carriage return as ^M, DEL as ^?, a C1 control as its code.

// eslint-disable-next-line no-control-regex
const CONTROL = /\r\n|[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g

const shown = (c: string): string => {
  if (c === '\r\n') return '\n'
  const code = c.charCodeAt(0)
  if (code < 0x20) return `^${String.fromCharCode(code + 0x40)}`
  if (code === 0x7f) return '^?'
  return `\\x${code.toString(16)}`
}

/** `text` with every control character but the newline and the tab made visible. */
export const terminalText = (text: string): string => text.replace(CONTROL, shown)

/** One line of `text` for the status block: also its newlines and tabs as spaces. */
export const terminalLine = (text: string): string => terminalText(text).replace(/[\n\t]/g, ' ')
