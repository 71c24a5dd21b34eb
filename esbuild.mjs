// One build script for the four bundles: extension host (cjs), CLI (cjs + shebang),
// companion OpenCode plugin (esm, self-contained) and the Svelte webview (browser esm + css).
import { cpSync, mkdirSync } from 'node:fs'
import * as esbuild from 'esbuild'
import sveltePlugin from 'esbuild-svelte'

const production = process.argv.includes('--production')
const watch = process.argv.includes('--watch')

const common = {
  bundle: true,
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  legalComments: 'none',
}

/** @type {esbuild.BuildOptions[]} */
const builds = [
  {
    ...common,
    entryPoints: ['src/extension.ts'],
    outfile: 'dist/extension.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
  },
  {
    ...common,
    entryPoints: ['src/cli/main.ts'],
    outfile: 'dist/cli.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    banner: { js: '#!/usr/bin/env node' },
  },
  {
    ...common,
    entryPoints: ['src/plugin/index.ts'],
    outfile: 'dist/plugin.js',
    platform: 'node',
    format: 'esm',
    target: 'node20',
  },
  {
    ...common,
    entryPoints: ['webview/main.ts'],
    outfile: 'dist/webview.js',
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    // esbuild-svelte cannot transform with linked maps; the webview gets inline ones in development.
    sourcemap: production ? false : 'inline',
    conditions: ['svelte', 'browser'],
    mainFields: ['svelte', 'browser', 'module', 'main'],
    plugins: [sveltePlugin({ compilerOptions: { css: 'external' } })],
  },
]

// Codicons are shipped as-is next to the webview bundle (localResourceRoots covers dist/).
mkdirSync('dist/codicons', { recursive: true })
for (const f of ['codicon.css', 'codicon.ttf'])
  cpSync(`node_modules/@vscode/codicons/dist/${f}`, `dist/codicons/${f}`)

if (watch) {
  const contexts = await Promise.all(builds.map((b) => esbuild.context(b)))
  await Promise.all(contexts.map((c) => c.watch()))
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)))
}
