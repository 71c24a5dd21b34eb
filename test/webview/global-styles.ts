// Loads the dashboard's global styles (webview/styles.css, which main.ts imports) into jsdom, for tests
// of what they declare. Vitest hands CSS imports over empty, so the file is read from disk; the
// webview's type check has no Node types, hence the narrow cast.

interface NodeFs {
  readFileSync(path: string, encoding: 'utf8'): string
}
const fs = (
  globalThis as unknown as { process: { getBuiltinModule(id: 'node:fs'): NodeFs } }
).process.getBuiltinModule('node:fs')

/** webview/styles.css, from this file's own path (test/webview/). */
const STYLES = decodeURIComponent(new URL(import.meta.url).pathname).replace(
  /test\/webview\/[^/]+$/,
  'webview/styles.css',
)

export function loadGlobalStyles(): void {
  const style = document.createElement('style')
  style.textContent = fs.readFileSync(STYLES, 'utf8')
  document.head.append(style)
}
