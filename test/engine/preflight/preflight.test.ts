import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  isTestedVersion,
  TESTED_OPENCODE,
  versionInOutput,
} from '../../../src/engine/preflight/opencode-version'
import { modelChoices, preflight } from '../../../src/engine/preflight/preflight'
import type { HealthAnswer, PreflightPort, ServerFacts } from '../../../src/engine/preflight/preflight-port'

// The preflight function on a fake port: each failure names what is missing and how to fix it.

const URL = 'http://127.0.0.1:4096'

const goodFacts = (): ServerFacts => ({
  providers: [{ id: 'fake', name: 'Fake', models: ['fake-model', 'fake-reviewer'], anonymous: false }],
  defaultModel: { providerID: 'fake', modelID: 'fake-model' },
  providerDefaults: { fake: 'fake-model' },
  agents: ['build', 'commander', 'planner', 'worker', 'reviewer'].map((name) => ({ name })),
  tools: ['bash', 'read', 'orchestrator_plan', 'orchestrator_report', 'orchestrator_verdict'],
})

class FakePreflightPort implements PreflightPort {
  readonly url = URL
  factsCalls = 0
  constructor(
    private readonly answer: HealthAnswer = { ok: true, version: '1.18.33' },
    private readonly serverFacts: ServerFacts | Error = goodFacts(),
  ) {}
  health = async () => this.answer
  facts = async () => {
    this.factsCalls++
    if (this.serverFacts instanceof Error) throw this.serverFacts
    return this.serverFacts
  }
}

const with_ = (patch: Partial<ServerFacts>) => ({ ...goodFacts(), ...patch })

describe('preflight', () => {
  it('passes a server with a connected provider, resolvable models, our agents and tools', async () => {
    const report = await preflight(new FakePreflightPort(), {
      attached: true,
      models: { reviewer: { providerID: 'fake', modelID: 'fake-reviewer' } },
    })
    expect(report).toEqual({ ok: true, url: URL, version: '1.18.33', problems: [], warnings: [] })
  })

  it('names the URL and why for a server that does not answer, and asks it nothing more', async () => {
    const cases: [HealthAnswer, RegExp][] = [
      [
        { ok: false, why: 'refused', detail: 'connection refused' },
        /Nothing answers at .*4096 \(connection refused\)/,
      ],
      [
        { ok: false, why: 'unauthorized', detail: 'HTTP 401' },
        /refused our password \(HTTP 401\).*--password/,
      ],
      [
        { ok: false, why: 'timeout', detail: 'no answer within 5 s' },
        /did not answer \(no answer within 5 s\)/,
      ],
    ]
    for (const [answer, message] of cases) {
      const port = new FakePreflightPort(answer)
      const report = await preflight(port, { attached: true })
      expect(report.ok).toBe(false)
      expect(report.problems).toHaveLength(1)
      expect(report.problems[0]?.message).toMatch(message)
      expect(report.problems[0]?.message).toContain(URL)
      expect(report.problems[0]?.fix).toBe('attachServer')
      expect(port.factsCalls).toBe(0)
    }
  })

  it('fails a fresh OpenCode whose only provider is the anonymous free tier, pointing at opencode auth login', async () => {
    const facts = with_({
      providers: [{ id: 'opencode', name: 'OpenCode Zen', models: ['big-pickle'], anonymous: true }],
      providerDefaults: { opencode: 'big-pickle' },
    })
    delete facts.defaultModel
    const report = await preflight(new FakePreflightPort(undefined, facts), { attached: false })
    expect(report.ok).toBe(false)
    expect(report.problems.map((p) => p.check)).toEqual(['providers'])
    expect(report.problems[0]?.message).toContain(
      `No model provider is connected to the OpenCode server at ${URL}`,
    )
    expect(report.problems[0]?.message).toContain('opencode auth login')
    expect(report.problems[0]?.message).toContain('orchestrator.models')
    // Naming a model of that tier on purpose is the user's choice.
    const chosen = await preflight(new FakePreflightPort(undefined, facts), {
      attached: false,
      models: { planner: { providerID: 'opencode', modelID: 'big-pickle' } },
    })
    expect(chosen.ok).toBe(true)
  })

  it('fails a role model on an unknown provider, and one on an unknown model, naming the role and the fix', async () => {
    const report = await preflight(new FakePreflightPort(), {
      attached: true,
      models: {
        planner: { providerID: 'anthropic', modelID: 'claude-x' },
        worker: { providerID: 'fake', modelID: 'no-such-model' },
      },
    })
    expect(report.ok).toBe(false)
    const [provider, model] = report.problems
    expect(provider?.message).toContain('The planner model anthropic/claude-x (chosen for the planner)')
    expect(provider?.message).toContain('names the provider "anthropic", which is not connected')
    expect(provider?.message).toContain('(connected: fake)')
    expect(provider?.fix).toBe('chooseModels')
    expect(model?.message).toContain('names the model "no-such-model"')
    expect(model?.message).toContain('it offers: fake-model, fake-reviewer')
    expect(model?.message).toContain('--model <role>=provider/model')
    expect(report.problems).toHaveLength(2) // the reviewer runs on the server's default, which exists
  })

  it("checks the server's default model once for every role that inherits it", async () => {
    const facts = with_({ defaultModel: { providerID: 'gone', modelID: 'm' } })
    const report = await preflight(new FakePreflightPort(undefined, facts), { attached: false })
    expect(report.problems).toHaveLength(1)
    expect(report.problems[0]?.message).toContain(
      "The planner, worker, reviewer model gone/m (OpenCode's default `model`)",
    )
  })

  it('an attached server without our agents and tools gets the install-the-plugin message', async () => {
    const facts = with_({ agents: [{ name: 'build' }], tools: ['bash', 'read'] })
    const attached = await preflight(new FakePreflightPort(undefined, facts), { attached: true })
    expect(attached.problems).toHaveLength(1)
    expect(attached.problems[0]?.message).toContain(
      'missing: agent planner, agent worker, agent reviewer, tool orchestrator_plan, tool orchestrator_report, tool orchestrator_verdict',
    )
    expect(attached.problems[0]?.message).toContain('Install Companion Plugin')
    expect(attached.problems[0]?.message).toContain('then restart that server')
    expect(attached.problems[0]?.fix).toBe('installPlugin')
    const started = await preflight(new FakePreflightPort(undefined, facts), { attached: false })
    expect(started.problems[0]?.fix).toBe('showLogs')
    expect(started.problems[0]?.message).toContain('did not load the companion plugin')
  })

  it('refuses an OpenCode outside the tested range (2.x, or older than 1.18), naming the version, the URL and the fixes', async () => {
    for (const version of ['2.4.0', '1.4.2']) {
      const port = new FakePreflightPort({ ok: true, version })
      const report = await preflight(port, { attached: true })
      expect(report.ok).toBe(false)
      expect(report.problems).toHaveLength(1)
      const problem = report.problems[0]
      expect(problem?.message).toContain(`OpenCode ${version} (the server at ${URL})`)
      expect(problem?.message).toContain('>=1.18.0 <2.0.0')
      expect(problem?.message).toContain('attach to an OpenCode 1.x server (`npm i -g opencode-ai@1`')
      expect(problem?.fix).toBe('attachServer')
      expect(port.factsCalls).toBe(0)
    }
    const spawned = await preflight(new FakePreflightPort({ ok: true, version: '2.4.0' }), {
      attached: false,
    })
    expect(spawned.problems[0]?.message).toContain('`orchestrator.opencodePath` setting, `--opencode`')
  })

  it('reports a server without the health route (HTTP 404, as on OpenCode 2) as not OpenCode 1.x', async () => {
    const port = new FakePreflightPort({ ok: false, why: 'not-found', detail: 'HTTP 404' })
    const report = await preflight(port, { attached: true })
    expect(report.ok).toBe(false)
    expect(report.problems[0]?.message).toContain(
      `OpenCode 2 or later (it has no /global/health route: HTTP 404) (the server at ${URL}) is not a version this build can drive`,
    )
    expect(report.problems[0]?.fix).toBe('attachServer')
  })

  it('warns (without failing) on a version that is not a version number, and fails when the server cannot describe itself', async () => {
    const local = await preflight(new FakePreflightPort({ ok: true, version: 'local' }), { attached: true })
    expect(local.ok).toBe(true)
    expect(local.warnings[0]).toContain('gives "local" as its version')
    expect(local.warnings[0]).toContain('>=1.18.0 <2.0.0')
    const broken = await preflight(new FakePreflightPort(undefined, new Error('agents: HTTP 500')), {
      attached: true,
    })
    expect(broken.ok).toBe(false)
    expect(broken.problems[0]?.message).toContain('agents: HTTP 500')
  })
})

