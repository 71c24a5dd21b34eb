// What users install: the .vsix and the npm tarball of the CLI hold what they need and nothing else.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { EXTENSION_ID, PACKAGE_NAME } from '../../src/shared/constants'
import { packNpm, packVsix, type Packed } from '../support/pack'
import { repoRoot } from '../support/sandbox'

const MB = 1024 * 1024
const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as Record<string, unknown>

/** Files no package may carry: sources, tests, source maps, test artifacts, installed modules. */
function expectNoDevelopmentFiles(files: string[]): void {
  for (const f of files) {
    expect(f, f).not.toMatch(/(^|\/)(src|test|webview|artifacts|node_modules|\.ci)\//)
    expect(f, f).not.toMatch(/\.map$/)
    expect(f, f).not.toMatch(/(^|\/)(media\/readme|\.git)\//)
  }
}

/** Files the manifest names: the extension's icon, view container icons, walkthrough step media. */
function manifestFiles(m: Record<string, unknown>): string[] {
  const c = m.contributes as {
    viewsContainers?: Record<string, { icon?: string }[]>
    walkthroughs?: { steps: { media: Record<string, unknown> }[] }[]
  }
  const icons = Object.values(c.viewsContainers ?? {}).flatMap((list) => list.map((v) => v.icon))
  const media = (c.walkthroughs ?? []).flatMap((w) =>
    w.steps.flatMap((s) => Object.values(s.media).filter((v) => typeof v === 'string')),
  )
  return [m.icon, ...icons, ...media].filter((f): f is string => typeof f === 'string')
}

let vsix: Packed
let tarball: Packed
beforeAll(async () => {
  ;[vsix, tarball] = await Promise.all([packVsix(), packNpm()])
}, 60_000)

describe('the .vsix', () => {
  it('holds the bundles, the icon, README, LICENSE and CHANGELOG, and nothing from development', () => {
    const inside = vsix.files
      .filter((f) => f.startsWith('extension/'))
      .map((f) => f.slice('extension/'.length))
    for (const f of [
      'package.json',
      'dist/extension.js',
      'dist/plugin.js',
      'dist/webview.js',
      'dist/webview.css',
      'dist/codicons/codicon.ttf',
      manifest.icon as string,
      'readme.md',
      'changelog.md',
      'LICENSE.txt',
    ])
      expect(inside, f).toContain(f)
    expectNoDevelopmentFiles(vsix.files)
    expect(vsix.size).toBeLessThan(MB)
  })

  it('holds every file the manifest points to: icons and the walkthrough steps', () => {
    const inside = new Set(vsix.files.map((f) => f.replace(/^extension\//, '')))
    const pointed = manifestFiles(manifest)
    expect(pointed.length).toBeGreaterThanOrEqual(6) // the icon, the activity bar's, four steps
    for (const f of pointed) expect(inside.has(f), f).toBe(true)
  })

  it('is the extension users address by its id', () => {
    expect(`${String(manifest.publisher)}.${String(manifest.name)}`).toBe(EXTENSION_ID)
  })
})

describe('the npm package of the CLI', () => {
  it('holds the CLI, the plugin it installs, README and LICENSE, and no extension or webview files', () => {
    expect([...tarball.files].sort()).toEqual(
      ['LICENSE', 'README.md', 'dist/cli.js', 'dist/plugin.js', 'package.json'].sort(),
    )
    expectNoDevelopmentFiles(tarball.files)
    expect(tarball.size).toBeLessThan(MB)
  })

  it('is installable under a name of its own, with opencode-ai as an optional dependency', () => {
    expect(manifest.name).toBe(PACKAGE_NAME)
    expect(manifest.private).toBeUndefined()
    expect(manifest.bin).toEqual({ orchestrator: './dist/cli.js' })
    expect(Object.keys(manifest.optionalDependencies as object)).toContain('opencode-ai')
    expect(Object.keys(manifest.devDependencies as object)).not.toContain('opencode-ai')
  })
})
