// The timeline's editor tab, host side: the message that asks for it, the document that tells the
// bundle to mount the timeline alone (under the dashboard's own CSP), and the tab's title.
import { describe, expect, it } from 'vitest'
import { isWebviewToHost, webviewMode } from '../../src/shared/protocol'
import { dashboardHtml } from '../../src/vscode/dashboard-html'
import { timelineTitle } from '../../src/vscode/timeline-title'

const resources = {
  cspSource: 'https://file+.vscode-resource.vscode-cdn.net',
  script: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview.js',
  style: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview.css',
  codicons: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/codicons/codicon.css',
}

/** The document with its per-render nonce taken out, to compare two documents. */
const withoutNonce = (html: string) => html.replaceAll(/nonce-?[^'"]*/g, 'nonce')

describe('the timeline tab', () => {
  it('is asked for by a message the host accepts, with nothing else in it needed', () => {
    expect(isWebviewToHost({ type: 'timeline.open' })).toBe(true)
    expect(isWebviewToHost({ type: 'timeline.show' })).toBe(false)
  })

  it('gets the dashboard’s document with #app marked for the timeline, under the same policy', () => {
    const tab = dashboardHtml({ ...resources, mode: 'timeline' })
    const dashboard = dashboardHtml(resources)
    expect(tab).toContain(
      '<div id="app" data-mode="timeline"><p class="booting" role="status">Loading the timeline…</p></div>',
    )
    expect(tab).toContain('<title>Orchestrator Timeline</title>')
    const csp = (html: string) => /http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(html)?.[1]
    expect(withoutNonce(csp(tab) ?? '')).toBe(withoutNonce(csp(dashboard) ?? ''))
    // The same bundle, stylesheet and codicons.
    for (const url of [resources.script, resources.style, resources.codicons]) expect(tab).toContain(url)
    // The dashboard's document is as it was: no mode on its #app.
    expect(dashboardHtml({ ...resources, mode: 'dashboard' })).toContain('<div id="app"><p')
  })

  it('reads the mode from #app, the dashboard for anything it does not know', () => {
    expect(webviewMode('timeline')).toBe('timeline')
    expect(webviewMode(undefined)).toBe('dashboard')
    expect(webviewMode('Timeline')).toBe('dashboard')
    expect(webviewMode('')).toBe('dashboard')
  })

  it('is titled by the mission’s short title, else its goal’s first line, cut to fit a tab', () => {
    expect(timelineTitle(undefined)).toBe('Orchestrator Timeline')
    expect(timelineTitle({ goal: 'Write three files', title: 'Three files' })).toBe('Timeline: Three files')
    expect(timelineTitle({ goal: 'Write three files\nthen test them' })).toBe('Timeline: Write three files')
    const long = timelineTitle({
      goal: 'Add input validation to the signup form and test it in every browser',
    })
    expect(long).toBe('Timeline: Add input validation to the signup form…')
    expect(long.length).toBe('Timeline: '.length + 40)
    expect(timelineTitle({ goal: '   ' })).toBe('Orchestrator Timeline')
  })

  it('keeps a secret the planner echoed in its title out of the tab', () => {
    const title = timelineTitle({ goal: 'x', title: 'use sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123' })
    expect(title).not.toContain('abcdefghijklmnop')
  })
})
