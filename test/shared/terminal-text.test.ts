import { describe, expect, it } from 'vitest'
import { terminalLine, terminalText } from '../../src/shared/terminal-text'

describe('terminal text', () => {
  it('shows escape sequences, carriage returns and other controls instead of sending them', () => {
    const title = 'rm -rf ~\r\x1b[2Kecho hello\x1b]52;c;ZXZpbA==\x07 \x7f\x9b31m'
    const out = terminalText(title)
    expect(out).toBe('rm -rf ~^M^[[2Kecho hello^[]52;c;ZXZpbA==^G ^?\\x9b31m')
    // eslint-disable-next-line no-control-regex
    expect(out).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/)
  })

  it('drops colours and styles, which could hide text as its own background', () => {
    expect(terminalText('\x1b[1;31mFAIL\x1b[0m rm -rf ~\x1b[30;40m hidden\x1b[m')).toBe(
      'FAIL rm -rf ~ hidden',
    )
  })

  it('keeps newlines (a CRLF as one) and tabs, and the text around them', () => {
    expect(terminalText('line 1\r\nline 2\n\tindented — ✓ 名前')).toBe('line 1\nline 2\n\tindented — ✓ 名前')
  })

  it('makes one line of a multi-line title', () => {
    expect(terminalLine('Write a\nsecond line\tand a tab\x1b[A')).toBe('Write a second line and a tab^[[A')
  })
})
