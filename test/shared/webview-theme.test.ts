import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

// The dashboard's styles draw from the theme only: a hard-coded colour breaks high-contrast themes
// (a white label on a light badge was 2.0:1). Read from the sources, as jsdom resolves no theme.

describe('theme colours only', () => {
  const dir = join(__dirname, '../../webview')
  const files = [
    'styles.css',
    'App.svelte',
    'TimelineApp.svelte',
    ...readdirSync(join(dir, 'components')).map((f) => join('components', f)),
  ]

  it('uses no hard-coded colour, so high-contrast themes render correctly', () => {
    for (const f of files) {
      const css = readFileSync(join(dir, f), 'utf8').split('<style>')[f.endsWith('.css') ? 0 : 1] ?? ''
      expect(css, f).not.toMatch(/#[0-9a-f]{3,8}\b|\brgba?\(|\bhsla?\(|:\s*(white|black)\b/i)
    }
  })

  it('gives badges and buttons a border that high-contrast themes fill in', () => {
    const read = (f: string) => readFileSync(join(dir, f), 'utf8')
    expect(read('styles.css')).toMatch(/button \{[^}]*border: 1px solid var\(--vscode-button-border/)
    const card = read('components/MissionCard.svelte')
    expect(card).toMatch(/\.badge \{[^}]*border: 1px solid var\(--vscode-contrastBorder/)
    expect(card).toMatch(/\.badge \{[^}]*background: var\(--vscode-badge-background\)/)
    expect(card).toMatch(/\.badge \{[^}]*color: var\(--vscode-badge-foreground\)/)
    expect(read('styles.css')).toMatch(/:focus-visible \{[^}]*outline: 1px solid var\(--vscode-focusBorder\)/)
  })
})
