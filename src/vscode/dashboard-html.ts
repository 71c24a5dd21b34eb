import { randomBytes } from 'node:crypto'
import type { WebviewMode } from '../shared/protocol'

// The dashboard webview's document: a strict CSP (scripts only with this document's nonce), the
// codicon font, the built stylesheet and the Svelte bundle mounted on #app, which says it is loading
// until the bundle replaces it (the panel is never blank). No vscode import, so the render benchmark
// loads exactly this document in a plain browser. The timeline's editor tab loads the same bundle:
// #app's data-mode tells main.ts which app to mount.

export interface DashboardResources {
  /** Origin the webview may load styles, fonts and images from (the webview's `cspSource`). */
  cspSource: string
  script: string
  style: string
  codicons: string
  /** `timeline`: the mission's timeline alone, at the editor's width. Default: the whole dashboard. */
  mode?: WebviewMode
}

const BOOTING: Record<WebviewMode, { title: string; loading: string }> = {
  dashboard: { title: 'Orchestrator', loading: 'Loading the dashboard…' },
  timeline: { title: 'Orchestrator Timeline', loading: 'Loading the timeline…' },
}

export function dashboardHtml(r: DashboardResources): string {
  const nonce = randomBytes(16).toString('base64')
  const csp = [
    "default-src 'none'",
    `style-src ${r.cspSource}`,
    `font-src ${r.cspSource}`,
    `img-src ${r.cspSource} data:`,
    `script-src 'nonce-${nonce}'`,
    // default-src does not cover these: no <base> may redirect the document's relative URLs, no form
    // may submit anywhere.
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ')
  const mode = r.mode ?? 'dashboard'
  const { title, loading } = BOOTING[mode]
  // The dashboard's #app keeps no attribute, as it always had.
  const modeAttr = mode === 'dashboard' ? '' : ` data-mode="${mode}"`
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link href="${r.codicons}" rel="stylesheet">
<link href="${r.style}" rel="stylesheet">
<title>${title}</title>
</head>
<body>
<div id="app"${modeAttr}><p class="booting" role="status">${loading}</p></div>
<script type="module" nonce="${nonce}" src="${r.script}"></script>
</body>
</html>`
}
