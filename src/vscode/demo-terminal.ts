// The terminal that runs the CLI's offline demo for "Orchestrator: Run Offline Demo" (no vscode
// import, so it is tested as it is).

import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface DemoTerminal {
  name: string
  shellPath: string
  shellArgs: string[]
  cwd: string
  env: Record<string, string>
}

/**
 * The terminal that runs the demo: the editor's own runtime as Node (ELECTRON_RUN_AS_NODE; a user
 * may have no `node` on PATH), the CLI bundled with the extension, and the OpenCode the extension
 * itself would start.
 */
export function demoTerminal(p: { execPath: string; extensionDir: string; opencode: string }): DemoTerminal {
  return {
    name: 'Orchestrator: offline demo',
    shellPath: p.execPath,
    shellArgs: [join(p.extensionDir, 'dist', 'cli.js'), 'run', '--demo', '--opencode', p.opencode],
    cwd: tmpdir(),
    env: { ELECTRON_RUN_AS_NODE: '1' },
  }
}
