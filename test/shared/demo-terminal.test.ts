import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { demoTerminal } from '../../src/vscode/demo-terminal'

describe('the offline demo from VS Code', () => {
  it("runs the extension's own CLI on the editor's runtime as Node, with the OpenCode the extension uses", () => {
    const t = demoTerminal({
      execPath: '/opt/editor/code',
      extensionDir: '/ext/orch',
      opencode: '/bin/opencode',
    })
    expect(t.shellPath).toBe('/opt/editor/code')
    expect(t.shellArgs).toEqual([
      join('/ext/orch', 'dist', 'cli.js'),
      'run',
      '--demo',
      '--opencode',
      '/bin/opencode',
    ])
    expect(t.env).toEqual({ ELECTRON_RUN_AS_NODE: '1' })
  })
})
