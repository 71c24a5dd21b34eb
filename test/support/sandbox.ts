import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { offlineEnv } from '../../src/demo/offline-env'
import { writeProject } from '../../src/demo/sample-project'
import { ScriptedProvider, scriptedProviderConfig, type Script } from '../../src/demo/scripted-provider'
import { resolveOpencodeBinary } from '../../src/opencode/binary'
import { missionServerConfig } from '../../src/plugin-config/server-config'
import { connect, type Connection, type ConnectOptions } from '../../src/opencode/connection'
import { Supervisor } from '../../src/opencode/supervisor'
import { Mission } from '../../src/engine/mission'
import type { MissionOptions } from '../../src/engine/mission-options'
import {
  systemClock,
  type EventPort,
  type Logger,
  type SessionPort,
  type WorktreePort,
} from '../../src/engine/ports'
import { JournalFile } from '../../src/node/journal-file'
import { NodeWorkspace } from '../../src/node/workspace'

export const repoRoot = resolve(__dirname, '../..')
export const pluginUrl = pathToFileURL(join(repoRoot, 'dist/plugin.js')).href

export const testLogger = (lines: string[] = []): Logger & { lines: string[] } => ({
  lines,
  debug: (m) => void lines.push(`debug ${m}`),
  info: (m) => void lines.push(`info ${m}`),
  warn: (m) => void lines.push(`warn ${m}`),
  error: (m) => void lines.push(`error ${m}`),
})

export interface SandboxOptions {
  script: Script
  latencyMs?: number
  /** Project files. Default: a README. */
  files?: Record<string, string>
  /** Extra OpenCode config merged over the provider config (and over the product's defaults). */
  config?: Record<string, unknown>
  /** Load the companion plugin from dist/plugin.js. Default: true. */
  plugin?: boolean
  /** The plugin's options (its config tuple's second item). */
  pluginOptions?: Record<string, unknown>
}

/**
 * A real `opencode serve`, offline, on a temp project, talking to a scripted provider on loopback.
 * Everything it starts is ended by dispose().
 */
export class Sandbox {
  readonly log = testLogger()
  readonly connections: Connection[] = []

  private constructor(
    readonly root: string,
    readonly projectDir: string,
    readonly env: NodeJS.ProcessEnv,
    readonly provider: ScriptedProvider,
    readonly config: Record<string, unknown>,
  ) {}

  static async create(options: SandboxOptions): Promise<Sandbox> {
    const root = mkdtempSync(join(tmpdir(), 'orch-sandbox-'))
    const projectDir = writeProject(join(root, 'project'), options.files ?? { 'README.md': '# sample\n' })
    const provider = await ScriptedProvider.start({
      script: options.script,
      latencyMs: options.latencyMs ?? 0,
    })
    const base: Record<string, unknown> = {
      ...scriptedProviderConfig(provider),
      autoupdate: false,
      share: 'disabled',
      permission: { '*': 'allow' },
      ...options.config,
    }
    // The config the product gives the servers it starts (plugin entry, snapshot choice), unless a
    // test installs the plugin itself.
    const pluginFile = join(repoRoot, 'dist/plugin.js')
    const config =
      options.plugin !== false && existsSync(pluginFile)
        ? missionServerConfig({
            pluginFile,
            base,
            ...(options.pluginOptions && { pluginOptions: options.pluginOptions }),
          })
        : base
    return new Sandbox(root, projectDir, offlineEnv(root), provider, config)
  }

  readonly supervisors: Supervisor[] = []

  get connectOptions(): ConnectOptions {
    return {
      kind: 'spawn',
      binary: resolveOpencodeBinary({ searchFrom: [repoRoot] }),
      directory: this.projectDir,
      env: this.env,
      configContent: this.config,
      logger: this.log,
    }
  }

  /** Spawns a server for the project through the product's own spawner. */
  async start(): Promise<Connection> {
    const connection = await connect(this.connectOptions)
    this.connections.push(connection)
    return connection
  }

  /** A server that the product's supervisor restarts when it dies. */
  async supervise(): Promise<Supervisor> {
    const supervisor = await Supervisor.start(this.connectOptions, { initialDelayMs: 100 })
    this.supervisors.push(supervisor)
    return supervisor
  }

  /**
   * A mission on a project of this sandbox (default: its own), journaled in the sandbox: a second
   * mission made here reads the same journal, so it resumes the first.
   */
  mission(
    ports: { sessions: SessionPort; events: EventPort; worktrees?: WorktreePort },
    options: Pick<MissionOptions, 'goal'> & Partial<MissionOptions>,
    projectDir = this.projectDir,
  ): Mission {
    return new Mission(
      {
        ...ports,
        workspace: new NodeWorkspace(projectDir, this.env),
        journal: new JournalFile(join(this.root, 'journal.jsonl')),
        clock: systemClock,
        logger: this.log,
      },
      { id: 'm', ...options },
    )
  }

  async dispose(): Promise<void> {
    await Promise.allSettled([...this.connections, ...this.supervisors].map((c) => c.dispose()))
    await this.provider.close()
    rmSync(this.root, { recursive: true, force: true })
  }
}

/** True when no process of the group is alive any more. */
export function groupGone(pgid: number): boolean {
  try {
    process.kill(-pgid, 0)
    return false
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH'
  }
}
