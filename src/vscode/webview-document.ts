import * as vscode from 'vscode'
import type { WebviewMode } from '../shared/protocol'
import { dashboardHtml } from './dashboard-html'

// What every webview of the extension gets, the sidebar dashboard and the timeline's editor tab
// alike: scripts on, resources from dist/ and media/ only, and the one bundle's document (its CSP,
// codicons and stylesheet), told which app to mount.

export function loadWebview(webview: vscode.Webview, extensionUri: vscode.Uri, mode: WebviewMode): void {
  const dist = vscode.Uri.joinPath(extensionUri, 'dist')
  const media = vscode.Uri.joinPath(extensionUri, 'media')
  webview.options = { enableScripts: true, localResourceRoots: [dist, media] }
  const uri = (...path: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(dist, ...path)).toString()
  webview.html = dashboardHtml({
    cspSource: webview.cspSource,
    script: uri('webview.js'),
    style: uri('webview.css'),
    codicons: uri('codicons', 'codicon.css'),
    mode,
  })
}