describe('the tested OpenCode range', () => {
  it('is the opencode-ai line package.json pins', () => {
    const pkg = JSON.parse(readFileSync(join(__dirname, '../../../package.json'), 'utf8')) as {
      optionalDependencies: Record<string, string>
    }
    const m = /^\^(\d+)\.(\d+)\./.exec(pkg.optionalDependencies['opencode-ai'] ?? '')
    expect(m, 'opencode-ai is pinned as ^major.minor.patch').not.toBeNull()
    expect(TESTED_OPENCODE.min).toBe(`${m?.[1]}.${m?.[2]}.0`)
    expect(TESTED_OPENCODE.below).toBe(`${Number(m?.[1]) + 1}.0.0`)
    // "Install OpenCode 1.x" installs exactly the version package.json pins.
    expect(`^${TESTED_OPENCODE.install}`).toBe(pkg.optionalDependencies['opencode-ai'])
  })

  it('accepts versions inside it only', () => {
    expect(isTestedVersion('1.18.33')).toBe(true)
    expect(isTestedVersion('1.19.0-beta.1')).toBe(true)
    expect(isTestedVersion('1.17.9')).toBe(false)
    expect(isTestedVersion('2.0.0')).toBe(false)
    expect(isTestedVersion('local')).toBe(false)
  })

  it('finds the version in a --version output', () => {
    expect(versionInOutput('1.18.33\n')).toBe('1.18.33')
    expect(versionInOutput('opencode v2.4.0')).toBe('2.4.0')
    expect(versionInOutput('2.0.0-beta.3')).toBe('2.0.0-beta.3')
    expect(versionInOutput('local')).toBeUndefined()
  })

  it('lists model choices with the anonymous tier last', () => {
    expect(
      modelChoices([
        { id: 'opencode', name: 'Zen', models: ['big-pickle'], anonymous: true },
        { id: 'fake', name: 'Fake', models: ['a', 'b'], anonymous: false },
      ]),
    ).toEqual(['fake/a', 'fake/b', 'opencode/big-pickle'])
  })
})
