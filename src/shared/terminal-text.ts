// What the CLI and the OpenCode TUI (the `/task` notes and toasts) show of text the orchestrator did
// not write itself: a todo's title, a report, a reason, the command a permission is for, a check's
// output. A model (or a file it read) can put control characters in any of them: an escape sequence
// that moves the cursor, clears a line, sets the window title or the clipboard, colours text as its
// background, or a carriage return that writes over what came before, so that the permission
// question shows another command than the one asked for. Colours and styles are dropped (a test
// runner's red and green too); every other control character is shown as `cat -v` shows it: ESC as
// ^[, a lone carriage return as ^M, DEL as ^?, a C1 control as its code.

// eslint-disable-next-line no-control-regex
const STYLE = /\x1b\[[0-9;:]*m/g
// eslint-disable-next-line no-control-regex
const CONTROL = /\r\n|[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g

const shown = (c: string): string => {
  if (c === '\r\n') return '\n'
  const code = c.charCodeAt(0)
  if (code < 0x20) return `^${String.fromCharCode(code + 0x40)}`
  if (code === 0x7f) return '^?'
  return `\\x${code.toString(16)}`
}

/** `text` without colours, and with every other control character but newline and tab shown. */
export const terminalText = (text: string): string => text.replace(STYLE, '').replace(CONTROL, shown)

/** One line of `text` for the status block: also its newlines and tabs as spaces. */
export const terminalLine = (text: string): string => terminalText(text).replace(/[\n\t]/g, ' ')
