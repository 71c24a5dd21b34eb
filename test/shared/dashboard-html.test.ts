import { describe, expect, it } from 'vitest'
import { dashboardHtml } from '../../src/vscode/dashboard-html'

// The dashboard's document: its Content-Security-Policy is the webview's only fence.

const resources = {
  cspSource: 'https://file+.vscode-resource.vscode-cdn.net',
  script: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview.js',
  style: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview.css',
  codicons: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/codicons/codicon.css',
}

/** The policy in the document's meta tag, directive → sources. */
function policy(html: string): Map<string, string[]> {
  const content = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html)?.[1]
  if (content === undefined) throw new Error('no CSP meta tag')
  return new Map(
    content.split(';').map((d) => {
      const [name = '', ...sources] = d.trim().split(/\s+/)
      return [name, sources]
    }),
  )
}

describe('the dashboard document', () => {
  it('allows nothing by default, no <base> and no form submission', () => {
    const csp = policy(dashboardHtml(resources))
    expect(csp.get('default-src')).toEqual(["'none'"])
    // Not covered by default-src: each must be stated.
    expect(csp.get('base-uri')).toEqual(["'none'"])
    expect(csp.get('form-action')).toEqual(["'none'"])
    expect(csp.get('style-src')).toEqual([resources.cspSource])
    expect(csp.get('font-src')).toEqual([resources.cspSource])
    expect(csp.get('img-src')).toEqual([resources.cspSource, 'data:'])
  })

  it('says it is loading until the bundle takes its place, so the panel is never blank', () => {
    expect(dashboardHtml(resources)).toContain(
      '<div id="app"><p class="booting" role="status">Loading the dashboard…</p></div>',
    )
  })

  it('runs only its own script, by a nonce that changes with each document', () => {
    const html = dashboardHtml(resources)
    const scriptSrc = policy(html).get('script-src') ?? []
    expect(scriptSrc).toHaveLength(1)
    const nonce = /^'nonce-([A-Za-z0-9+/=]{16,})'$/.exec(scriptSrc[0] ?? '')?.[1]
    expect(nonce).toBeDefined()
    expect([...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0])).toEqual([
      `<script type="module" nonce="${nonce}" src="${resources.script}">`,
    ])
    expect(policy(dashboardHtml(resources)).get('script-src')).not.toEqual(scriptSrc)
  })
})
